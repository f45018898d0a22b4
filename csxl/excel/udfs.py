"""Worksheet functions Excel lacks, each a thin wrapper over csxl's core (macros/CsxlUdfs.bas calls them).

An error comes back as a short text in the cell, never as an exception dialog.
On Linux ``@xw.func`` only marks the function, so this module imports and is tested there.
"""

from __future__ import annotations

import datetime as dt
import functools

import xlwings as xw

from .. import clock


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


@xw.func
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


@xw.func
@_cell_errors
def CSXL_NEXT_BIRTHDAY(birthday, lunar=False):  # noqa: N802
    """The next birthday on or after today (lunar when lunar is TRUE or 是; Feb 29 → Feb 28 in common years)."""
    return next_birthday_from(_as_date(birthday), _is_yes(lunar), clock.today())


def _is_yes(value) -> bool:
    return value is True or str(value).strip().casefold() in ("是", "true", "yes", "1", "y", "农历")


def next_birthday_from(birthday: dt.date, lunar: bool, today: dt.date) -> dt.date:
    from ..rules.birthdays import next_birthday

    return next_birthday(birthday, lunar, today, 0, 400)


@xw.func
@_cell_errors
def CSXL_LUNAR(day):  # noqa: N802
    """The lunar date of a solar date, e.g. 八月十五 (闰 for a leap month)."""
    from ..calendars.lunar import lunar_label, lunar_month_day

    return lunar_label(*lunar_month_day(_as_date(day)))


@xw.func
@_cell_errors
def CSXL_DUE(vin, caller):  # noqa: N802
    """The next due item of a vehicle (kind and date) from the calling workbook's sheets."""
    from ..workbook.reader import read_values_book
    from .xlwings_book import XlwingsBook

    book = XlwingsBook(caller.sheet.book)
    data = read_values_book(book.path, book.sheet_names(), book.sheet_rows, book.date1904())
    return next_due(data, str(vin).strip(), clock.today(data.settings.timezone))


def next_due(data, vin: str, today: dt.date) -> str:
    """The earliest open item of ``vin`` among the due rules' items of the next days, as 'kind date'."""
    from ..calendars.workdays import WorkCalendar
    from ..rules import due_items

    horizon = [today + dt.timedelta(days=d) for d in (0, 7, 30)]
    for day in horizon:
        items = due_items(data.frames, data.settings, day, WorkCalendar(data.workday_adjustments))
        mine = items[items["vin"] == vin].sort_values("due_date")
        if len(mine):
            first = mine.iloc[0]
            return f"{first['kind']} {first['due_date']:%Y-%m-%d}"
    vehicles = data.frames["vehicles"]
    if not (vehicles["vin"] == vin).any():
        return "#CSXL! 找不到此车架号"
    return "无"
