"""One day as a person types it: the date forms the workbook accepts, without pandas (the command line parses ``--today``
before it knows whether it needs pandas at all)."""

from __future__ import annotations

import datetime as dt
import re

YMD = r"^\s*(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$"
COMPACT = r"^\s*(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})\s*$"


def parse_day(text: str) -> dt.date | None:
    """One day typed by a person (a command-line option): the workbook's date forms, and 20261124; None if not a date."""
    for pattern in (YMD, COMPACT):
        match = re.match(pattern, text)
        if match:
            try:
                return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                return None
    return None
