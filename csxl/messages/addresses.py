"""Where a customer can be reached: a mainland mobile number for SMS, an address for e-mail."""

from __future__ import annotations

import re

import pandas as pd

EMAIL, SMS = "email", "sms"
_SEPARATORS = re.compile(r"[\s\-()（）]")
MOBILE = re.compile(r"1[3-9]\d{9}")


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def mobile(phone) -> str | None:
    """The 11-digit mobile in a 手机 cell ('+86 138-0013-8000' → '13800138000'), or None (a landline, a typo, empty)."""
    digits = _SEPARATORS.sub("", _text(phone))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix):]
    return digits if MOBILE.fullmatch(digits) else None


def email(address) -> str | None:
    text = _text(address)
    return text if "@" in text else None


def address_for(medium: str, phone, address) -> str | None:
    return mobile(phone) if medium == SMS else email(address)
