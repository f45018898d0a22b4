"""Logging for the unattended scheduler: a rotating file beside the workbook, with no PII in it."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from .privacy import redact


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_path(workbook: Path) -> Path:
    return Path(workbook).with_name("csxl.log")


def setup_logging(workbook: Path, to_stderr: bool = True) -> Path:
    return setup_log_file(log_path(workbook), to_stderr)


def setup_log_file(path: Path, to_stderr: bool = True) -> Path:
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
