"""Where messages go: the local outbox (default) or an SMTP server, from a TOML file.

The file is ``csxl.toml`` beside the workbook, or the one ``--config`` or the
``CSXL_CONFIG`` variable names.  The password (QQ, 163 and enterprise mailboxes
call it 授权码) comes from ``CSXL_SMTP_PASSWORD`` or the OS keyring, service
``csxl`` — never from the workbook or the file.

    [mail]
    provider = "qq"             # or host / port / security
    user = "kefu@qq.com"
    # sender = "kefu@qq.com"    # From address, default: user
    # retries = 3
    # backoff_seconds = 2
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadMailConfig, MissingPassword

CONFIG_NAME = "csxl.toml"
KEYRING_SERVICE = "csxl"
PASSWORD_VARIABLE = "CSXL_SMTP_PASSWORD"
OUTBOX_SENDER = "kefu@csxl.invalid"  # the outbox sends nowhere; .invalid can never be delivered

# provider → (host, port, security)
PRESETS = {
    "qq": ("smtp.qq.com", 465, "ssl"),
    "163": ("smtp.163.com", 465, "ssl"),
    "126": ("smtp.126.com", 465, "ssl"),
    "yeah": ("smtp.yeah.net", 465, "ssl"),
    "exmail": ("smtp.exmail.qq.com", 465, "ssl"),  # 腾讯企业邮
    "aliyun": ("smtp.qiye.aliyun.com", 465, "ssl"),  # 阿里企业邮
    "163qiye": ("smtp.qiye.163.com", 465, "ssl"),  # 网易企业邮
    "sina": ("smtp.sina.com", 465, "ssl"),
    "outlook": ("smtp.office365.com", 587, "starttls"),
}
SECURITIES = ("ssl", "starttls", "none")


@dataclass(frozen=True)
class MailConfig:
    channel: str = "outbox"  # or "smtp"
    host: str = ""
    port: int = 0
    security: str = "ssl"
    user: str = ""
    sender: str = OUTBOX_SENDER
    login: bool = True
    retries: int = 3
    backoff_seconds: float = 2.0
    outbox: Path | None = None
    source: Path | None = field(default=None, compare=False)

    def password(self) -> str | None:
        if not self.login:
            return None
        secret = os.environ.get(PASSWORD_VARIABLE)
        if secret:
            return secret
        try:
            import keyring

            secret = keyring.get_password(KEYRING_SERVICE, self.user)
        except Exception:  # noqa: BLE001 - no keyring backend on this machine is the same as no password
            secret = None
        if not secret:
            raise MissingPassword(self.user)
        return secret


def config_path(workbook: Path, explicit: Path | None = None) -> Path | None:
    if explicit:
        return Path(explicit)
    if os.environ.get("CSXL_CONFIG"):
        return Path(os.environ["CSXL_CONFIG"])
    beside = Path(workbook).with_name(CONFIG_NAME)
    return beside if beside.exists() else None


def load_config(workbook: Path, explicit: Path | None = None) -> MailConfig:
    path = config_path(workbook, explicit)
    if path is None:
        return MailConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BadMailConfig(f"{path}: {exc}") from exc
    mail = data.get("mail")
    if not mail:
        return MailConfig(outbox=_outbox(data, path), source=path)
    return _smtp_config(mail, path, _outbox(data, path))


def _outbox(data: dict, path: Path) -> Path | None:
    folder = data.get("outbox", {}).get("folder")
    return (path.parent / folder) if folder else None


def _smtp_config(mail: dict, path: Path, outbox: Path | None) -> MailConfig:
    def bad(reason: str):
        return BadMailConfig(f"{path}: {reason}")

    host, port, security = "", 0, "ssl"
    if "provider" in mail:
        if mail["provider"] not in PRESETS:
            raise bad(f"provider must be one of {', '.join(PRESETS)}")
        host, port, security = PRESETS[mail["provider"]]
    host = mail.get("host", host)
    port = int(mail.get("port", port or (465 if mail.get("security", security) == "ssl" else 587)))
    security = mail.get("security", security)
    user = mail.get("user", "")
    if not host:
        raise bad("[mail] needs provider or host")
    if security not in SECURITIES:
        raise bad(f"security must be one of {', '.join(SECURITIES)}")
    sender = mail.get("sender", user)
    if "@" not in sender:
        raise bad("[mail] needs user (or sender): the mailbox messages are sent from")
    return MailConfig(
        channel="smtp", host=host, port=port, security=security, user=user, sender=sender,
        login=bool(mail.get("login", True)), retries=int(mail.get("retries", 3)),
        backoff_seconds=float(mail.get("backoff_seconds", 2.0)), outbox=outbox, source=path,
    )
