"""Document hand-over deadlines, in Chinese working days."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..i18n import t
from ..schema import HANDOVER_EVENTS, choice_label
from ..settings import Settings
from .documents import handed_over, missing
from .items import empty_items, iso, make_items, stamp


def handover_deadlines(handover: pd.DataFrame, settings: Settings, calendar: WorkCalendar) -> pd.Series:
    """Each hand-over's deadline: 2 working days after a new car's delivery, 1 after a repair's (both settings)."""
    workdays = handover["event"].map({"新车交车": settings.handover_sales_workdays}).fillna(settings.handover_service_workdays)
    return calendar.add_workdays_many(handover["event_date"], workdays.astype("int64"))


def missing_documents(handover: pd.DataFrame, settings: Settings) -> pd.Series:
    """Per hand-over, the required documents its 已交资料 lacks ([] when complete, or when 已交资料 is left empty:
    a desk that does not list documents is judged by 交接日期 alone, as before the column existed)."""
    found = []
    for event, cell in zip(handover["event"], handover["documents"]):
        given = handed_over(cell)
        found.append(missing(settings.documents(event), given) if given else [])
    return pd.Series(found, index=handover.index, dtype=object)


def incomplete_handovers(handover: pd.DataFrame, settings: Settings) -> pd.Series:
    """Hand-overs submitted (or not) with required documents missing."""
    return missing_documents(handover, settings).map(bool).astype(bool)


def overdue_handovers(handover: pd.DataFrame, settings: Settings, today: dt.date, calendar: WorkCalendar) -> pd.DataFrame:
    """Hand-overs not done by their deadline: not submitted, or submitted with documents missing ("submitted, incomplete")."""
    lacking = missing_documents(handover, settings)
    pending = handover[handover["submitted_date"].isna() | lacking.map(bool)]
    if pending.empty:
        return empty_items()
    deadlines = handover_deadlines(pending, settings, calendar)
    late = deadlines < stamp(today)
    rows, deadlines = pending[late], deadlines[late]
    lang = settings.lang
    separator = "、" if lang == "zh" else ", "
    return make_items(
        kind="资料交接超期",
        vin=rows["vin"],
        due_date=deadlines,
        note=[
            t("note_handover", lang, event=choice_label(HANDOVER_EVENTS, event, lang), date=iso(d), clerk="" if pd.isna(c) else c, deadline=iso(dl))
            + (t("note_missing_documents", lang, documents=separator.join(gone)) if gone else "")
            for event, d, c, dl, gone in zip(rows["event"], rows["event_date"], rows["clerk"], deadlines, lacking[rows.index])
        ],
    )
