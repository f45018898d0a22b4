"""Decide, for each message that came due, whether to send it or why not — no I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..i18n import t
from ..rules.due import opted_out
from ..rules.items import GREETING_KINDS, iso
from ..settings import EMAIL as BY_EMAIL, SMS as BY_SMS, Settings
from .addresses import EMAIL, SMS, email, mobile
from .channels import message_ref
from .journal import PENDING, SENT, SKIPPED, message_key
from .sms import Sms, compose
from .templates import TemplateBook

SEND, SKIP = "send", "skip"
# why a message is not sent (stored in the journal; shown translated)
OPTED_OUT, NO_ADDRESS, EXPIRED = "opted_out", "no_address", "expired"
NO_MOBILE, NO_CONTACT, NO_SMS_TEMPLATE = "no_mobile", "no_contact", "no_sms_template"
REPLIED_OPT_OUT = "replied_opt_out"  # the customer replied TD to an SMS
# the contact policy (policy.py): held back while the occasion lasts, then finally skipped as over the cap
HELD_OVER_CAP, OVER_CAP, OUTSIDE_HOURS, NO_CONSENT = "held_over_cap", "over_cap", "outside_hours", "no_consent"
POLICY_HOLDS = (HELD_OVER_CAP, OUTSIDE_HOURS, NO_CONSENT)
FINAL_SKIPS = (EXPIRED, OVER_CAP)  # the others are looked at again: an address may be added, an opt-out lifted


@dataclass(frozen=True)
class Decision:
    key: str
    action: str
    reason: str | None
    customer_id: str
    vin: str | None
    kind: str
    occasion: dt.date
    first_due: dt.date
    to: str | None = None
    subject: str | None = None
    body: str | None = None
    medium: str | None = None  # EMAIL or SMS
    sms: Sms | None = None
    consent: str | None = None  # the customer's 营销同意

    @property
    def segments(self) -> int:
        return self.sms.segments if self.sms else 0

    @property
    def fields(self) -> dict:
        return {
            "customer_id": self.customer_id, "vin": self.vin, "kind": self.kind, "occasion": self.occasion.isoformat(),
            "first_due": self.first_due.isoformat(), "subject": self.subject, "address": self.to,
            "ref": message_ref(self.key), "segments": self.segments or None,
        }


def _salutation(name: str, gender, lang: str) -> str:
    if lang != "zh" or not name:
        return name
    if gender == "男":
        return name[0] + "先生"
    if gender == "女":
        return name[0] + "女士"
    return name


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def catch_up_days(last_completed: dt.date | None, oldest_open: dt.date | None, today: dt.date, max_days: int) -> list[dt.date]:
    """The days whose messages this run must look at: since the last completed run, and back to the oldest unsent one."""
    starts = [d for d in ((last_completed + dt.timedelta(days=1)) if last_completed else None, oldest_open) if d]
    start = min(starts) if starts else today
    start = max(min(start, today), today - dt.timedelta(days=max(max_days, 1) - 1))
    return [start + dt.timedelta(days=n) for n in range((today - start).days + 1)]


def reach(channel_setting: str, phone, address) -> tuple[str | None, str | None, str | None]:
    """(medium, address, None) for how the 发送渠道 setting reaches a customer, or (None, None, why not)."""
    number, mailbox = mobile(phone), email(address)
    if channel_setting == BY_EMAIL:
        return (EMAIL, mailbox, None) if mailbox else (None, None, NO_ADDRESS)
    if channel_setting == BY_SMS:
        return (SMS, number, None) if number else (None, None, NO_MOBILE)
    if number:
        return SMS, number, None
    return (EMAIL, mailbox, None) if mailbox else (None, None, NO_CONTACT)


def plan_messages(
    items: pd.DataFrame,
    templates: TemplateBook,
    settings: Settings,
    today: dt.date,
    journal_states: dict[str, tuple[str, str | None]],
    replied_opt_outs: frozenset[str] = frozenset(),
) -> list[Decision]:
    """One decision per message item not already sent (nor finally skipped, nor left with an unknown outcome).

    ``items`` may hold the same message from several days (catch-up); its
    ``first_due`` column says the day it first came due.  ``replied_opt_outs``: the
    customers who replied TD, honoured before the sheet says 拒收提醒.
    """
    refused = opted_out(items) if not items.empty else pd.Series(dtype=bool)
    decisions, seen = [], set()
    for index, item in items.iterrows():
        occasion = item["occasion"].date()
        vin = None if pd.isna(item["vin"]) else item["vin"]
        key = message_key(item["customer_id"], vin, item["kind"], occasion)
        state = journal_states.get(key)
        if key in seen or (state and (state[0] in (SENT, PENDING) or (state[0] == SKIPPED and state[1] in FINAL_SKIPS))):
            continue
        seen.add(key)
        base = dict(key=key, customer_id=item["customer_id"], vin=vin, kind=item["kind"], occasion=occasion, first_due=item["first_due"],
                    consent=None if pd.isna(item["consent"]) else item["consent"])
        medium, address, unreachable = reach(settings.channel, item["phone"], item["email"])
        if today > item["expires"].date():
            held = state and state[0] == SKIPPED and state[1] == HELD_OVER_CAP
            decisions.append(Decision(action=SKIP, reason=OVER_CAP if held else EXPIRED, **base))
        elif refused[index]:
            decisions.append(Decision(action=SKIP, reason=OPTED_OUT, **base))
        elif item["customer_id"] in replied_opt_outs:
            decisions.append(Decision(action=SKIP, reason=REPLIED_OPT_OUT, **base))
        elif unreachable:
            decisions.append(Decision(action=SKIP, reason=unreachable, **base))
        else:
            holiday = None if pd.isna(item["holiday"]) else item["holiday"]
            values = {
                "姓名": _text(item["name"]),
                "称呼": _salutation(_text(item["name"]), _text(item["gender"]), settings.lang),
                "车牌号": _text(item["plate"]),
                "车型": _text(item["model"]),
                "到期日期": iso(item["occasion"]) if item["kind"] not in GREETING_KINDS else "",
                "节日": t(holiday, settings.lang) if holiday else "",
                "日期": iso(item["occasion"]),
                "门店": settings.branch_name,
            }
            subject, body, template = templates.render(item["kind"], holiday, values)
            sms = None
            if medium == SMS:
                if settings.sms_provider and not template.sms_template_id:
                    fallback = email(item["email"]) if settings.channel != BY_SMS else None
                    if not fallback:
                        decisions.append(Decision(action=SKIP, reason=NO_SMS_TEMPLATE, **base))
                        continue
                    medium, address = EMAIL, fallback
                else:
                    sms = compose(template.sms_template_id, template.body, values, body, settings.sms_signature or settings.branch_name)
            decisions.append(Decision(action=SEND, reason=None, to=address, subject=subject, body=body, medium=medium, sms=sms, **base))
    return decisions
