"""Lunar-calendar dates, through ``lunar_python``.

Lunar birthdays: a customer born in a leap month celebrates in the ordinary
month of the same number (the common custom), and one born on the 30th of a
month celebrates on the 29th in years when that month has only 29 days.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from functools import lru_cache

from lunar_python import Lunar, LunarMonth, LunarYear, Solar
from lunar_python.util import LunarUtil


@lru_cache(maxsize=None)
def _month_starts(lunar_year: int) -> tuple[tuple[int, int, bool], ...]:
    """(first day as a date ordinal, month, is_leap) of each month of ``lunar_year``, asked of the library once."""
    starts = []
    for month in LunarYear.fromYear(lunar_year).getMonths():
        if month.getYear() == lunar_year:
            first = Solar.fromJulianDay(month.getFirstJulianDay())
            ordinal = dt.date(first.getYear(), first.getMonth(), first.getDay()).toordinal()
            starts.append((ordinal, abs(month.getMonth()), month.getMonth() < 0))
    return tuple(sorted(starts))


@lru_cache(maxsize=65536)
def lunar_month_day(solar: dt.date) -> tuple[int, int, bool]:
    """(month, day, is_leap_month) of a solar date.

    Found by bisecting the month starts (one library call per lunar year)
    rather than converting each date, which costs milliseconds apiece.
    """
    starts = _month_starts(solar.year - 1) + _month_starts(solar.year)
    ordinal = solar.toordinal()
    index = bisect_right(starts, (ordinal, 99, True)) - 1
    first, month, leap = starts[index]
    return month, ordinal - first + 1, leap


@lru_cache(maxsize=65536)
def solar_of_lunar(lunar_year: int, month: int, day: int) -> dt.date:
    """The solar date of (ordinary) lunar ``month``/``day`` in ``lunar_year``, day clamped to the month's length."""
    day = min(day, LunarMonth.fromYm(lunar_year, month).getDayCount())
    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_label(month: int, day: int, leap: bool = False) -> str:
    """Chinese name of a lunar date, e.g. 八月十五."""
    return ("闰" if leap else "") + LunarUtil.MONTH[month] + "月" + LunarUtil.DAY[day]
