"""The contact policy (SPEC 5.5): checked before any channel is called, over every kind and channel together.

A pure function of the plan, the messages already sent, the settings and the moment:
- only inside 设置 发送时段 (local time of 设置 时区);
- greetings and birthday wishes (marketing) only with 营销同意 = 是 when 营销消息需同意 = 是;
- at most 每周联系上限 messages in any 7 days and 每月联系上限 in any 30 days per customer,
  service reminders first, then 生日关怀, then 节日问候, earliest occasion first.
A message held back is recorded as skipped with a reason that is looked at again the
next day (`plan.FINAL_SKIPS` leaves it open) until its occasion passes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from ..rules.items import GREETING_KINDS
from ..settings import Settings
from .plan import HELD_OVER_CAP, NO_CONSENT, OUTSIDE_HOURS, SEND, SKIP, Decision

WEEK_DAYS, MONTH_DAYS = 7, 30
MARKETING_KINDS = GREETING_KINDS
# service reminders (every other message kind) before 生日关怀 before 节日问候
_PRIORITY = {"生日关怀": 1, "节日问候": 2}


def priority(kind: str) -> int:
    return _PRIORITY.get(kind, 0)


def within_hours(settings: Settings, now: dt.datetime) -> bool:
    start, end = settings.send_window
    return start <= now.time() <= end


def apply_contact_policy(decisions: list[Decision], sent: pd.DataFrame, settings: Settings, now: dt.datetime) -> list[Decision]:
    """The plan with the messages the policy holds back turned into skips (with their reason), in the plan's order.

    ``sent``: the journal's sent messages (``customer_id``, ``sent_day``); ``now``: local time in 设置 时区.
    """
    today = now.date()
    if not within_hours(settings, now):
        return [replace(d, action=SKIP, reason=OUTSIDE_HOURS) if d.action == SEND else d for d in decisions]
    consent_needed = settings.marketing_needs_consent == "是"
    decisions = [
        replace(d, action=SKIP, reason=NO_CONSENT) if d.action == SEND and consent_needed and d.kind in MARKETING_KINDS and d.consent != "是"
        else d for d in decisions
    ]
    week, month = _recent_counts(sent, today)
    order = sorted((i for i, d in enumerate(decisions) if d.action == SEND),
                   key=lambda i: (priority(decisions[i].kind), decisions[i].occasion, i))
    held = set()
    for i in order:
        customer = decisions[i].customer_id
        if week.get(customer, 0) >= settings.weekly_contact_cap or month.get(customer, 0) >= settings.monthly_contact_cap:
            held.add(i)
            continue
        week[customer] = week.get(customer, 0) + 1
        month[customer] = month.get(customer, 0) + 1
    return [replace(d, action=SKIP, reason=HELD_OVER_CAP) if i in held else d for i, d in enumerate(decisions)]


def _recent_counts(sent: pd.DataFrame, today: dt.date) -> tuple[dict[str, int], dict[str, int]]:
    """Messages per customer sent in the 7 and the 30 days up to today."""
    if sent is None or sent.empty:
        return {}, {}
    day = pd.to_datetime(sent["sent_day"])
    now = pd.Timestamp(today)
    in_week = sent.loc[(day > now - pd.Timedelta(days=WEEK_DAYS)) & (day <= now), "customer_id"]
    in_month = sent.loc[(day > now - pd.Timedelta(days=MONTH_DAYS)) & (day <= now), "customer_id"]
    return in_week.value_counts().to_dict(), in_month.value_counts().to_dict()
