"""标记拒收: a customer replied TD to an SMS; csxl honours it at once, and the clerk ticks 拒收提醒 on 客户档案."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..i18n import t
from ..settings import Settings
from .items import empty_items, iso, make_items


def replied_opt_out_items(customers: pd.DataFrame, opt_outs: pd.DataFrame | None, settings: Settings, today: dt.date) -> pd.DataFrame:
    """One item per customer who replied TD and whose 拒收提醒 is not yet 是, due the day the reply came."""
    if opt_outs is None or opt_outs.empty:
        return empty_items()
    replied = opt_outs.sort_values("replied_day").drop_duplicates("customer_id")
    marked = set(customers.loc[customers["opt_out"] == "是", "customer_id"])
    known = set(customers["customer_id"])
    rows = replied[replied["customer_id"].isin(known) & ~replied["customer_id"].isin(marked)]
    if rows.empty:
        return empty_items()
    return make_items(
        kind="标记拒收", customer_id=rows["customer_id"], due_date=rows["replied_day"],
        note=[t("note_replied_opt_out", settings.lang, date=iso(day)) for day in rows["replied_day"]],
    )
