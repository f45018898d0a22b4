"""Send the planned messages through a channel, recording each in the journal around the send."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable

from .. import clock
from .channels import Outgoing, PermanentSendError, TransientSendError, build_email
from .journal import Journal
from .plan import SEND, Decision

log = logging.getLogger("csxl.send")
INTERRUPTED = "interrupted before the send was confirmed"


def resolve_pending(journal: Journal, channel) -> int:
    """Rows left pending by a crash: delivered ones become sent, the others failed (and are sent again)."""
    keys = journal.pending_keys()
    for key in keys:
        if channel.delivered(key):
            journal.mark_sent(key)
        else:
            journal.mark_failed(key, INTERRUPTED)
    return len(keys)


class DeliveryCounts(Counter):
    """Messages by outcome, and why the first failure failed."""

    reason: str | None = None


def deliver_all(
    decisions: Iterable[Decision],
    journal: Journal,
    channel,
    sender_name: str,
    sender_address: str,
    retries: int = 3,
    backoff_seconds: float = 2.0,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[Decision], None] | None = None,
) -> Counter:
    """Skips are recorded, sends are attempted; returns counts by outcome ('sent', 'failed', 'skipped', 'stopped').

    The counts carry ``reason``: why the first message failed, if one did.
    """
    counts = DeliveryCounts()
    decisions = list(decisions)
    opened, unreachable = False, None
    for decision in decisions:
        if should_stop():
            counts["stopped"] += 1
            continue
        if progress:
            progress(decision)
        fields = {**decision.fields, "channel": channel.name}
        if decision.action != SEND:
            journal.mark_skipped(decision.key, decision.reason, fields)
            counts["skipped"] += 1
            continue
        if unreachable:
            journal.mark_failed(decision.key, unreachable, fields)
            counts["failed"] += 1
            continue
        if not opened:
            try:
                _with_retries(channel.open, retries, backoff_seconds, sleep)
                opened = True
            except (TransientSendError, PermanentSendError) as exc:
                unreachable = counts.reason = str(exc)
                log.warning("channel %s unavailable: %s", channel.name, exc)
                journal.mark_failed(decision.key, unreachable, fields)
                counts["failed"] += 1
                continue
        message = Outgoing(decision.key, decision.to, decision.subject, decision.body, sender_name, sender_address)
        journal.mark_pending(decision.key, fields)
        try:
            _with_retries(lambda: channel.deliver(message, build_email(message, clock.now())), retries, backoff_seconds, sleep)
        except (TransientSendError, PermanentSendError) as exc:
            journal.mark_failed(decision.key, str(exc))
            counts["failed"] += 1
            counts.reason = counts.reason or str(exc)
            log.warning("failed %s %s for %s: %s", decision.kind, decision.occasion, decision.customer_id, exc)
            continue
        journal.mark_sent(decision.key)
        counts["sent"] += 1
        log.info("sent %s %s to %s via %s", decision.kind, decision.occasion, decision.customer_id, channel.name)
    if opened:
        channel.close()
    return counts


def _with_retries(action: Callable[[], None], retries: int, backoff_seconds: float, sleep) -> None:
    """Retry transient failures with exponential backoff; permanent ones fail at once."""
    for attempt in range(retries + 1):
        try:
            return action()
        except TransientSendError:
            if attempt == retries:
                raise
            sleep(backoff_seconds * (2**attempt))
