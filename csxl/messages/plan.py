"""Decide, for each message that came due, whether to send it or why not — no I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..i18n import t
from ..rules.due import opted_out
from ..rules.items import GREETING_KINDS, iso
from ..settings import Settings
from .journal import SENT, SKIPPED, message_key
from .templates import TemplateBook

SEND, SKIP = "send", "skip"
# why a message is not sent (stored in the journal; shown translated)
OPTED_OUT, NO_ADDRESS, EXPIRED = "opted_out", "no_address", "expired"
FINAL_SKIPS = (EXPIRED,)  # the others are looked at again: an address may be added, an opt-out lifted


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

    @property
    def fields(self) -> dict:
        return {
            "customer_id": self.customer_id, "vin": self.vin, "kind": self.kind, "occasion": self.occasion.isoformat(),
            "first_due": self.first_due.isoformat(), "subject": self.subject,
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


def plan_messages(
    items: pd.DataFrame,
    templates: TemplateBook,
    settings: Settings,
    today: dt.date,
    journal_states: dict[str, tuple[str, str | None]],
) -> list[Decision]:
    """One decision per message item not already sent (nor finally skipped).

    ``items`` may hold the same message from several days (catch-up); its
    ``first_due`` column says the day it first came due.
    """
    refused = opted_out(items) if not items.empty else pd.Series(dtype=bool)
    decisions, seen = [], set()
    for index, item in items.iterrows():
        occasion = item["occasion"].date()
        vin = None if pd.isna(item["vin"]) else item["vin"]
        key = message_key(item["customer_id"], vin, item["kind"], occasion)
        state = journal_states.get(key)
        if key in seen or (state and (state[0] == SENT or (state[0] == SKIPPED and state[1] in FINAL_SKIPS))):
            continue
        seen.add(key)
        base = dict(key=key, customer_id=item["customer_id"], vin=vin, kind=item["kind"], occasion=occasion, first_due=item["first_due"])
        if today > item["expires"].date():
            decisions.append(Decision(action=SKIP, reason=EXPIRED, **base))
        elif refused[index]:
            decisions.append(Decision(action=SKIP, reason=OPTED_OUT, **base))
        elif not _text(item["email"]) or "@" not in _text(item["email"]):
            decisions.append(Decision(action=SKIP, reason=NO_ADDRESS, **base))
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
            subject, body = templates.render(item["kind"], holiday, values)
            decisions.append(Decision(action=SEND, reason=None, to=_text(item["email"]).strip(), subject=subject, body=body, **base))
    return decisions
