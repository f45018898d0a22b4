"""Reminders a week before maintenance, annual inspection, insurance renewal and vehicle tax are due."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..i18n import t
from ..settings import Settings
from .items import already_sent, days, empty_items, iso, make_items, stamp

# due item kind → (vehicle column, what the note calls it)
RENEWALS = {
    "保养提醒": ("maintenance_due", "保养"),
    "年审提醒": ("inspection_due", "年审"),
    "续保提醒": ("insurance_due", "续保"),
    "车船税提醒": ("vehicle_tax_due", "车船税"),
}


def renewal_reminders(vehicles: pd.DataFrame, sent: pd.DataFrame | None, settings: Settings, today: dt.date) -> pd.DataFrame:
    now = stamp(today)
    found = []
    for kind, (column, label) in RENEWALS.items():
        due = vehicles[column]
        show = due.notna() & (due >= now) & (due <= now + days(settings.reminder_lead_days))
        rows = vehicles[show]
        if rows.empty:
            continue
        items = make_items(
            kind=kind,
            customer_id=rows["customer_id"],
            vin=rows["vin"],
            due_date=rows[column],
            occasion=rows[column],
            expires=rows[column],
            note=[t("note_maintenance_recorded", settings.lang, date=iso(d)) if column == "maintenance_due"  # the clerk's date wins
                  else t("note_expiry", settings.lang, what=t(label, settings.lang), date=iso(d)) for d in rows[column]],
        )
        found.append(items[~already_sent(items, sent, by_vehicle=True)])
    return pd.concat(found, ignore_index=True) if found else empty_items()
