"""Delivering one message: into the outbox folder, or to an SMTP server through yagmail.

Both channels send the same RFC 5322 message, built here with the standard
library (plain text with an HTML alternative; non-ASCII headers RFC 2047-encoded).
"""

from __future__ import annotations

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

from ..files import new_file_mode, outbox_temp_prefix
from .config import MailConfig


class TransientSendError(Exception):
    """Worth trying again later: the server is down, busy or dropped the connection."""


class PermanentSendError(Exception):
    """Will fail the same way again: the server refused this recipient or message."""


@dataclass(frozen=True)
class Outgoing:
    key: str
    to: str
    subject: str
    body: str
    sender_name: str
    sender_address: str

    @property
    def message_id(self) -> str:
        digest = hashlib.sha1(self.key.encode("utf-8")).hexdigest()[:24]
        return f"<{digest}.csxl@{self.sender_address.rsplit('@', 1)[-1]}>"


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


def key_file_name(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16] + ".eml"


class OutboxChannel:
    """One .eml file per message; a file that exists is a message delivered."""

    name = "outbox"

    def __init__(self, folder: Path, workbook: Path | None = None):
        self.folder = Path(folder)
        self.temp_prefix = outbox_temp_prefix(workbook) if workbook else ".tmp-"

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        pass

    def _path(self, key: str) -> Path:
        return self.folder / key_file_name(key)

    def delivered(self, key: str) -> bool | None:
        return self._path(key).exists()

    def deliver(self, message: Outgoing, email: EmailMessage) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=self.temp_prefix, suffix=".eml")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(bytes(email))
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, new_file_mode())  # the other clerks read the outbox too (mkstemp makes 0600)
            os.replace(tmp, self._path(message.key))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


class SmtpChannel:
    """An SMTP server, through yagmail's connection (SSL, STARTTLS, login)."""

    name = "smtp"

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
            raise PermanentSendError(f"login refused: {exc.smtp_code}") from exc
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

    def delivered(self, key: str) -> bool | None:
        return None  # an SMTP server cannot be asked

    def deliver(self, message: Outgoing, email: EmailMessage) -> None:
        if self._client is None or self._client.is_closed:
            self.open()
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


def _codes(recipients: dict) -> str:
    return ", ".join(str(code) for code, _ in recipients.values())


def channel_for(config: MailConfig, outbox: Path, workbook: Path | None = None):
    return SmtpChannel(config) if config.channel == "smtp" else OutboxChannel(config.outbox or outbox, workbook)
