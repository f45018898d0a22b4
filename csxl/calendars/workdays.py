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
import numpy as np
import pandas as pd


# The starts a deadline is counted from.  A date outside (9999-12-31, 1900-03-01) is a typing mistake that
# `jobs.implausible_dates` reports; walking the calendar day by day out to it would overflow or take minutes.
COUNTABLE = (pd.Timestamp("1990-01-01"), pd.Timestamp("2100-12-31"))


@lru_cache(maxsize=None)
def _official_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=None)
def _statutory_holidays(year: int) -> frozenset[dt.date]:
    import holidays  # only for years chinesecalendar does not know yet; it loads every country's rules

    # observed=False: the library's guessed substitute days are not official.
    return frozenset(holidays.China(years=year, observed=False).keys())


@lru_cache(maxsize=None)
def _unadjusted_workday(day: dt.date) -> tuple[bool, bool]:
    """(whether ``day`` is a working day, whether that came from the fallback rules) before 工作日调整.

    Cached: a deadline column walks every day of the years it spans, and the reports ask again and again.
    """
    if _official_year(day.year):
        return chinese_calendar.is_workday(day), False
    return day.weekday() < 5 and day not in _statutory_holidays(day.year), True


class WorkCalendar:
    def __init__(self, adjustments: dict[dt.date, bool] | None = None):
        """``adjustments`` maps a date to True (a working day) or False (a day off)."""
        self._adjustments = dict(adjustments or {})
        self._adjusted_years = {d.year for d in self._adjustments}
        self.fallback_years: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        if day in self._adjustments:
            return self._adjustments[day]
        workday, fell_back = _unadjusted_workday(day)
        if fell_back and day.year not in self._adjusted_years:
            self.fallback_years.add(day.year)
        return workday

    def add_workdays_many(self, starts: pd.Series, counts) -> pd.Series:
        """``add_workdays`` for a column of dates at once (NaT stays NaT, and so does a start outside `COUNTABLE`).

        One pass over the days in range builds the running count of working
        days; each answer is then a binary search, not a walk per row.
        """
        starts = pd.to_datetime(starts).astype("datetime64[s]")
        counts = pd.Series(counts, index=starts.index) if not isinstance(counts, pd.Series) else counts
        present = starts.notna() & starts.between(*COUNTABLE)
        result = pd.Series(pd.NaT, index=starts.index, dtype="datetime64[s]")
        if not present.any():
            return result
        first = starts[present].min().date()
        # Long enough for the largest count: at most 3 days off in a row per working day needed, plus the Golden Weeks.
        span = (starts[present].max().date() - first).days + 4 * int(counts[present].max()) + 30
        calendar_days = [first + dt.timedelta(days=i) for i in range(span + 1)]
        running = np.cumsum([self.is_workday(d) for d in calendar_days])
        offsets = (starts[present] - pd.Timestamp(first)).dt.days.to_numpy()
        wanted = running[offsets] + counts[present].to_numpy()
        positions = np.maximum(np.searchsorted(running, wanted, side="left"), offsets)  # a count of 0 stays on its day
        result[present] = (pd.Timestamp(first) + pd.to_timedelta(positions, unit="D")).astype("datetime64[s]")
        return result

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day
