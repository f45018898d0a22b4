"""Worksheet functions Excel lacks, each a thin wrapper over csxl's core (macros/CsxlUdfs.bas calls them).

An error comes back as a short text in the cell, never as an exception dialog.
On Linux ``@xw.func`` only marks the function, so this module imports and is tested there.
"""

from __future__ import annotations

import datetime as dt
import functools
from time import monotonic

import xlwings as xw

from .. import clock

#: Every worksheet function; macros/CsxlUdfs.bas holds the VBA wrappers xlwings writes for them.
UDFS: list = []


def _udf(function):
    """``@xw.func`` (a mark xlwings reads when it writes the VBA wrapper), and listed in UDFS."""
    UDFS.append(function)
    return xw.func(function)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):  # a date cell Excel handed over as its serial
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    import pandas as pd

    from ..calendars.parsing import parse_dates

    parsed, bad = parse_dates(pd.Series([str(value)], dtype="string"))
    if bad.iloc[0] or pd.isna(parsed.iloc[0]):
        raise ValueError(f"不是日期：{value}")
    return parsed.iloc[0].date()


def _cell_errors(function):
    """A failing function returns '#CSXL! <reason>' (Excel shows it in the cell) instead of raising."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a worksheet function must not raise into Excel
            return f"#CSXL! {exc}"

    return wrapper


@_udf
@_cell_errors
def CSXL_WORKDAY(start, n):  # noqa: N802 - Excel's naming
    """The n-th Chinese working day after start (counting 调休 make-up days); n may be negative."""
    from ..calendars.workdays import WorkCalendar

    return workday(_as_date(start), int(n), WorkCalendar())


def workday(start: dt.date, n: int, calendar) -> dt.date:
    if n >= 0:
        return calendar.add_workdays(start, n)
    day, remaining = start, -n
    while remaining:
        day -= dt.timedelta(days=1)
        remaining -= calendar.is_workday(day)
    return day


@_udf
@_cell_errors
def CSXL_NEXT_BIRTHDAY(birthday, lunar=False):  # noqa: N802
    """The next birthday on or after today (lunar when lunar is TRUE or 是; Feb 29 → Feb 28 in common years)."""
    return next_birthday_from(_as_date(birthday), _is_yes(lunar), clock.today())


def _is_yes(value) -> bool:
    return value is True or str(value).strip().casefold() in ("是", "true", "yes", "1", "y", "农历")


def next_birthday_from(birthday: dt.date, lunar: bool, today: dt.date) -> dt.date:
    from ..rules.birthdays import next_birthday

    return next_birthday(birthday, lunar, today, 0, 400)


@_udf
@_cell_errors
def CSXL_LUNAR(day):  # noqa: N802
    """The lunar date of a solar date, e.g. 八月十五 (闰 for a leap month)."""
    from ..calendars.lunar import lunar_label, lunar_month_day

    return lunar_label(*lunar_month_day(_as_date(day)))


@_udf
@_cell_errors
def CSXL_DUE(vin, caller):  # noqa: N802
    """The next due item of a vehicle (kind and date) from the calling workbook's sheets."""
    data, upcoming = _workbook_items(caller.sheet.book, monotonic())
    return next_due(data, str(vin).strip(), clock.today(data.settings.timezone), upcoming)


# A column of CSXL_DUE cells is one recalculation: its calls come within moments of each other and share one
# read of the sheets and one run of the rules. A pause longer than this starts afresh (the sheets may have changed).
RECALCULATION_SECONDS = 2.0
_recent: dict[str, tuple[float, object, list]] = {}


def _workbook_items(book, now: float):
    from ..workbook.reader import read_values_book
    from .xlwings_book import XlwingsBook

    key = str(book.fullname)
    seen = _recent.get(key)
    if seen is not None and now - seen[0] < RECALCULATION_SECONDS:
        _recent[key] = (now, seen[1], seen[2])
        return seen[1], seen[2]
    adapter = XlwingsBook(book)
    data = read_values_book(adapter.path, adapter.sheet_names(), adapter.sheet_rows, adapter.date1904())
    upcoming = upcoming_items(data, clock.today(data.settings.timezone))
    _recent[key] = (now, data, upcoming)
    return data, upcoming


HORIZON_DAYS = (0, 7, 30)


def upcoming_items(data, today: dt.date) -> list:
    """The due rules' items as of today, in a week and in a month: where a car's next item is looked for, nearest first."""
    from ..calendars.workdays import WorkCalendar
    from ..rules import due_items

    calendar = WorkCalendar(data.workday_adjustments)
    return [due_items(data.frames, data.settings, today + dt.timedelta(days=d), calendar) for d in HORIZON_DAYS]


def next_due(data, vin: str, today: dt.date, upcoming: list | None = None) -> str:
    """The earliest open item of ``vin`` among the due rules' items of the next days, as 'kind date'."""
    for items in upcoming if upcoming is not None else upcoming_items(data, today):
        mine = items[items["vin"] == vin].sort_values("due_date")
        if len(mine):
            first = mine.iloc[0]
            return f"{first['kind']} {first['due_date']:%Y-%m-%d}"
    vehicles = data.frames["vehicles"]
    if not (vehicles["vin"] == vin).any():
        return "#CSXL! 找不到此车架号"
    return "无"
