"""Phone numbers and e-mail addresses kept off screens and out of logs.

The log gets them replaced outright (it is kept for months on a shared PC); a
screen gets them masked the way Chinese service desks show them, 138****8000
and c***@example.com, which is enough to tell customers apart.  The workbook
itself is the place to read them whole.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")
_NOT_INSIDE = r"(?<![A-Za-z\d-])"  # not part of a VIN, an id or a date
_MOBILE = r"(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}"
_LANDLINE = r"0\d{2,3}-\d{7,8}"
PHONE = re.compile(_NOT_INSIDE + rf"({_MOBILE}|{_LANDLINE})(?![A-Za-z\d-])")
_LOG_PHONE = re.compile(_NOT_INSIDE + rf"(?:{_MOBILE}|{_LANDLINE}|\d{{7,}})(?![A-Za-z\d-])")  # and any long run of digits


def redact(text: str) -> str:
    """For the log: e-mail addresses and phone numbers replaced (dates, times and ids are shaped otherwise)."""
    return _LOG_PHONE.sub("[phone]", EMAIL.sub("[email]", text))


def _masked_phone(match: re.Match) -> str:
    number = match.group(1)
    digits = [i for i, ch in enumerate(number) if ch.isdigit()]
    hidden = set(digits[-8:-4])  # the four digits before the last four
    return "".join("*" if i in hidden else ch for i, ch in enumerate(number))


def mask(text: str) -> str:
    """For a screen: 138****8000, 0755-****5678, c***@example.com."""
    return PHONE.sub(_masked_phone, EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text))
