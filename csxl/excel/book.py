"""The one seam between the ribbon's actions and a workbook: read a sheet's cells, write a generated tab, talk to the clerk.

Two adapters implement it: `XlwingsBook` (the workbook open in Excel, its
unsaved edits included) and `FileBook` (an .xlsx file, through the same reader
and writer as the command line), which is what the tests drive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class BookAdapter(Protocol):
    #: the workbook's file, if it has one (the journal, the outbox and the lock live beside it)
    path: Path | None

    def sheet_names(self) -> list[str]: ...

    def sheet_rows(self, name: str) -> tuple[list[list], int]:
        """The sheet's used range as rows of Python values, and the Excel row number of its first row."""

    def date1904(self) -> bool: ...

    def write_tabs(self, tabs: dict, lang: str, charts: dict) -> None:
        """Replace (or add) the generated tabs, one bulk write each, with their formats and charts."""

    def show(self, sheet_name: str) -> None:
        """Bring a tab to the front."""

    def working(self, text: str) -> None:
        """Show what is under way (Excel's status bar) until ``say`` gives the result."""

    def say(self, text: str, title: str = "") -> None:
        """Tell the clerk the result (a message box; the status bar goes back to Excel)."""

    def ask(self, prompt: str, title: str = "") -> str | None:
        """Ask for a line of text; None when the clerk cancels."""

    def confirm(self, question: str, title: str = "") -> bool:
        """Ask yes or no."""


class FileBook:
    """An .xlsx file as the ribbon would see it; what the clerk is told is kept in ``said``, answers come from ``answers``."""

    def __init__(self, path: Path, answers: list | None = None):
        self.path = Path(path)
        self.answers = list(answers or [])
        self.said: list[str] = []
        self.shown: str | None = None
        self.status: str | None = None

    def sheet_names(self) -> list[str]:
        from ..workbook.package import Package

        return [e.name for e in Package(self.path).sheets]

    def sheet_rows(self, name: str) -> tuple[list[list], int]:
        import openpyxl

        book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            sheet = book[name]
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            return rows, sheet.min_row or 1
        finally:
            book.close()

    def date1904(self) -> bool:
        from ..workbook.package import Package

        return Package(self.path).date1904

    def write_tabs(self, tabs: dict, lang: str, charts: dict) -> None:
        from ..workbook.package import Package
        from ..workbook.writer import write_generated

        write_generated(Package(self.path), tabs, lang, charts)

    def show(self, sheet_name: str) -> None:
        self.shown = sheet_name

    def working(self, text: str) -> None:
        self.status = text

    def say(self, text: str, title: str = "") -> None:
        self.status = None
        self.said.append(text)

    def ask(self, prompt: str, title: str = "") -> str | None:
        self.said.append(prompt)
        return self.answers.pop(0) if self.answers else None

    def confirm(self, question: str, title: str = "") -> bool:
        self.said.append(question)
        return bool(self.answers.pop(0)) if self.answers else False
