"""投诉分析: complaints of the last 12 months by category, channel, severity, department and month (SPEC 5.4)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..frameops import positions_in
from ..rules.complaints import complaint_deadline, is_closed
from ..rules.items import stamp
from ..schema import ALL, COMPLAINT_ANALYSIS, COMPLAINTS, MONTH_DIMENSION, choice_label
from ..settings import Settings
from .periods import label, month_bounds, periods_ending
from .ratios import ratio

DIMENSIONS = ("category", "channel", "severity", "department")


def complaint_figures(complaints: pd.DataFrame, settings: Settings, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per complaint the flags and day counts the analysis adds up (as of ``as_of``)."""
    closed = is_closed(complaints)
    limit = complaint_deadline(complaints, settings)
    dated = closed & complaints["closed_date"].notna()
    days_taken = (complaints["closed_date"] - complaints["received_date"]).dt.days.where(dated)
    filled = complaints["satisfied"].notna()
    return pd.DataFrame({
        "count": 1, "closed": closed, "open": ~closed, "overdue_open": ~closed & (limit < as_of),
        "days": days_taken, "dated": dated, "on_time": dated & (complaints["closed_date"] <= limit),
        "fed_back": closed & complaints["feedback_date"].notna(),
        "filled": filled, "satisfied": filled & complaints["satisfied"].eq("是").fillna(False),
    }, index=complaints.index)


SUMMED = ("count", "closed", "open", "overdue_open", "dated", "on_time", "fed_back", "filled", "satisfied")


def complaint_analysis(complaints: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    """全部, then each dimension's values in the order of its choices (or sorted), then the 12 months.

    A dimension lists the values that occur in the window; 全部 and the 12 months are always there, at 0 if need be.
    """
    lang = settings.lang
    months = periods_ending(today, "month", 12)
    first, _ = month_bounds(months[0])
    now = stamp(today)
    window = complaints[(complaints["received_date"] >= first) & (complaints["received_date"] <= now)]
    figures = complaint_figures(window, settings, now)
    rows: list[tuple[str, str]] = [(ALL.label(lang), ALL.label(lang))]
    members = [np.zeros(len(window), dtype="int64")]  # each complaint's row in every dimension (-1: none)
    for key in DIMENSIONS:
        column = COMPLAINTS.column(key)
        present = set(window[key].dropna())
        order = [c.zh for c in column.choices if c.zh in present] if column.choices else sorted(present)
        members.append(_row_of(window[key], order, len(rows)))
        rows += [(column.header(lang), choice_label(column.choices, value, lang)) for value in order]
    members.append(_row_of(label(window["received_date"], "month"), months, len(rows)))
    rows += [(MONTH_DIMENSION.label(lang), month) for month in months]
    return _summarise(figures, np.concatenate(members), rows)[COMPLAINT_ANALYSIS.keys]


def _row_of(values: pd.Series, order: list[str], first_row: int) -> np.ndarray:
    position = positions_in(values, pd.Series(order, dtype="string"))
    return np.where(position >= 0, first_row + position, -1)


def _summarise(figures: pd.DataFrame, member_rows: np.ndarray, rows: list[tuple[str, str]]) -> pd.DataFrame:
    """Add up ``figures`` into ``rows``; ``member_rows`` gives each complaint's row once per dimension, in turn."""
    inside = member_rows >= 0
    complaint = np.tile(np.arange(len(figures)), len(member_rows) // max(len(figures), 1))[inside]
    row = member_rows[inside]

    def total(values) -> np.ndarray:
        return np.bincount(row, weights=np.asarray(values, dtype="float64")[complaint], minlength=len(rows))

    sums = {name: total(figures[name]) for name in SUMMED}
    days = figures["days"].to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(days[complaint])
    longest = np.full(len(rows), np.nan)
    np.fmax.at(longest, row[known], days[complaint][known])
    frame = pd.DataFrame({"dimension": [d for d, _ in rows], "value": [v for _, v in rows],
                          **{name: sums[name].astype("int64") for name in ("count", "closed", "open", "overdue_open")}})
    frame["avg_days"] = ratio(total(np.nan_to_num(days)), total(~np.isnan(days)))
    frame["max_days"] = longest
    frame["on_time_rate"] = ratio(sums["on_time"], sums["dated"])
    frame["feedback_rate"] = ratio(sums["fed_back"], sums["closed"])
    frame["satisfied_rate"] = ratio(sums["satisfied"], sums["filled"])
    return frame
