"""Document hand-over deadlines, in Chinese working days."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..i18n import t
from ..schema import HANDOVER_EVENTS, choice_label
from ..settings import Settings
from .items import empty_items, iso, make_items, stamp


def handover_deadlines(handover: pd.DataFrame, settings: Settings, calendar: WorkCalendar) -> pd.Series:
    """Each hand-over's deadline: 2 working days after a new car's delivery, 1 after a repair's (both settings)."""
    workdays = handover["event"].map({"新车交车": settings.handover_sales_workdays}).fillna(settings.handover_service_workdays)
    return calendar.add_workdays_many(handover["event_date"], workdays.astype("int64"))


def overdue_handovers(handover: pd.DataFrame, settings: Settings, today: dt.date, calendar: WorkCalendar) -> pd.DataFrame:
    """Documents not handed over by their deadline (submitted ones, even late, are done)."""
    pending = handover[handover["submitted_date"].isna()]
    if pending.empty:
        return empty_items()
    deadlines = handover_deadlines(pending, settings, calendar)
    late = deadlines < stamp(today)
    rows, deadlines = pending[late], deadlines[late]
    lang = settings.lang
    return make_items(
        kind="资料交接超期",
        vin=rows["vin"],
        due_date=deadlines,
        note=[
            t("note_handover", lang, event=choice_label(HANDOVER_EVENTS, event, lang), date=iso(d), clerk="" if pd.isna(c) else c, deadline=iso(dl))
            for event, d, c, dl in zip(rows["event"], rows["event_date"], rows["clerk"], deadlines)
        ],
    )
