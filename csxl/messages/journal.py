"""The send journal: one row per message, keyed by (customer, vehicle, kind, occasion).

A real SQLite file beside the workbook, in WAL mode with full sync, so that a
row written before a send survives a crash.  States: pending (written just
before the send) → sent | failed | skipped.  ``sent`` is final; nothing is ever
sent for a key that is already sent.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import clock
from ..errors import DamagedJournal

PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"
DELIVERED, UNDELIVERED = "delivered", "undelivered"  # what a receipt said; no receipt yet is unknown
DELIVERY_LABELS = {DELIVERED: "已送达", UNDELIVERED: "发送失败"}
STATES = (PENDING, SENT, FAILED, SKIPPED)
STATE_LABELS = {PENDING: "待发送", SENT: "已发送", FAILED: "失败", SKIPPED: "跳过"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    key TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    vin TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    occasion TEXT NOT NULL,
    first_due TEXT NOT NULL,
    channel TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'skipped')),
    reason TEXT,
    subject TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    sent_day TEXT,
    address TEXT,
    ref TEXT,
    segments INTEGER,
    provider_id TEXT,
    delivery TEXT,
    delivery_reason TEXT,
    bad_number INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS replies (
    phone TEXT NOT NULL,
    received_at TEXT NOT NULL,
    text TEXT NOT NULL,
    customer_id TEXT,
    opt_out INTEGER NOT NULL,
    channel TEXT,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (phone, received_at, text)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    today TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    sent INTEGER,
    failed INTEGER,
    skipped INTEGER
);
"""


def message_key(customer_id: str, vin: str | None, kind: str, occasion: dt.date) -> str:
    return f"{customer_id}|{vin or ''}|{kind}|{occasion.isoformat()}"


def journal_path(workbook: Path) -> Path:
    workbook = Path(workbook)
    return workbook.with_name(workbook.stem + ".journal.sqlite")


@dataclass(frozen=True)
class Run:
    today: dt.date
    started_at: str
    finished_at: str | None
    sent: int | None
    failed: int | None
    skipped: int | None


class Journal:
    def __init__(self, path: Path, now=clock.now):
        self.path = Path(path)
        self._now = now
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._db.execute("SELECT COUNT(*) FROM messages").fetchone()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if str(self.path) == ":memory:":
                raise
            aside = self.path.with_name(f"{self.path.name}.damaged-{self._now():%Y%m%d-%H%M%S}")
            os.replace(self.path, aside)
            for companion in ("-wal", "-shm"):
                Path(str(self.path) + companion).unlink(missing_ok=True)
            raise DamagedJournal(str(aside)) from exc
        self._migrate()
        self._run_day: dt.date | None = None

    def _migrate(self) -> None:
        """Columns added since a journal was created: added empty, so an old journal keeps every row."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(messages)")}
        for name, declaration in (("sent_day", "TEXT"), ("address", "TEXT"), ("ref", "TEXT"), ("segments", "INTEGER"),
                                  ("provider_id", "TEXT"), ("delivery", "TEXT"), ("delivery_reason", "TEXT"),
                                  ("bad_number", "INTEGER NOT NULL DEFAULT 0")):
            if name not in columns:
                self._db.execute(f"ALTER TABLE messages ADD COLUMN {name} {declaration}")
        self._db.execute("CREATE INDEX IF NOT EXISTS messages_ref ON messages (ref)")

    @classmethod
    def beside(cls, workbook: Path, now=clock.now) -> Journal:
        return cls(journal_path(workbook), now)

    def close(self) -> None:
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _stamp(self) -> str:
        return self._now().isoformat(timespec="seconds")

    # messages ------------------------------------------------------------
    def state(self, key: str) -> tuple[str, str | None] | None:
        row = self._db.execute("SELECT state, reason FROM messages WHERE key = ?", (key,)).fetchone()
        return None if row is None else (row[0], row[1])

    def states(self) -> dict[str, tuple[str, str | None]]:
        return {k: (s, r) for k, s, r in self._db.execute("SELECT key, state, reason FROM messages")}

    def _upsert(self, key: str, fields: dict, state: str, reason: str | None, attempt: bool = False, sent: bool = False) -> None:
        now = self._stamp()
        self._db.execute(
            """
            INSERT INTO messages (key, customer_id, vin, kind, occasion, first_due, channel, state, reason, subject, attempts,
                                  created_at, updated_at, sent_at, sent_day, address, ref, segments, provider_id)
            VALUES (:key, :customer_id, :vin, :kind, :occasion, :first_due, :channel, :state, :reason, :subject, :attempts,
                    :now, :now, :sent_at, :sent_day, :address, :ref, :segments, :provider_id)
            ON CONFLICT(key) DO UPDATE SET
                state = excluded.state, reason = excluded.reason, updated_at = excluded.updated_at,
                channel = COALESCE(excluded.channel, messages.channel),
                subject = COALESCE(excluded.subject, messages.subject),
                address = COALESCE(excluded.address, messages.address),
                ref = COALESCE(excluded.ref, messages.ref),
                segments = COALESCE(excluded.segments, messages.segments),
                provider_id = COALESCE(excluded.provider_id, messages.provider_id),
                attempts = messages.attempts + excluded.attempts,
                sent_at = COALESCE(excluded.sent_at, messages.sent_at),
                sent_day = COALESCE(excluded.sent_day, messages.sent_day)
            WHERE messages.state != 'sent'
            """,
            {
                "key": key, "customer_id": fields.get("customer_id", ""), "vin": fields.get("vin") or "",
                "kind": fields.get("kind", ""), "occasion": fields.get("occasion", ""), "first_due": fields.get("first_due", ""),
                "channel": fields.get("channel"),
                "state": state, "reason": reason, "subject": fields.get("subject"), "attempts": 1 if attempt else 0,
                "now": now, "sent_at": now if sent else None,
                "address": fields.get("address"), "ref": fields.get("ref"), "segments": fields.get("segments"),
                "provider_id": fields.get("provider_id"),
                "sent_day": (self._run_day.isoformat() if self._run_day else now[:10]) if sent else None,
            },
        )

    def mark_pending(self, key: str, fields: dict) -> None:
        self._upsert(key, fields, PENDING, None, attempt=True)

    def mark_sent(self, key: str, fields: dict | None = None) -> None:
        self._upsert(key, fields or {}, SENT, None, sent=True)

    def mark_failed(self, key: str, reason: str, fields: dict | None = None) -> None:
        self._upsert(key, fields or {}, FAILED, reason)

    def mark_skipped(self, key: str, reason: str, fields: dict) -> None:
        self._upsert(key, fields, SKIPPED, reason)

    def oldest_open_day(self) -> dt.date | None:
        """The first day on which a message that is still neither sent nor finally skipped came due."""
        row = self._db.execute(
            "SELECT MIN(first_due) FROM messages WHERE state IN ('pending', 'failed') OR (state = 'skipped' AND reason != 'expired')"
        ).fetchone()
        return dt.date.fromisoformat(row[0]) if row and row[0] else None

    def pending(self) -> list[tuple[str, str | None, str | None, dt.datetime]]:
        """(key, channel, address, when it was marked) of each message whose send was started and not settled."""
        return [(k, c, a, dt.datetime.fromisoformat(u)) for k, c, a, u in
                self._db.execute("SELECT key, channel, address, updated_at FROM messages WHERE state = 'pending'")]

    # receipts and replies --------------------------------------------------
    def awaiting_receipts(self, channel: str) -> list[tuple[str, str, dt.datetime, str | None]]:
        """(key, address, sent at, provider id) of messages sent through ``channel`` with no receipt yet."""
        return [(k, a, dt.datetime.fromisoformat(t), p) for k, a, t, p in self._db.execute(
            "SELECT key, address, sent_at, provider_id FROM messages WHERE state = 'sent' AND channel = ? AND delivery IS NULL "
            "AND address IS NOT NULL ORDER BY sent_at", (channel,))]

    def record_receipt(self, ref: str, delivered: bool, reason: str | None, bad_number: bool) -> bool:
        """Apply one delivery report; True if it changed anything (the same report twice changes nothing)."""
        cursor = self._db.execute(
            "UPDATE messages SET delivery = :delivery, delivery_reason = :reason, bad_number = :bad "
            "WHERE ref = :ref AND state = 'sent' AND (delivery IS NOT :delivery OR delivery_reason IS NOT :reason)",
            {"delivery": DELIVERED if delivered else UNDELIVERED, "reason": None if delivered else reason,
             "bad": int(bad_number and not delivered), "ref": ref})
        return cursor.rowcount > 0

    def record_reply(self, phone: str, received_at: str, text: str, customer_id: str | None, opt_out: bool, channel: str) -> bool:
        """Keep one reply; True if it is new (a reply handed out twice is kept once)."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO replies (phone, received_at, text, customer_id, opt_out, channel, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (phone, received_at, text, customer_id, int(opt_out), channel, self._stamp()))
        return cursor.rowcount > 0

    def opt_outs(self) -> pd.DataFrame:
        """Customers who replied TD (or the like): customer_id, phone, the day of their first such reply."""
        frame = pd.read_sql_query(
            "SELECT customer_id, phone, MIN(substr(recorded_at, 1, 10)) AS replied_day FROM replies "
            "WHERE opt_out = 1 AND customer_id IS NOT NULL GROUP BY customer_id, phone", self._db)
        frame = frame.astype({"customer_id": "string", "phone": "string"})
        frame["replied_day"] = pd.to_datetime(frame["replied_day"]).astype("datetime64[s]")
        return frame

    def bad_numbers(self) -> pd.DataFrame:
        """customer_id, the number and the provider's reason of each message a receipt says could never arrive."""
        return pd.read_sql_query(
            "SELECT customer_id, address, delivery_reason FROM messages WHERE bad_number = 1 ORDER BY updated_at", self._db,
        ).drop_duplicates(["customer_id", "address"], keep="last").astype("string")

    def phone_owners(self) -> dict[str, str]:
        """number → the customer the latest SMS to it was for."""
        return dict(self._db.execute(
            "SELECT address, customer_id FROM messages WHERE address IS NOT NULL AND address NOT LIKE '%@%' ORDER BY updated_at"))

    def counts(self) -> dict[str, int]:
        found = dict(self._db.execute("SELECT state, COUNT(*) FROM messages GROUP BY state").fetchall())
        return {state: found.get(state, 0) for state in STATES}

    def frame(self) -> pd.DataFrame:
        frame = pd.read_sql_query(
            "SELECT updated_at, customer_id, vin, kind, occasion, channel, state, delivery, "
            "COALESCE(delivery_reason, reason) AS reason, subject, attempts, segments "
            "FROM messages ORDER BY updated_at DESC, key",
            self._db,
        )
        frame["occasion"] = pd.to_datetime(frame["occasion"])
        frame["vin"] = frame["vin"].replace("", None)
        return frame

    def sent_frame(self) -> pd.DataFrame:
        """The messages already sent, in the shape the rules take (`rules.items.SENT_COLUMNS`)."""
        frame = pd.read_sql_query("SELECT customer_id, vin, kind, occasion, COALESCE(sent_day, substr(sent_at, 1, 10)) AS sent_day "
                                  "FROM messages WHERE state = 'sent'", self._db)
        frame = frame.astype({"customer_id": "string", "vin": "string", "kind": "string"})
        frame["vin"] = frame["vin"].replace("", pd.NA)
        frame["occasion"] = pd.to_datetime(frame["occasion"]).astype("datetime64[s]")
        frame["sent_day"] = pd.to_datetime(frame["sent_day"]).astype("datetime64[s]")
        return frame

    # runs ----------------------------------------------------------------
    def sent_days(self) -> pd.DataFrame:
        """Each sent message's kind and the day of the run that sent it."""
        frame = pd.read_sql_query(
            "SELECT kind, COALESCE(sent_day, substr(sent_at, 1, 10)) AS sent_day FROM messages WHERE state = 'sent'", self._db)
        frame["sent_day"] = pd.to_datetime(frame["sent_day"]).astype("datetime64[s]")
        return frame

    def restore_sent(self, rows: list[dict]) -> int:
        """Record messages the workbook's 发送记录 tab lists as sent (the journal was lost); returns how many."""
        restored = 0
        for row in rows:
            key = message_key(row["customer_id"], row.get("vin"), row["kind"], row["occasion"])
            fields = {**row, "occasion": row["occasion"].isoformat(), "first_due": row["occasion"].isoformat()}
            if self.state(key) is None:
                self._upsert(key, fields, SENT, "restored from the sent log tab", sent=True)
                restored += 1
        return restored

    def start_run(self, today: dt.date) -> int:
        self._run_day = today
        cursor = self._db.execute("INSERT INTO runs (today, started_at) VALUES (?, ?)", (today.isoformat(), self._stamp()))
        return cursor.lastrowid

    def finish_run(self, run_id: int, sent: int, failed: int, skipped: int) -> None:
        self._db.execute(
            "UPDATE runs SET finished_at = ?, sent = ?, failed = ?, skipped = ? WHERE id = ?",
            (self._stamp(), sent, failed, skipped, run_id),
        )

    def last_completed_day(self) -> dt.date | None:
        row = self._db.execute("SELECT MAX(today) FROM runs WHERE finished_at IS NOT NULL").fetchone()
        return dt.date.fromisoformat(row[0]) if row and row[0] else None

    def last_run(self) -> Run | None:
        row = self._db.execute(
            "SELECT today, started_at, finished_at, sent, failed, skipped FROM runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return None if row is None else Run(dt.date.fromisoformat(row[0]), *row[1:])
