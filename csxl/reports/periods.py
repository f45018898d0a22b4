"""Report periods: days (YYYY-MM-DD), ISO weeks (YYYY-Www) and months (YYYY-MM) ending with the as-of day's."""

from __future__ import annotations

import datetime as dt

import pandas as pd

DAY, WEEK, MONTH = "day", "week", "month"
# how many periods each report shows
SPANS = {DAY: 7, WEEK: 8, MONTH: 12}


def label(dates: pd.Series, unit: str) -> pd.Series:
    """The period label of each date (NA for NaT)."""
    dates = pd.to_datetime(dates)
    if unit == DAY:
        out = dates.dt.strftime("%Y-%m-%d")
    elif unit == MONTH:
        out = dates.dt.strftime("%Y-%m")
    else:
        iso = dates.dt.isocalendar()
        out = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
    return out.astype("string")


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
