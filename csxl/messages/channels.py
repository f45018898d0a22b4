"""Delivering one message: the channel interface, the outbox folder, and an SMTP server through yagmail.

A channel opens, delivers one message under its journal key, says whether a key
was delivered (to settle an outcome a crash or a time-out left unknown), and pulls
delivery receipts and replies where its provider keeps them.  E-mail is one RFC 5322
message, built here with the standard library (plain text with an HTML alternative;
non-ASCII headers RFC 2047-encoded).  The SMS providers live in ``providers/``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import smtplib
import socket
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Protocol

from .. import clock
from ..files import new_file_mode, outbox_temp_prefix
from .addresses import EMAIL, SMS
from .config import MailConfig
from .sms import Sms


class TransientSendError(Exception):
    """Worth trying again later: the server is down, busy or dropped the connection."""


class PermanentSendError(Exception):
    """Will fail the same way again: the server refused this recipient or message."""


class ChannelRefused(PermanentSendError):
    """The channel itself cannot send (login refused, template or signature not approved, balance exhausted):
    every other message on it this run would fail the same way."""


class TemplateRefused(PermanentSendError):
    """The provider does not accept this SMS template (not approved, withdrawn, or its text differs):
    every other message of that template would fail the same way this run; other templates may still go."""


class UnknownOutcome(TransientSendError):
    """The request left and no answer came (a time-out): the provider may have sent it; ask before sending again."""


def message_ref(key: str) -> str:
    """The short id a provider echoes back (阿里云 OutId, 腾讯云 SessionContext, the e-mail's X-Csxl-Key prefix)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class Outgoing:
    key: str
    to: str
    subject: str | None
    body: str
    sender_name: str
    sender_address: str
    sms: Sms | None = None

    @property
    def medium(self) -> str:
        return SMS if self.sms else EMAIL

    @property
    def ref(self) -> str:
        return message_ref(self.key)

    @property
    def message_id(self) -> str:
        digest = hashlib.sha1(self.key.encode("utf-8")).hexdigest()[:24]
        return f"<{digest}.csxl@{self.sender_address.rsplit('@', 1)[-1]}>"


@dataclass(frozen=True)
class SentRecord:
    """A message the journal says went (or may have gone) out: what a provider can be asked about."""

    key: str
    to: str
    sent_at: dt.datetime
    provider_id: str | None = None

    @property
    def ref(self) -> str:
        return message_ref(self.key)


@dataclass(frozen=True)
class Receipt:
    """A provider's delivery report for one message."""

    ref: str
    delivered: bool
    reason: str | None = None  # the provider's code or words when not delivered
    bad_number: bool = False  # 空号, 停机, a malformed number: the 手机 itself needs fixing


@dataclass(frozen=True)
class Reply:
    """An SMS a customer sent back."""

    phone: str  # 11-digit mobile
    text: str
    received_at: str  # as the provider stamps it


class Channel(Protocol):
    name: str
    mediums: tuple[str, ...]

    def open(self) -> None: ...

    def close(self) -> None: ...

    def deliver(self, message: Outgoing) -> str | None:
        """Send one message; returns the provider's id for it, if it gives one."""

    def delivered(self, record: SentRecord) -> bool | None:
        """Whether the provider has the message (None: it cannot be asked)."""

    def receipts(self, records: list[SentRecord]) -> list[Receipt]: ...

    def replies(self) -> list[Reply]: ...


def build_email(message: Outgoing, when) -> EmailMessage:
    email = EmailMessage(policy=SMTP_POLICY)  # CRLF line ends, as RFC 5322 and SMTP servers require
    email["From"] = formataddr((message.sender_name, message.sender_address))
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(when)
    email["Message-ID"] = message.message_id
    email["X-Csxl-Key"] = hashlib.sha1(message.key.encode("utf-8")).hexdigest()
    email.set_content(message.body)
    paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in message.body.split("\n\n"))
    email.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
    return email


OUTBOX_SUFFIXES = {EMAIL: ".eml", SMS: ".sms.txt"}


def key_file_name(key: str, medium: str = EMAIL) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16] + OUTBOX_SUFFIXES[medium]


def sms_file_text(message: Outgoing) -> str:
    """What the outbox keeps of an SMS: everything the provider would be sent, and what the customer would read."""
    sms = message.sms
    params = "\n".join(f"  {name} = {value}" for name, value in sms.params) or "  (none)"
    return (f"To: {message.to}\nTemplate: {sms.template_id or '(no 短信模板编号 yet)'}\nOutId: {message.ref}\n"
            f"Parameters:\n{params}\nSegments: {sms.segments} ({len(sms.text)} characters)\n\n{sms.text}\n")


class OutboxChannel:
    """One file per message, .eml or .sms.txt; a file that exists is a message delivered."""

    name = "outbox"
    mediums = (EMAIL, SMS)

    def __init__(self, folder: Path, workbook: Path | None = None):
        self.folder = Path(folder)
        self.temp_prefix = outbox_temp_prefix(workbook) if workbook else ".tmp-"

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        pass

    def delivered(self, record: SentRecord) -> bool | None:
        return any((self.folder / key_file_name(record.key, medium)).exists() for medium in self.mediums)

    def receipts(self, records: list[SentRecord]) -> list[Receipt]:
        return []

    def replies(self) -> list[Reply]:
        return []

    def deliver(self, message: Outgoing) -> str | None:
        if message.sms:
            data = sms_file_text(message).encode("utf-8")
        else:
            data = bytes(build_email(message, clock.now()))
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=self.temp_prefix, suffix=OUTBOX_SUFFIXES[message.medium])
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, new_file_mode())  # the other clerks read the outbox too (mkstemp makes 0600)
            os.replace(tmp, self.folder / key_file_name(message.key, message.medium))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return None


class SmtpChannel:
    """An SMTP server, through yagmail's connection (SSL, STARTTLS, login)."""

    name = "smtp"
    mediums = (EMAIL,)

    def __init__(self, config: MailConfig, timeout: float = 30):
        self.config = config
        self.timeout = timeout
        self._client = None

    def open(self) -> None:
        import yagmail

        password = self.config.password()
        try:
            self._client = yagmail.SMTP(
                user=self.config.user or self.config.sender,
                password=password,
                host=self.config.host,
                port=self.config.port,
                smtp_ssl=self.config.security == "ssl",
                smtp_starttls=self.config.security == "starttls",
                smtp_skip_login=not self.config.login,
                soft_email_validation=False,
                timeout=self.timeout,
            )
            self._client.login()
        except smtplib.SMTPAuthenticationError as exc:
            raise ChannelRefused(f"login refused: {exc.smtp_code}") from exc
        except UnicodeEncodeError as exc:  # smtplib sends the login in ASCII only; the password is never repeated
            raise PermanentSendError("the password or 授权码 has characters other than ASCII letters, digits and symbols, "
                                     "which an SMTP login cannot carry: set exactly the 授权码 the mailbox gave") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentSendError(f"the server offers no login (AUTH): {exc}") from exc
        except ssl.SSLError as exc:
            raise PermanentSendError(f"TLS refused by {self.config.host}:{self.config.port}: {exc.reason or exc}") from exc
        except smtplib.SMTPException as exc:
            if "STARTTLS" in str(exc):
                raise PermanentSendError(f"TLS refused by {self.config.host}:{self.config.port}: {exc}") from exc
            raise TransientSendError(f"cannot reach {self.config.host}:{self.config.port}: {exc}") from exc
        except OSError as exc:
            raise TransientSendError(f"cannot reach {self.config.host}:{self.config.port}: {exc}") from exc

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def delivered(self, record: SentRecord) -> bool | None:
        return None  # an SMTP server cannot be asked

    def receipts(self, records: list[SentRecord]) -> list[Receipt]:
        return []

    def replies(self) -> list[Reply]:
        return []

    def deliver(self, message: Outgoing) -> str | None:
        if self._client is None or self._client.is_closed:
            self.open()
        email = build_email(message, clock.now())
        try:
            self._client.smtp.sendmail(message.sender_address, [message.to], email.as_bytes())
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentSendError(f"recipient refused: {_codes(exc.recipients)}") from exc
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, ConnectionError) as exc:
            self._client = None
            raise TransientSendError(f"connection lost: {exc}") from exc
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            if 400 <= exc.smtp_code < 500:
                raise TransientSendError(f"server busy: {exc.smtp_code}") from exc
            raise PermanentSendError(f"refused: {exc.smtp_code}") from exc
        except OSError as exc:
            self._client = None
            raise TransientSendError(str(exc)) from exc
        return None


def _codes(recipients: dict) -> str:
    return ", ".join(str(code) for code, _ in recipients.values())


def channels_for(config: MailConfig, settings, outbox: Path, workbook: Path | None = None) -> dict[str, Channel]:
    """The channel each medium goes through: SMTP or the outbox for e-mail, the 设置 短信服务商 or the outbox for SMS."""
    from .providers import sms_provider

    folder = OutboxChannel(config.outbox or outbox, workbook)
    return {
        EMAIL: SmtpChannel(config) if config.channel == "smtp" else folder,
        SMS: sms_provider(settings) if settings.sms_provider else folder,
    }
