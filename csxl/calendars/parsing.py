"""Turn the text of date cells into dates, vectorised.

Accepted: Excel date cells (the reader hands them over as ``2026-01-04 00:00:00``),
ISO text, ``2026/1/4``, ``2026.1.4``, ``2026年1月4日`` and bare Excel serial
numbers (a date cell that lost its format).  Anything else is reported, not guessed.
"""

from __future__ import annotations

import pandas as pd

_YMD = r"^\s*(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$"
_SERIAL = r"^\s*(?P<serial>\d{1,7}(?:\.\d+)?)\s*$"

_EPOCH_1900 = pd.Timestamp("1899-12-30")
_EPOCH_1904 = pd.Timestamp("1904-01-01")
_LAST_SERIAL = 2958465  # 9999-12-31


def parse_dates(text: pd.Series, date1904: bool = False) -> tuple[pd.Series, pd.Series]:
    """Return (dates as datetime64, mask of non-empty cells that are not dates)."""
    text = text.astype("string")
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    present = text.notna() & (text.str.strip() != "")
    if not present.any():
        return dates, present
    # Fast path in C for what date cells and ISO text look like; the regex only sees the rest.
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        todo = present & dates.isna()
        if not todo.any():
            return dates, present & dates.isna()
        dates[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce").astype("datetime64[s]")
    todo = present & dates.isna()
    parts = text[todo].str.extract(_YMD)
    ymd = parts.dropna()
    if len(ymd):
        dates[ymd.index] = pd.to_datetime(
            {"year": ymd["year"].astype(int), "month": ymd["month"].astype(int), "day": ymd["day"].astype(int)},
            errors="coerce",
        ).astype("datetime64[s]")
    serials = text[present & dates.isna()].str.extract(_SERIAL)["serial"].dropna().astype(float)
    serials = serials[(serials >= 1) & (serials <= _LAST_SERIAL)].floordiv(1)
    if len(serials):
        if date1904:
            days = _EPOCH_1904 + pd.to_timedelta(serials, unit="D")
        else:
            # Excel's 1900 system counts a non-existent 1900-02-29 as serial 60.
            days = _EPOCH_1900 + pd.to_timedelta(serials.where(serials >= 61, serials + 1), unit="D")
        dates[serials.index] = days.astype("datetime64[s]")
    return dates, present & dates.isna()



_COMPACT = r"^\s*(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})\s*$"


def parse_day(text: str):
    """One day typed by a person (a command-line option): the workbook's date forms, and 20261124; None if not a date."""
    import datetime as dt
    import re

    for pattern in (_YMD, _COMPACT):
        match = re.match(pattern, text)
        if match:
            try:
                return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                return None
    return None
