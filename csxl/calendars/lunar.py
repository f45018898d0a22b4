"""Lunar-calendar dates, through ``lunar_python``.

Lunar birthdays: a customer born in a leap month celebrates in the ordinary
month of the same number (the common custom), and one born on the 30th of a
month celebrates on the 29th in years when that month has only 29 days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from lunar_python import Lunar, LunarMonth, Solar
from lunar_python.util import LunarUtil


@lru_cache(maxsize=65536)
def lunar_month_day(solar: dt.date) -> tuple[int, int, bool]:
    """(month, day, is_leap_month) of a solar date."""
    lunar = Solar.fromYmd(solar.year, solar.month, solar.day).getLunar()
    month = lunar.getMonth()
    return abs(month), lunar.getDay(), month < 0


@lru_cache(maxsize=65536)
def solar_of_lunar(lunar_year: int, month: int, day: int) -> dt.date:
    """The solar date of (ordinary) lunar ``month``/``day`` in ``lunar_year``, day clamped to the month's length."""
    day = min(day, LunarMonth.fromYm(lunar_year, month).getDayCount())
    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_label(month: int, day: int, leap: bool = False) -> str:
    """Chinese name of a lunar date, e.g. 八月十五."""
    return ("闰" if leap else "") + LunarUtil.MONTH[month] + "月" + LunarUtil.DAY[day]
