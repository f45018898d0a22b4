"""投诉分析: complaints of the last 12 months by category, channel, severity, department and month (SPEC 5.4)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

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


def _summarise(figures: pd.DataFrame, keys) -> pd.DataFrame:
    grouped = figures.groupby(keys, sort=False)
    sums = grouped[["count", "closed", "open", "overdue_open", "dated", "on_time", "fed_back", "filled", "satisfied"]].sum()
    sums["avg_days"] = grouped["days"].mean()
    sums["max_days"] = grouped["days"].max()
    sums["on_time_rate"] = ratio(sums["on_time"], sums["dated"])
    sums["feedback_rate"] = ratio(sums["fed_back"], sums["closed"])
    sums["satisfied_rate"] = ratio(sums["satisfied"], sums["filled"])
    return sums


def complaint_analysis(complaints: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    lang = settings.lang
    months = periods_ending(today, "month", 12)
    first, _ = month_bounds(months[0])
    now = stamp(today)
    window = complaints[(complaints["received_date"] >= first) & (complaints["received_date"] <= now)]
    figures = complaint_figures(window, settings, now)
    parts = [_summarise(figures.assign(dimension=ALL.label(lang), value=ALL.label(lang)), ["dimension", "value"])]
    for key in DIMENSIONS:
        column = COMPLAINTS.column(key)
        present = window[key].dropna()
        order = [c.zh for c in column.choices if c.zh in set(present)] if column.choices else sorted(set(present))
        part = _summarise(figures.loc[present.index].assign(dimension=column.header(lang), value=present), ["dimension", "value"])
        part = part.reindex(pd.MultiIndex.from_product([[column.header(lang)], order]))
        labels = [choice_label(column.choices, value, lang) for value in order]
        parts.append(part.set_axis(pd.MultiIndex.from_product([[column.header(lang)], labels])))
    by_month = _summarise(figures.assign(dimension=MONTH_DIMENSION.label(lang), value=label(window["received_date"], "month")), ["dimension", "value"])
    parts.append(by_month.reindex(pd.MultiIndex.from_product([[MONTH_DIMENSION.label(lang)], months])))
    frame = pd.concat(parts)
    counts = ["count", "closed", "open", "overdue_open"]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    return frame.rename_axis(["dimension", "value"]).reset_index()[COMPLAINT_ANALYSIS.keys]
