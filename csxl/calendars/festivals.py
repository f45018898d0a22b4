"""The holidays that get a greeting, with lunar ones computed for any year."""

from __future__ import annotations

import datetime as dt

from .lunar import solar_of_lunar

GREETING_HOLIDAYS = ("元旦", "春节", "情人节", "劳动节", "中秋节", "国庆节")


def greeting_holidays(year: int) -> list[tuple[str, dt.date]]:
    """(name, date) of each greeting holiday falling in solar ``year``."""
    return [
        ("元旦", dt.date(year, 1, 1)),
        ("春节", solar_of_lunar(year, 1, 1)),
        ("情人节", dt.date(year, 2, 14)),
        ("劳动节", dt.date(year, 5, 1)),
        ("中秋节", solar_of_lunar(year, 8, 15)),
        ("国庆节", dt.date(year, 10, 1)),
    ]
