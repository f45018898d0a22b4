"""Chinese working days, including the make-up working days (调休).

Order of authority for a day: the manager's 工作日调整 sheet, then the
``chinesecalendar`` package (official State Council schedules, one year at a
time), then, for a year that package does not know yet, weekends plus the
statutory holidays from ``holidays`` (computed, lunar ones included).  The
years that fell back are remembered so the caller can say so once.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
import holidays


@lru_cache(maxsize=None)
def _official_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=None)
def _statutory_holidays(year: int) -> frozenset[dt.date]:
    # observed=False: the library's guessed substitute days are not official.
    return frozenset(holidays.China(years=year, observed=False).keys())


class WorkCalendar:
    def __init__(self, adjustments: dict[dt.date, bool] | None = None):
        """``adjustments`` maps a date to True (a working day) or False (a day off)."""
        self._adjustments = dict(adjustments or {})
        self._adjusted_years = {d.year for d in self._adjustments}
        self.fallback_years: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        if day in self._adjustments:
            return self._adjustments[day]
        if _official_year(day.year):
            return chinese_calendar.is_workday(day)
        if day.year not in self._adjusted_years:
            self.fallback_years.add(day.year)
        return day.weekday() < 5 and day not in _statutory_holidays(day.year)

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day
