"""Send the planned messages through a channel, recording each in the journal around the send."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable

from .. import clock
from .channels import ChannelRefused, Outgoing, PermanentSendError, SentRecord, TemplateRefused, TransientSendError, UnknownOutcome
from .journal import Journal
from .plan import SEND, Decision

log = logging.getLogger("csxl.send")
INTERRUPTED = "interrupted before the send was confirmed"


def resolve_pending(journal: Journal, channels: dict) -> int:
    """Rows left pending by a crash or a time-out: delivered ones become sent, the others failed (and are sent again).

    A provider that cannot be asked right now leaves the row pending: it is neither sent
    again nor counted as sent until a later run can ask.
    """
    by_name = {channel.name: channel for channel in channels.values()}
    pending = journal.pending()
    for key, name, address, marked_at in pending:
        channel = by_name.get(name)
        try:
            found = channel.delivered(SentRecord(key, address or "", marked_at)) if channel else None
        except (TransientSendError, PermanentSendError) as exc:  # sent or not, nobody can say: never send it again blind
            log.warning("cannot ask %s whether a message went out (%s): asking again next run", name, exc)
            continue
        if found:
            journal.mark_sent(key)
        else:
            journal.mark_failed(key, INTERRUPTED)
    return len(pending)


class DeliveryCounts(Counter):
    """Messages by outcome (and SMS segments sent), and why the first failure failed."""

    reason: str | None = None


def deliver_all(
    decisions: Iterable[Decision],
    journal: Journal,
    channels: dict,
    sender_name: str,
    sender_address: str,
    retries: int = 3,
    backoff_seconds: float = 2.0,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[Decision], None] | None = None,
) -> Counter:
    """Skips are recorded, sends are attempted through the channel of their medium;
    returns counts by outcome ('sent', 'failed', 'skipped', 'stopped', 'segments').

    The counts carry ``reason``: why the first message failed, if one did.
    """
    counts = DeliveryCounts()
    opened: set[str] = set()
    unreachable: dict = {}  # medium, or (medium, SMS template id) → why it cannot send this run
    for decision in decisions:
        if should_stop():
            counts["stopped"] += 1
            continue
        if progress:
            progress(decision)
        channel = channels.get(decision.medium) if decision.medium else None
        fields = {**decision.fields, "channel": channel.name if channel else None}
        if decision.action != SEND:
            journal.mark_skipped(decision.key, decision.reason, fields)
            counts["skipped"] += 1
            continue
        if decision.medium not in unreachable and decision.medium not in opened:
            try:
                _with_retries(channel.open, retries, backoff_seconds, sleep)
                opened.add(decision.medium)
            except (TransientSendError, PermanentSendError) as exc:
                unreachable[decision.medium] = str(exc)
                log.warning("channel %s unavailable: %s", channel.name, exc)
        template = (decision.medium, decision.sms.template_id if decision.sms else None)
        blocked = unreachable.get(decision.medium) or unreachable.get(template)
        if blocked:
            journal.mark_failed(decision.key, blocked, fields)
            counts["failed"] += 1
            counts.reason = counts.reason or blocked
            continue
        message = Outgoing(decision.key, decision.to, decision.subject, decision.body, sender_name, sender_address, decision.sms)
        journal.mark_pending(decision.key, fields)
        try:
            provider_id = _deliver_once(channel, message, clock.now(), retries, backoff_seconds, sleep)
        except UnknownOutcome as exc:  # asked, and the provider could not say: left pending for the next run to ask
            counts["unknown"] += 1
            counts.reason = counts.reason or str(exc)
            log.warning("outcome unknown %s %s for %s: %s", decision.kind, decision.occasion, decision.customer_id, exc)
            continue
        except (TransientSendError, PermanentSendError) as exc:
            journal.mark_failed(decision.key, str(exc))
            counts["failed"] += 1
            counts.reason = counts.reason or str(exc)
            log.warning("failed %s %s for %s: %s", decision.kind, decision.occasion, decision.customer_id, exc)
            if isinstance(exc, ChannelRefused):
                unreachable[decision.medium] = str(exc)
            elif isinstance(exc, TemplateRefused):
                unreachable[template] = str(exc)
            continue
        journal.mark_sent(decision.key, {"provider_id": provider_id})
        counts["sent"] += 1
        if decision.segments:
            counts["segments"] += decision.segments
        log.info("sent %s %s to %s via %s", decision.kind, decision.occasion, decision.customer_id, channel.name)
    for medium in opened:
        channels[medium].close()
    return counts


def _deliver_once(channel, message: Outgoing, started, retries: int, backoff_seconds: float, sleep) -> str | None:
    """Deliver with retries; after a time-out the provider is asked whether the message went out before it is sent again."""
    for attempt in range(retries + 1):
        try:
            return channel.deliver(message)
        except UnknownOutcome:
            try:
                if channel.delivered(SentRecord(message.key, message.to, started)):
                    return None
            except (TransientSendError, PermanentSendError) as exc:
                raise UnknownOutcome(f"sent or not, the provider cannot say yet: {exc}") from exc
            if attempt == retries:
                raise TransientSendError("no answer from the provider (time-out), and it has no record of the message")
        except TransientSendError:
            if attempt == retries:
                raise
        sleep(backoff_seconds * (2**attempt))
    return None


def _with_retries(action: Callable[[], None], retries: int, backoff_seconds: float, sleep) -> None:
    """Retry transient failures with exponential backoff; permanent ones fail at once."""
    for attempt in range(retries + 1):
        try:
            return action()
        except TransientSendError:
            if attempt == retries:
                raise
            sleep(backoff_seconds * (2**attempt))
