"""Turn the text of date cells into dates, vectorised.

Accepted: Excel date cells (the reader hands them over as ``2026-01-04 00:00:00``),
ISO text, ``2026/1/4``, ``2026.1.4``, ``2026年1月4日`` and bare Excel serial
numbers (a date cell that lost its format, its fraction the time of day).  Anything else is reported, not guessed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .day_text import YMD as _YMD

_SERIAL = r"^\s*(?P<serial>\d{1,7}(?:\.\d+)?)\s*$"

_EPOCH_1900 = pd.Timestamp("1899-12-30")
_DAYS_1900_TO_1904 = 1462  # 1904-01-01 is serial 1462 of the 1900 system
_MS_PER_DAY = 86_400_000
_LAST_SERIAL = 2958465  # 9999-12-31


def parse_dates(text: pd.Series, date1904: bool = False) -> tuple[pd.Series, pd.Series]:
    """Return (dates as datetime64, mask of non-empty cells that are not dates)."""
    text = text.astype("string")
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    present = text.notna() & (text.str.strip() != "")
    if not present.any():
        return dates, present
    # Fast path in C for what date cells and ISO text look like; the regex only sees the rest.
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f"):
        todo = present & dates.isna()
        if not todo.any():
            return dates, present & dates.isna()
        dates[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce").dt.floor("s").astype("datetime64[s]")
    todo = present & dates.isna()
    parts = text[todo].str.extract(_YMD)
    ymd = parts.dropna()
    if len(ymd):
        dates[ymd.index] = pd.to_datetime(
            {"year": ymd["year"].astype(int), "month": ymd["month"].astype(int), "day": ymd["day"].astype(int)},
            errors="coerce",
        ).astype("datetime64[s]")
    serials = text[present & dates.isna()].str.extract(_SERIAL)["serial"].dropna().astype(float)
    serials = serials[(serials >= 1) & (serials <= _LAST_SERIAL)]
    if len(serials):
        dates[serials.index] = serial_moments(serials, date1904)
    return dates, present & dates.isna()


def serial_moments(serials: pd.Series, date1904: bool) -> pd.Series:
    """Excel serial numbers as moments, to the second, exactly as calamine turns them into datetimes.

    fastexcel's typed read goes through calamine, so the text read must agree with it to the second:
    in the 1900 system a serial below 60 counts Excel's phantom 1900-02-29, the time of day is taken to
    the millisecond rounded half away from zero, and the moment is then cut to whole seconds.
    """
    days = serials + _DAYS_1900_TO_1904 if date1904 else serials.where(serials >= 60, serials + 1)
    milliseconds = np.floor(days.to_numpy(dtype="float64") * _MS_PER_DAY + 0.5).astype("int64")
    moments = _EPOCH_1900.to_datetime64().astype("datetime64[ms]") + milliseconds.astype("timedelta64[ms]")
    return pd.Series(moments, index=serials.index).dt.floor("s").astype("datetime64[s]")

