"""Follow-up calls: 7DC, monthly, quarterly and yearly after delivery; 3DC after a repair.

Every call is a *task* with a task date (SPEC 5.4); the same task table feeds
今日待办 and the follow-up reports.  A task is done by the first visit of its
kind whose 结果 is 成功, 拒访 or blank, dated on or before the as-of day; a
未接通 call is an attempt and leaves it open.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..frameops import lookup
from ..i18n import t
from ..schema import DONE_RESULTS, NO_ANSWER
from ..settings import Settings
from .items import days, empty_items, iso, make_items, stamp

TASK_COLUMNS = ["kind", "vin", "order_no", "customer_id", "task_date", "on_time_by", "window_start", "due_date",
                "anchor", "invoiced", "done_date", "attempts"]

# visit kind → the 今日待办 kind
DUE_KIND_OF_VISIT = {"7DC": "7DC回访", "3DC": "3DC回访", "月回访": "月回访", "年回访": "年回访", "季度回访": "季度回访"}


def _calls(visits: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Follow-up visits up to the as-of day, marked as completing (成功/拒访/blank) or an attempt (未接通)."""
    calls = visits.loc[visits["visit_date"] <= stamp(today), ["kind", "vin", "order_no", "visit_date", "result"]]
    return calls.assign(completes=calls["result"].isna() | calls["result"].isin(DONE_RESULTS),
                        attempt=calls["result"].eq(NO_ANSWER).fillna(False))


def _first_done_and_attempts(tasks: pd.DataFrame, matched: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per task ``key``: the first completing visit's date and the number of 未接通 attempts."""
    if matched.empty or tasks.empty:  # (Arrow-backed keys cannot group an empty frame)
        return tasks.assign(done_date=pd.Series(pd.NaT, index=tasks.index, dtype="datetime64[s]"), attempts=0)
    done = matched[matched["completes"]].groupby(key)["visit_date"].min().rename("done_date")
    attempts = matched[matched["attempt"]].groupby(key).size().rename("attempts")
    tasks = tasks.join(done, on=key).join(attempts, on=key)
    return tasks.assign(attempts=tasks["attempts"].fillna(0).astype("int64"))


def delivery_tasks(vehicles: pd.DataFrame, visits: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    """7DC (二级网点: from the invoice), 月回访, 季度回访 and 年回访 tasks, one per vehicle and kind."""
    second = vehicles["outlet_level"].eq("二级").fillna(False)
    invoiced = second & vehicles["invoice_date"].notna()
    anchor_7dc = vehicles["invoice_date"].where(invoiced, vehicles["delivery_date"])
    offset_7dc = np.where(second, settings.followup_7dc_second_outlet_days, settings.followup_7dc_days)
    plans = [
        ("7DC", anchor_7dc, days(offset_7dc), invoiced),
        ("月回访", vehicles["delivery_date"], days(settings.followup_monthly_days), False),
        ("季度回访", vehicles["delivery_date"], days(settings.followup_quarterly_days), False),
        ("年回访", vehicles["delivery_date"], days(settings.followup_yearly_days), False),
    ]
    calls = _calls(visits, today)
    found = []
    for kind, anchor, offset, from_invoice in plans:
        task_date = anchor + offset
        has = task_date.notna()
        tasks = pd.DataFrame({
            "kind": kind, "vin": vehicles.loc[has, "vin"], "order_no": pd.NA, "customer_id": vehicles.loc[has, "customer_id"],
            "task_date": task_date[has], "anchor": anchor[has],
            "invoiced": (from_invoice[has] if isinstance(from_invoice, pd.Series) else False),
        })
        tasks["window_start"] = tasks["due_date"] = tasks["task_date"]
        tasks["on_time_by"] = tasks["task_date"] + days(settings.followup_on_time_grace_days)
        found.append(_first_done_and_attempts(tasks, calls[calls["kind"] == kind], "vin"))
    return pd.concat(found, ignore_index=True)


def repair_tasks(services: pd.DataFrame, visits: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    """3DC tasks, one per order handed back: done by a 3DC visit for the order, or for the car dated after hand-back."""
    orders = services[services["date_out"].notna()]
    tasks = pd.DataFrame({
        "kind": "3DC", "vin": orders["vin"], "order_no": orders["order_no"], "customer_id": pd.NA,
        "task_date": orders["date_out"] + days(settings.followup_3dc_start_days), "anchor": orders["date_out"], "invoiced": False,
    })
    tasks["window_start"] = tasks["task_date"]
    tasks["due_date"] = tasks["on_time_by"] = orders["date_out"] + days(settings.followup_3dc_end_days)
    calls = _calls(visits, today)
    calls = calls[calls["kind"] == "3DC"].rename_axis("call").reset_index()
    by_order = calls[calls["order_no"].notna()]
    by_vehicle = tasks[["order_no", "vin", "anchor"]].merge(calls.drop(columns="order_no"), on="vin")
    by_vehicle = by_vehicle[by_vehicle["visit_date"] >= by_vehicle["anchor"]]
    # A call may match its order both ways: count it once.
    matched = pd.concat([by_order, by_vehicle])[["call", "order_no", "visit_date", "completes", "attempt"]].drop_duplicates(["call", "order_no"])
    return _first_done_and_attempts(tasks.reset_index(drop=True), matched, "order_no")


def followup_tasks(frames: dict[str, pd.DataFrame], settings: Settings, today: dt.date) -> pd.DataFrame:
    """Every follow-up task with its dates, whether and when it was done, and its attempts."""
    vehicles, visits = frames["vehicles"], frames["visits"]
    tasks = pd.concat([delivery_tasks(vehicles, visits, settings, today), repair_tasks(frames["services"], visits, settings, today)],
                      ignore_index=True)
    owners = vehicles.set_index("vin")["customer_id"]
    tasks["customer_id"] = tasks["customer_id"].astype("string").fillna(lookup(tasks["vin"], owners).astype("string"))
    for column in ("task_date", "on_time_by", "window_start", "due_date", "anchor", "done_date"):
        tasks[column] = pd.to_datetime(tasks[column]).astype("datetime64[s]")
    tasks["invoiced"] = tasks["invoiced"].astype(bool)
    return tasks[TASK_COLUMNS]


def due_followups(tasks: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    """Open tasks from their window's start until they are too long overdue to stay on the list."""
    now, lang = stamp(today), settings.lang
    show = (tasks["window_start"] <= now) & (tasks["due_date"] >= now - days(settings.followup_overdue_keep_days)) & tasks["done_date"].isna()
    rows = tasks[show]
    if rows.empty:
        return empty_items()
    notes = []
    for kind, order_no, anchor, invoiced, attempts in zip(rows["kind"], rows["order_no"], rows["anchor"], rows["invoiced"], rows["attempts"]):
        if kind == "3DC":
            note = t("note_repair", lang, order_no=order_no, date=iso(anchor))
        else:
            note = t("note_invoice" if invoiced else "note_delivery", lang, date=iso(anchor))
        if attempts:
            note += t("note_attempts", lang, count=attempts)
        notes.append(note)
    return make_items(
        kind=rows["kind"].map(DUE_KIND_OF_VISIT), customer_id=rows["customer_id"], vin=rows["vin"], due_date=rows["due_date"], note=notes,
    )


def delivery_followups(vehicles: pd.DataFrame, visits: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    """The 今日待办 items of the delivery follow-ups (7DC, 月回访, 季度回访, 年回访)."""
    return due_followups(delivery_tasks(vehicles, visits, settings, today), settings, today)


def repair_followups(services: pd.DataFrame, visits: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    """The 今日待办 items of the 3DC follow-ups."""
    return due_followups(repair_tasks(services, visits, settings, today), settings, today)
