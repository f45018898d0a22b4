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

from ..frameops import is_in, lookup, positions_in
from ..i18n import t
from ..schema import DONE_RESULTS, NO_ANSWER
from ..settings import Settings
from .items import days, empty_items, iso_texts, make_items, stamp

TASK_COLUMNS = ["kind", "vin", "order_no", "customer_id", "task_date", "on_time_by", "window_start", "due_date",
                "anchor", "invoiced", "done_date", "attempts"]

# visit kind → the 今日待办 kind
DUE_KIND_OF_VISIT = {"7DC": "7DC回访", "3DC": "3DC回访", "月回访": "月回访", "年回访": "年回访", "季度回访": "季度回访"}


class _Calls:
    """The follow-up visits up to the as-of day, as numpy arrays (a million rows: no string columns are copied)."""

    def __init__(self, visits: pd.DataFrame, today: dt.date):
        upto = (visits["visit_date"] <= stamp(today)).to_numpy()
        self.kind = visits["kind"]
        self.date = visits["visit_date"].to_numpy(dtype="datetime64[s]")
        result = visits["result"]
        self.completes = upto & (result.isna() | is_in(result, DONE_RESULTS)).to_numpy()
        self.attempt = upto & result.eq(NO_ANSWER).fillna(False).to_numpy(dtype=bool)
        self.visits = visits
        self._cars: tuple[pd.Series, np.ndarray] | None = None

    def car_positions(self, vins: pd.Series) -> np.ndarray:
        """Each call's position in ``vins`` (-1 for none), looked up once per list of cars."""
        if self._cars is None or self._cars[0] is not vins:
            self._cars = (vins, positions_in(self.visits["vin"], vins))
        return self._cars[1]

    def of_kind(self, kind: str) -> np.ndarray:
        return self.kind.eq(kind).fillna(False).to_numpy(dtype=bool)

    def counted_for(self, task_of_call: np.ndarray, chosen) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(task, date, completes, attempt) of the ``chosen`` calls (a mask or positions; a call may repeat)."""
        return task_of_call, self.date[chosen], self.completes[chosen], self.attempt[chosen]


def _first_done_and_attempts(count: int, task, date, completes, attempt) -> tuple[np.ndarray, np.ndarray]:
    """Per task (0 … count-1): the first completing call's date and the number of 未接通 calls (task -1: no task)."""
    counted = task >= 0
    done = pd.Series(date[counted & completes]).groupby(task[counted & completes]).min()
    first_done = np.full(count, np.datetime64("NaT"), dtype="datetime64[s]")
    first_done[done.index.to_numpy()] = done.to_numpy()
    attempts = np.bincount(task[counted & attempt], minlength=count)
    return first_done, attempts


def delivery_tasks(vehicles: pd.DataFrame, visits: pd.DataFrame, settings: Settings, today: dt.date,
                   calls: _Calls | None = None) -> pd.DataFrame:
    """7DC (二级网点: from the invoice), 月回访, 季度回访 and 年回访 tasks, one per vehicle and kind."""
    calls = calls or _Calls(visits, today)
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
    car_of_call = calls.car_positions(vehicles["vin"])
    found = []
    for kind, anchor, offset, from_invoice in plans:
        task_date = anchor + offset
        chosen = calls.of_kind(kind)
        done_date, attempts = _first_done_and_attempts(len(vehicles), *calls.counted_for(car_of_call[chosen], chosen))
        has = task_date.notna().to_numpy()
        tasks = pd.DataFrame({
            "kind": kind, "vin": vehicles["vin"], "order_no": pd.NA, "customer_id": vehicles["customer_id"],
            "task_date": task_date, "anchor": anchor,
            "invoiced": from_invoice if isinstance(from_invoice, pd.Series) else False,
            "done_date": done_date, "attempts": attempts,
        })[has]
        tasks["window_start"] = tasks["due_date"] = tasks["task_date"]
        tasks["on_time_by"] = tasks["task_date"] + days(settings.followup_on_time_grace_days)
        found.append(tasks)
    return pd.concat(found, ignore_index=True)


def repair_tasks(services: pd.DataFrame, visits: pd.DataFrame, settings: Settings, today: dt.date,
                 calls: _Calls | None = None, vehicles: pd.DataFrame | None = None) -> pd.DataFrame:
    """3DC tasks, one per order handed back: done by a 3DC visit for the order, or for the car dated after hand-back."""
    calls = calls or _Calls(visits, today)
    orders = services[services["date_out"].notna()].reset_index(drop=True)
    tasks = pd.DataFrame({
        "kind": "3DC", "vin": orders["vin"], "order_no": orders["order_no"], "customer_id": pd.NA,
        "task_date": orders["date_out"] + days(settings.followup_3dc_start_days), "anchor": orders["date_out"], "invoiced": False,
    })
    tasks["window_start"] = tasks["task_date"]
    tasks["due_date"] = tasks["on_time_by"] = orders["date_out"] + days(settings.followup_3dc_end_days)
    three = calls.of_kind("3DC")
    call_index = np.flatnonzero(three)
    # A call naming the order counts for it; so does any 3DC call for the car dated on or after the hand-back.
    by_order = pd.DataFrame({"call": call_index, "task": positions_in(calls.visits["order_no"], orders["order_no"])[three]})
    cars = vehicles["vin"] if vehicles is not None else orders["vin"].drop_duplicates()
    car_of_task = pd.DataFrame({"task": np.arange(len(orders)), "car": positions_in(orders["vin"], cars)})
    car_of_call = pd.DataFrame({"call": call_index, "car": calls.car_positions(cars)[three]})
    by_car = car_of_call[car_of_call["car"] >= 0].merge(car_of_task, on="car")[["call", "task"]]
    by_car = by_car[calls.date[by_car["call"].to_numpy()] >= orders["date_out"].to_numpy(dtype="datetime64[s]")[by_car["task"].to_numpy()]]
    # One (call, task) pair per match: a call may count for several orders of the car, and once for each.
    pairs = pd.concat([by_order[by_order["task"] >= 0], by_car]).drop_duplicates()
    done_date, attempts = _first_done_and_attempts(len(orders), *calls.counted_for(pairs["task"].to_numpy(), pairs["call"].to_numpy()))
    return tasks.assign(done_date=done_date, attempts=attempts)


def followup_tasks(frames: dict[str, pd.DataFrame], settings: Settings, today: dt.date) -> pd.DataFrame:
    """Every follow-up task with its dates, whether and when it was done, and its attempts."""
    vehicles, visits = frames["vehicles"], frames["visits"]
    calls = _Calls(visits, today)
    tasks = pd.concat([delivery_tasks(vehicles, visits, settings, today, calls), repair_tasks(frames["services"], visits, settings, today, calls, vehicles)],
                      ignore_index=True)
    owners = vehicles.set_index("vin")["customer_id"]
    tasks["customer_id"] = tasks["customer_id"].astype("string").fillna(lookup(tasks["vin"], owners).astype("string"))
    for column in ("task_date", "on_time_by", "window_start", "due_date", "anchor", "done_date"):
        tasks[column] = pd.to_datetime(tasks[column]).astype("datetime64[s]")
    tasks["invoiced"] = tasks["invoiced"].astype(bool)
    tasks["attempts"] = tasks["attempts"].astype("int64")
    return tasks[TASK_COLUMNS]


def due_followups(tasks: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    """Open tasks from their window's start until they are too long overdue to stay on the list."""
    now, lang = stamp(today), settings.lang
    show = (tasks["window_start"] <= now) & (tasks["due_date"] >= now - days(settings.followup_overdue_keep_days)) & tasks["done_date"].isna()
    rows = tasks[show]
    if rows.empty:
        return empty_items()
    notes = []
    for kind, order_no, anchor, invoiced, attempts in zip(rows["kind"], rows["order_no"], iso_texts(rows["anchor"]), rows["invoiced"], rows["attempts"]):
        if kind == "3DC":
            note = t("note_repair", lang, order_no=order_no, date=anchor)
        else:
            note = t("note_invoice" if invoiced else "note_delivery", lang, date=anchor)
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
