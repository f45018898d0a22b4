"""Logging for the unattended scheduler: a rotating file beside the workbook, with no PII in it."""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![A-Za-z\d-])(?:"  # not inside a VIN, an id or a date
    r"(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}"  # mobile, also written 138 0013 8000
    r"|0\d{2,3}-\d{7,8}"  # landline with area code
    r"|\d{7,}"  # any other long run of digits
    r")(?![A-Za-z\d-])"
)


def redact(text: str) -> str:
    """Mask e-mail addresses and phone numbers (dates, times and ids are shaped otherwise)."""
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_path(workbook: Path) -> Path:
    return Path(workbook).with_name("csxl.log")


def setup_logging(workbook: Path, to_stderr: bool = True) -> Path:
    path = log_path(workbook)
    formatter = RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    root = logging.getLogger("csxl")
    root.setLevel(logging.INFO)
    root.handlers.clear()
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(formatter)
    root.addHandler(handler)
    if to_stderr:
        console = logging.StreamHandler()
        console.setFormatter(formatter)
        root.addHandler(console)
    return path
