"""Follow-up calls: 7DC, monthly and yearly after delivery; 3DC after a repair."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..frameops import is_in
from ..i18n import t
from ..settings import Settings
from .items import days, empty_items, iso, make_items, stamp


def _open_window(due: pd.Series, today: pd.Timestamp, keep_days: int) -> pd.Series:
    """Due by today, and not so long overdue that it has left the list."""
    return due.notna() & (due <= today) & (due >= today - days(keep_days))


def _visited_vins(visits: pd.DataFrame, kind: str) -> pd.Series:
    return visits.loc[visits["kind"] == kind, "vin"]


def delivery_followups(vehicles: pd.DataFrame, visits: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    """7DC (二级网点: from the invoice), monthly and yearly calls after delivery, until a visit of that kind is logged."""
    now, lang = stamp(today), settings.lang
    second = vehicles["outlet_level"].eq("二级").fillna(False)
    has_invoice = second & vehicles["invoice_date"].notna()
    anchor_7dc = vehicles["invoice_date"].where(has_invoice, vehicles["delivery_date"])
    offset_7dc = np.where(second, settings.followup_7dc_second_outlet_days, settings.followup_7dc_days)
    plans = [
        ("7DC回访", "7DC", anchor_7dc + days(offset_7dc)),
        ("月回访", "月回访", vehicles["delivery_date"] + days(settings.followup_monthly_days)),
        ("年回访", "年回访", vehicles["delivery_date"] + days(settings.followup_yearly_days)),
    ]
    found = []
    for kind, visit_kind, due in plans:
        show = _open_window(due, now, settings.followup_overdue_keep_days) & ~is_in(vehicles["vin"], _visited_vins(visits, visit_kind))
        rows = vehicles[show]
        if kind == "7DC回访":
            notes = [
                t("note_invoice", lang, date=iso(inv)) if invoiced else t("note_delivery", lang, date=iso(dlv))
                for inv, dlv, invoiced in zip(rows["invoice_date"], rows["delivery_date"], has_invoice[show])
            ]
        else:
            notes = [t("note_delivery", lang, date=iso(d)) for d in rows["delivery_date"]]
        found.append(make_items(kind=kind, customer_id=rows["customer_id"], vin=rows["vin"], due_date=due[show], note=notes))
    return pd.concat(found, ignore_index=True) if found else empty_items()


def repair_followups(services: pd.DataFrame, visits: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    """3DC: from day 3 to day 5 after the car is handed back, then overdue, until a 3DC visit is logged."""
    now, lang = stamp(today), settings.lang
    handed_back = services["date_out"]
    start = handed_back + days(settings.followup_3dc_start_days)
    deadline = handed_back + days(settings.followup_3dc_end_days)
    show = handed_back.notna() & (start <= now) & (deadline >= now - days(settings.followup_overdue_keep_days))
    candidates = services[show]
    if candidates.empty:
        return empty_items()
    calls = visits.loc[visits["kind"] == "3DC", ["order_no", "vin", "visit_date"]]
    by_order = is_in(candidates["order_no"], calls["order_no"])
    later_call = candidates[["order_no", "vin", "date_out"]].merge(calls[["vin", "visit_date"]], on="vin")
    later_call = later_call.loc[later_call["visit_date"] >= later_call["date_out"], "order_no"]
    open_ = candidates[~by_order & ~is_in(candidates["order_no"], later_call)]
    return make_items(
        kind="3DC回访",
        vin=open_["vin"],
        due_date=deadline[open_.index],
        note=[t("note_repair", lang, order_no=o, date=iso(d)) for o, d in zip(open_["order_no"], open_["date_out"])],
    )
