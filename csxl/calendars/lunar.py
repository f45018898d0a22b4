"""Lunar-calendar dates, from a table of lunar month starts (``lunar_months.csv``).

The table holds the first day of every lunar month of lunar years 1899–2102,
computed once by ``lunar_python`` (``scripts/build_lunar_table.py``) and
checked against it day by day from 1900 to 2100 in the tests: the library
works each year out astronomically, milliseconds apiece, and caches one.

Lunar birthdays: a customer born in a leap month celebrates in the ordinary
month of the same number (the common custom), and one born on the 30th of a
month celebrates on the 29th in years when that month has only 29 days.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np

_TABLE = Path(__file__).with_name("lunar_months.csv")
_EPOCH = dt.date(1970, 1, 1).toordinal()
MISSING = np.iinfo("int64").min  # a day the table cannot give


class _Months:
    """The table as arrays: month starts (days since 1970-01-01) in order, and an index of the ordinary months."""

    def __init__(self, text: str):
        rows = [line.split(",") for line in text.splitlines()[1:] if line]
        self.year = np.array([int(r[0]) for r in rows])
        self.month = np.array([int(r[1]) for r in rows])
        self.leap = np.array([r[2] == "1" for r in rows])
        self.start = np.array([dt.date.fromisoformat(r[3]).toordinal() - _EPOCH for r in rows])
        self.length = np.append(np.diff(self.start), 0)  # the last month's length is unknown: the table stops there
        self.first_year, self.last_year = int(self.year.min()), int(self.year.max()) - 1
        # (lunar year, month) → row of the ordinary (non-leap) month
        self.ordinary = np.full((self.last_year - self.first_year + 2) * 13, -1)
        plain = np.flatnonzero(~self.leap)
        self.ordinary[(self.year[plain] - self.first_year) * 13 + self.month[plain]] = plain


@cache
def _months() -> _Months:
    return _Months(_TABLE.read_text(encoding="ascii"))


def lunar_month_days(days_since_epoch: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(month, day, is_leap) of each solar day given as days since 1970-01-01 (month 0 outside the table)."""
    table = _months()
    row = np.searchsorted(table.start, days_since_epoch, side="right") - 1
    inside = (row >= 0) & (row < len(table.start) - 1)
    row = np.clip(row, 0, len(table.start) - 1)
    return (np.where(inside, table.month[row], 0), np.where(inside, days_since_epoch - table.start[row] + 1, 0),
            np.where(inside, table.leap[row], False))


def solar_of_lunar_days(years: np.ndarray, months: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of ordinary lunar ``months``/``days`` in lunar ``years``, the day clamped to the month's length.

    ``MISSING`` where the year is outside the table or the month is 0.
    """
    table = _months()
    years, months, days = np.broadcast_arrays(np.asarray(years), np.asarray(months), np.asarray(days))
    known = (years >= table.first_year) & (years <= table.last_year) & (months >= 1) & (months <= 12)
    row = table.ordinary[np.where(known, (years - table.first_year) * 13 + months, 0)]
    known &= row >= 0
    row = np.where(known, row, 0)
    return np.where(known, table.start[row] + np.minimum(days, table.length[row]) - 1, MISSING)


def lunar_month_day(solar: dt.date) -> tuple[int, int, bool]:
    """(month, day, is_leap_month) of a solar date."""
    month, day, leap = lunar_month_days(np.array([solar.toordinal() - _EPOCH]))
    if not month[0]:
        raise ValueError(f"{solar} is outside the lunar table (lunar years {_months().first_year}–{_months().last_year})")
    return int(month[0]), int(day[0]), bool(leap[0])


def solar_of_lunar(lunar_year: int, month: int, day: int) -> dt.date:
    """The solar date of (ordinary) lunar ``month``/``day`` in ``lunar_year``, day clamped to the month's length."""
    found = int(solar_of_lunar_days(np.array([lunar_year]), np.array([month]), np.array([day]))[0])
    if found == MISSING:
        raise ValueError(f"lunar year {lunar_year} is outside the lunar table")
    return dt.date.fromordinal(found + _EPOCH)


def lunar_label(month: int, day: int, leap: bool = False) -> str:
    """Chinese name of a lunar date, e.g. 八月十五."""
    from lunar_python.util import LunarUtil  # only the names; the dates come from the table

    return ("闰" if leap else "") + LunarUtil.MONTH[month] + "月" + LunarUtil.DAY[day]
