"""Complaints still open past their limit."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..i18n import t
from ..schema import CLOSED_STATUSES, COMPLAINT_CATEGORIES, COMPLAINT_STATUSES, choice_label
from ..settings import Settings
from .items import days, make_items, stamp


def complaint_deadline(complaints: pd.DataFrame, settings: Settings) -> pd.Series:
    """The complaint's own 处理时限, or received + the default limit."""
    return complaints["due_date"].fillna(complaints["received_date"] + days(settings.complaint_limit_days))


def overdue_complaints(complaints: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    deadline = complaint_deadline(complaints, settings)
    open_ = ~complaints["status"].isin(CLOSED_STATUSES)
    late = open_ & (deadline < stamp(today))
    rows = complaints[late]
    lang = settings.lang
    return make_items(
        kind="投诉超期",
        customer_id=rows["customer_id"],
        vin=rows["vin"],
        due_date=deadline[late],
        note=[
            t("note_complaint", lang, complaint_id=i, category="" if pd.isna(c) else choice_label(COMPLAINT_CATEGORIES, c, lang),
              status=choice_label(COMPLAINT_STATUSES, "待处理" if pd.isna(s) else s, lang))
            for i, c, s in zip(rows["complaint_id"], rows["category"], rows["status"])
        ],
    )
