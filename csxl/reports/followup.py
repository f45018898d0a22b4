"""回访日报 / 周报 / 月报, 整改清单 and 抽样回访 (SPEC 5.4)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..frameops import is_in, lookup
from ..rules.items import days, stamp
from ..rules.rectification import low_score_rows, rectification_state
from ..schema import FOLLOWUP_DAILY, FOLLOWUP_VISIT_KINDS, RECTIFICATION, SAMPLING, SCORE_COLUMNS, TOTAL, VISITS
from ..settings import Settings
from .periods import label, label_start, last_complete_month, month_bounds, periods_ending
from .ratios import ratio

COUNTS = ["due", "done", "on_time", "calls", "reached", "no_answer", "refused", "low_scores"]


def followup_report(tasks: pd.DataFrame, visits: pd.DataFrame, settings: Settings, today: dt.date, unit: str,
                    periods: list[str] | None = None) -> pd.DataFrame:
    """One row per (kind, period): tasks due and done, calls made and their scores; then 合计 per period."""
    periods = periods or periods_ending(today, unit)
    now = stamp(today)
    first = min(label_start(p, unit) for p in periods)
    tasks = tasks.loc[tasks["task_date"].between(first, now), ["kind", "task_date", "done_date", "on_time_by"]]
    tasks = tasks.assign(period=label(tasks["task_date"], unit))
    tasks = tasks[is_in(tasks["period"], periods)]
    done = tasks["done_date"].notna() & (tasks["done_date"] <= now)
    task_counts = tasks.assign(due=1, done=done, on_time=done & (tasks["done_date"] <= tasks["on_time_by"]))

    in_window = visits["visit_date"].between(first, now)
    calls = visits.loc[in_window, ["kind", "visit_date", "result", "needs_action", *SCORE_COLUMNS]]
    calls = calls[is_in(calls["kind"], FOLLOWUP_VISIT_KINDS)]
    calls = calls.assign(period=label(calls["visit_date"], unit))
    calls = calls[is_in(calls["period"], periods)]
    result = calls["result"]
    call_counts = calls.assign(
        calls=1, reached=result.isna() | result.eq("成功"), no_answer=result.eq("未接通").fillna(False),
        refused=result.eq("拒访").fillna(False), low_scores=low_score_rows(calls, settings),
    )
    grid = pd.MultiIndex.from_product([[*FOLLOWUP_VISIT_KINDS], periods], names=["kind", "period"])
    by_kind = pd.concat([
        task_counts.groupby(["kind", "period"])[["due", "done", "on_time"]].sum(),
        call_counts.groupby(["kind", "period"])[["calls", "reached", "no_answer", "refused", "low_scores"]].sum(),
    ], axis=1).reindex(grid).fillna(0)
    score_sums = call_counts.groupby(["kind", "period"])[list(SCORE_COLUMNS)].agg(["sum", "count"]).reindex(grid)

    total_index = pd.MultiIndex.from_product([[TOTAL], periods], names=["kind", "period"])
    totals = by_kind.groupby(level="period").sum().reindex(periods).set_axis(total_index)
    total_scores = call_counts.groupby("period")[list(SCORE_COLUMNS)].agg(["sum", "count"]).reindex(periods).set_axis(total_index)

    frame = pd.concat([by_kind, totals])[COUNTS].astype("int64")
    sums = pd.concat([score_sums, total_scores])
    for column in SCORE_COLUMNS:
        frame[column] = ratio(sums[(column, "sum")], sums[(column, "count")])
    frame["completion_rate"] = ratio(frame["done"], frame["due"])
    frame["on_time_rate"] = ratio(frame["on_time"], frame["due"])
    frame["reach_rate"] = ratio(frame["reached"], frame["calls"])
    return frame.reset_index()[FOLLOWUP_DAILY.keys]


def rectification_list(visits: pd.DataFrame, frames: dict[str, pd.DataFrame], settings: Settings, today: dt.date,
                       calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """Low-score visits of the last 整改清单天数 days, newest first, with how far each one's rectification has got."""
    now = stamp(today)
    recent = visits[(visits["visit_date"] <= now) & (visits["visit_date"] > now - days(settings.rectification_days))]
    rows = recent[low_score_rows(recent, settings)]
    scores = rows[list(SCORE_COLUMNS)]
    low = scores <= settings.low_score_threshold
    headers = np.array([VISITS.column(c).header(settings.lang) for c in SCORE_COLUMNS], dtype=object)
    separator = "、" if settings.lang == "zh" else ", "
    out = rows.assign(
        low_items=[separator.join(headers[mask]) for mask in low.to_numpy(dtype=bool)] if len(rows) else pd.Series(dtype="string"),
        lowest_score=scores.min(axis=1),
    )
    out = _with_people(out, frames)
    advisors = frames["services"].set_index("order_no")["advisor"]
    out["advisor"] = lookup(out["order_no"], advisors)
    out = rectification_state(out, frames["rectification_log"], settings, calendar or WorkCalendar(), today)
    return out.sort_values(["visit_date", "_row"], ascending=[False, False])[RECTIFICATION.keys].reset_index(drop=True)


def _with_people(rows: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Fill customer id (from the car's owner when missing), name, phone and plate."""
    vehicles, customers = frames["vehicles"].set_index("vin"), frames["customers"].set_index("customer_id")
    customer_id = rows["customer_id"].astype("string").fillna(lookup(rows["vin"], vehicles["customer_id"]).astype("string"))
    return rows.assign(
        customer_id=customer_id, name=lookup(customer_id, customers["name"]), phone=lookup(customer_id, customers["phone"]),
        plate=lookup(rows["vin"], vehicles["plate"]),
    )


def sampling_list(tasks: pd.DataFrame, frames: dict[str, pd.DataFrame], settings: Settings, today: dt.date) -> pd.DataFrame:
    """For 总经办: last complete month's quarterly calls, and its large, accident and VIP repair orders."""
    first, last = month_bounds(last_complete_month(today))
    quarterly = tasks[(tasks["kind"] == "季度回访") & tasks["task_date"].between(first, last)]
    cars = pd.DataFrame({"reason": "新车季度回访", "customer_id": quarterly["customer_id"], "vin": quarterly["vin"],
                         "order_no": pd.NA, "amount": np.nan, "date": quarterly["task_date"]})
    services = frames["services"]
    orders = services[services["date_out"].between(first, last)]
    tiers = lookup(lookup(orders["vin"], frames["vehicles"].set_index("vin")["customer_id"]), frames["customers"].set_index("customer_id")["member_tier"])
    reasons = pd.DataFrame({
        "大额维修": orders["amount"] >= settings.large_repair_amount,
        "事故维修": orders["kind"].eq("事故").fillna(False),
        "VIP客户": tiers.isin(settings.vip_tier_names).fillna(False),
    }, index=orders.index)
    flagged = reasons.any(axis=1)
    names = np.array(reasons.columns, dtype=object)
    repairs = pd.DataFrame({
        "reason": ["、".join(names[mask]) for mask in reasons[flagged].to_numpy(dtype=bool)],
        "customer_id": pd.NA, "vin": orders.loc[flagged, "vin"].to_numpy(), "order_no": orders.loc[flagged, "order_no"].to_numpy(),
        "amount": orders.loc[flagged, "amount"].to_numpy(), "date": orders.loc[flagged, "date_out"].to_numpy(),
    })
    rows = pd.concat([cars.reset_index(drop=True), repairs], ignore_index=True)
    rows["date"] = pd.to_datetime(rows["date"]).astype("datetime64[s]")
    rows = _with_people(rows, frames)
    calls = frames["visits"]
    calls = calls[(calls["kind"] == "季度回访") & (calls["visit_date"] <= stamp(today))][["vin", "visit_date"]]
    visited = rows[["vin", "date"]].reset_index().merge(calls, on="vin")
    visited = set(visited.loc[visited["visit_date"] >= visited["date"], "index"])
    rows["visited"] = np.where(rows.index.isin(list(visited)), "是", "否")
    return rows.sort_values(["date", "vin"], kind="stable")[SAMPLING.keys].reset_index(drop=True)
