"""Everything due on a day, and the 今日待办 list built from it."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..frameops import lookup
from ..schema import DUE_KINDS
from ..settings import Settings
from .birthdays import birthday_greetings
from .complaints import feedback_due_complaints, overdue_complaints, unconfirmed_complaints
from .followups import due_followups, followup_tasks
from .greetings import holiday_greetings
from .handover import overdue_handovers
from .optouts import replied_opt_out_items
from .rectification import rectification_items
from .items import GREETING_KINDS, MESSAGE_KINDS, empty_items, stamp
from .renewals import renewal_reminders
from .retention import retention_items

_KIND_ORDER = {c.zh: i for i, c in enumerate(DUE_KINDS)}


def due_items(
    frames: dict[str, pd.DataFrame],
    settings: Settings,
    today: dt.date,
    calendar: WorkCalendar,
    sent: pd.DataFrame | None = None,
    tasks: pd.DataFrame | None = None,
    opt_outs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every item due on ``today`` from every rule, with customer and vehicle details filled in.

    ``tasks`` are the follow-up tasks (`followup_tasks`) when the caller already has them;
    ``opt_outs`` the customers who replied TD (the journal's `opt_outs`).
    """
    customers, vehicles, visits = frames["customers"], frames["vehicles"], frames["visits"]
    tasks = followup_tasks(frames, settings, today) if tasks is None else tasks
    parts = [
        due_followups(tasks, settings, today),
        birthday_greetings(customers, visits, sent, settings, today),
        holiday_greetings(customers, visits, sent, settings, today),
        renewal_reminders(vehicles, sent, settings, today),
        overdue_handovers(frames["handover"], settings, today, calendar),
        overdue_complaints(frames["complaints"], settings, today),
        unconfirmed_complaints(frames["complaints"], settings, today, calendar),
        feedback_due_complaints(frames["complaints"], settings, today, calendar),
        *retention_items(frames, sent, settings, today),
        replied_opt_out_items(customers, opt_outs, settings, today),
        *rectification_items(visits, frames["rectification_log"], settings, calendar, today),
    ]
    return _with_details(_concat(parts), customers, vehicles, today)


def message_items(
    frames: dict[str, pd.DataFrame], settings: Settings, today: dt.date, sent: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Only the items a message is sent for (greetings and reminders), with details."""
    customers, vehicles, visits = frames["customers"], frames["vehicles"], frames["visits"]
    parts = [
        birthday_greetings(customers, visits, sent, settings, today),
        holiday_greetings(customers, visits, sent, settings, today),
        renewal_reminders(vehicles, sent, settings, today),
        *retention_items(frames, sent, settings, today, messages_only=True),
    ]
    return _with_details(_concat(parts), customers, vehicles, today)


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    found = [p for p in parts if not p.empty]
    return pd.concat(found, ignore_index=True) if found else empty_items()


def _with_details(items: pd.DataFrame, customers: pd.DataFrame, vehicles: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    owners = vehicles.set_index("vin")["customer_id"]
    items["customer_id"] = items["customer_id"].fillna(lookup(items["vin"], owners)).astype("string")
    people = customers.set_index("customer_id")
    for column in ("name", "gender", "phone", "email", "opt_out", "opt_out_greetings", "consent"):
        items[column] = lookup(items["customer_id"], people[column])
    cars = vehicles.set_index("vin")
    items["plate"] = lookup(items["vin"], cars["plate"])
    items["model"] = lookup(items["vin"], cars["model"])
    items["days_overdue"] = (stamp(today) - items["due_date"]).dt.days.clip(lower=0).astype("int64")
    items["_order"] = items["kind"].map(_KIND_ORDER)
    items = items.sort_values(["days_overdue", "due_date", "_order", "customer_id"], ascending=[False, True, True, True], kind="stable")
    return items.drop(columns="_order").reset_index(drop=True)


def opted_out(items: pd.DataFrame) -> pd.Series:
    """Message items the customer asked not to receive (拒收提醒: all messages; 拒收问候: greetings only)."""
    message = items["kind"].isin(MESSAGE_KINDS)
    greeting = items["kind"].isin(GREETING_KINDS)
    return message & ((items["opt_out"] == "是") | (greeting & (items["opt_out_greetings"] == "是"))).fillna(False)


def due_today(frames, settings: Settings, today: dt.date, calendar: WorkCalendar, sent=None, tasks=None, opt_outs=None) -> pd.DataFrame:
    """The 今日待办 list: what staff should do today, without messages the customer refused."""
    items = due_items(frames, settings, today, calendar, sent, tasks, opt_outs)
    return items[~opted_out(items)].reset_index(drop=True)


