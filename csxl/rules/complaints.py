"""Complaints: confirmed by the manager, resolved within the limit, result fed back to the customer."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..i18n import t
from ..schema import CLOSED_STATUSES, COMPLAINT_CATEGORIES, COMPLAINT_STATUSES, choice_label
from ..settings import Settings
from .items import days, empty_items, make_items, stamp


def complaint_deadline(complaints: pd.DataFrame, settings: Settings) -> pd.Series:
    """The complaint's own 处理时限, or received + the default limit."""
    return complaints["due_date"].fillna(complaints["received_date"] + days(settings.complaint_limit_days))


def is_closed(complaints: pd.DataFrame) -> pd.Series:
    return complaints["status"].isin(CLOSED_STATUSES).fillna(False)


def _items(kind: str, rows: pd.DataFrame, due: pd.Series, lang: str) -> pd.DataFrame:
    if rows.empty:
        return empty_items()
    return make_items(
        kind=kind,
        customer_id=rows["customer_id"],
        vin=rows["vin"],
        due_date=due[rows.index],
        note=[
            t("note_complaint", lang, complaint_id=i, category="" if pd.isna(c) else choice_label(COMPLAINT_CATEGORIES, c, lang),
              status=choice_label(COMPLAINT_STATUSES, "待处理" if pd.isna(s) else s, lang))
            for i, c, s in zip(rows["complaint_id"], rows["category"], rows["status"])
        ],
    )


def overdue_complaints(complaints: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    deadline = complaint_deadline(complaints, settings)
    late = ~is_closed(complaints) & (deadline < stamp(today))
    return _items("投诉超期", complaints[late], deadline, settings.lang)


def unconfirmed_complaints(complaints: pd.DataFrame, settings: Settings, today: dt.date, calendar: WorkCalendar) -> pd.DataFrame:
    """投诉待确认: no 确认日期 once the working day(s) after 受理日期 have passed."""
    pending = complaints[complaints["confirmed_date"].isna()]
    deadline = calendar.add_workdays_many(pending["received_date"], settings.complaint_confirm_workdays)
    late = deadline < stamp(today)
    return _items("投诉待确认", pending[late], deadline, settings.lang)


def feedback_due_complaints(complaints: pd.DataFrame, settings: Settings, today: dt.date, calendar: WorkCalendar) -> pd.DataFrame:
    """投诉待反馈: closed, no 反馈日期, more than the working day(s) after 结案日期."""
    pending = complaints[is_closed(complaints) & complaints["feedback_date"].isna() & complaints["closed_date"].notna()]
    deadline = calendar.add_workdays_many(pending["closed_date"], settings.complaint_feedback_workdays)
    late = deadline < stamp(today)
    return _items("投诉待反馈", pending[late], deadline, settings.lang)
