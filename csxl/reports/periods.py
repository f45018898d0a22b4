"""Report periods: days (YYYY-MM-DD), ISO weeks (YYYY-Www) and months (YYYY-MM) ending with the as-of day's."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

DAY, WEEK, MONTH = "day", "week", "month"
# how many periods each report shows
SPANS = {DAY: 7, WEEK: 8, MONTH: 12}


def period_start(dates: pd.Series, unit: str) -> np.ndarray:
    """The first day of each date's period (day, ISO week from Monday, month), as datetime64[D]."""
    days = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]")
    if unit == MONTH:
        return days.astype("datetime64[M]").astype("datetime64[D]")
    if unit == WEEK:
        weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        return days - weekday.astype("timedelta64[D]")
    return days


def _start_label(start: pd.Timestamp, unit: str) -> str:
    if unit == MONTH:
        return start.strftime("%Y-%m")
    if unit == WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return start.strftime("%Y-%m-%d")


def label(dates: pd.Series, unit: str) -> pd.Series:
    """The period label of each date (NA for NaT): each distinct period is formatted once, not each date."""
    codes, starts = pd.factorize(period_start(dates, unit))
    names = np.array([_start_label(pd.Timestamp(s), unit) if not pd.isna(s) else None for s in starts] + [None], dtype=object)
    index = dates.index if isinstance(dates, pd.Series) else None
    return pd.Series(names[codes], index=index, dtype="string")


def periods_ending(today: dt.date, unit: str, count: int | None = None) -> list[str]:
    """The labels of the ``count`` periods ending with ``today``'s, oldest first."""
    count = count or SPANS[unit]
    end = pd.Timestamp(today)
    if unit == DAY:
        starts = pd.date_range(end=end, periods=count, freq="D")
    elif unit == WEEK:
        monday = end - pd.Timedelta(days=end.weekday())
        starts = pd.date_range(end=monday, periods=count, freq="7D")
    else:
        starts = pd.date_range(end=end.replace(day=1), periods=count, freq="MS")
    return list(label(pd.Series(starts), unit))


def month_bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of ``YYYY-MM``."""
    first = pd.Timestamp(month + "-01")
    return first, first + pd.offsets.MonthEnd(0)


def previous_month(month: str) -> str:
    return (pd.Timestamp(month + "-01") - pd.Timedelta(days=1)).strftime("%Y-%m")


def last_complete_month(today: dt.date) -> str:
    return previous_month(pd.Timestamp(today).strftime("%Y-%m"))


def label_start(text: str, unit: str) -> pd.Timestamp:
    """The first day of the period a label names."""
    if unit == WEEK:
        year, week = text.split("-W")
        return pd.Timestamp(dt.date.fromisocalendar(int(year), int(week), 1))
    return pd.Timestamp(text + ("-01" if unit == MONTH else ""))
