"""Holiday greetings: 元旦, 春节, 情人节, 劳动节, 中秋节, 国庆节, the day(s) before."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..calendars.festivals import greeting_holidays
from ..i18n import t
from ..settings import Settings
from .items import already_sent, empty_items, iso, make_items, visited_for_occasion


def holidays_in_window(today: dt.date, lead_days: int) -> list[tuple[str, dt.date]]:
    """Holidays whose greeting is due today: from ``lead_days`` before until the eve (the day itself when lead is 0)."""
    found = []
    for year in (today.year, today.year + 1):
        for name, day in greeting_holidays(year):
            ahead = (day - today).days
            if min(1, lead_days) <= ahead <= lead_days:
                found.append((name, day))
    return found


def holiday_greetings(
    customers: pd.DataFrame, visits: pd.DataFrame, sent: pd.DataFrame | None, settings: Settings, today: dt.date
) -> pd.DataFrame:
    found = []
    for name, day in holidays_in_window(today, settings.holiday_lead_days):
        greeting_day = day - dt.timedelta(days=settings.holiday_lead_days)
        items = make_items(
            customer_id=customers["customer_id"].to_numpy(),
            kind="节日问候",
            holiday=name,
            due_date=pd.Timestamp(greeting_day),
            occasion=pd.Timestamp(day),
            expires=pd.Timestamp(day),
            note=t("note_holiday", settings.lang, holiday=t(name, settings.lang), date=iso(day)),
        )
        greeted = visited_for_occasion(items, visits, "节日", settings.holiday_lead_days)
        found.append(items[~greeted & ~already_sent(items, sent, by_vehicle=False)])
    return pd.concat(found, ignore_index=True) if found else empty_items()
