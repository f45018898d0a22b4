"""The jobs every face (CLI, scheduler, Excel ribbon) runs: read, compute, write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .calendars.workdays import WorkCalendar
from .i18n import t
from .problems import Problem, problems_frame
from .rules import due_today
from .schema import DUE, PROBLEMS
from .search import search_customers
from .workbook.package import ensure_not_open
from .workbook.reader import Book, read_book
from .workbook.writer import write_generated


@dataclass
class DueResult:
    book: Book
    due: pd.DataFrame
    problems: list[Problem]


def compute_due(book: Book, today: dt.date) -> DueResult:
    calendar = WorkCalendar(book.workday_adjustments)
    due = due_today(book.frames, book.settings, today, calendar)
    problems = list(book.problems)
    for year in sorted(calendar.fallback_years):
        problems.append(Problem(book.sheet_name("workday_adjustments"), None, None, None, t("calendar_fallback", book.lang, year=year)))
    return DueResult(book, due, problems)


def check(path: Path, today: dt.date, progress=None) -> DueResult:
    return compute_due(read_book(path, progress), today)


def refresh(path: Path, today: dt.date, progress=None) -> tuple[DueResult, Path]:
    """Recompute and write the generated tabs; returns the result and the backup's path."""
    ensure_not_open(Path(path))  # refuse before doing any work
    result = check(path, today, progress)
    backup = write_generated(
        result.book.package,
        {DUE: result.due, PROBLEMS: problems_frame(result.problems)},
        result.book.lang,
    )
    return result, backup


def search(path: Path, text: str):
    book = read_book(path)
    return search_customers(book.frames["customers"], book.frames["vehicles"], text)
