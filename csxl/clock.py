"""The one place that reads the clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


def now(timezone: str = DEFAULT_TIMEZONE) -> dt.datetime:
    return dt.datetime.now(ZoneInfo(timezone))


def today(timezone: str = DEFAULT_TIMEZONE) -> dt.date:
    return now(timezone).date()
