"""The workbook open in Excel, through xlwings: the thin side of the seam, and the only one that needs Excel.

Reads each sheet's used range in one call (unsaved edits included) and writes
each generated tab in one call, then sets its formats.  Everything else —
reading cells into typed frames, the rules, the reports — is shared with the
file path.  Its tests run only where Excel runs (tests/test_excel.py).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import xlwings as xw

from ..schema import NUMERIC_TYPES, ColumnType
from ..workbook.sheetxml import DECIMALS
from ..workbook.styles import DATE_FORMAT, DATETIME_FORMAT, DECIMAL_FORMAT, PERCENT_FORMAT

_FORMATS = {ColumnType.DATE: DATE_FORMAT, ColumnType.DATETIME: DATETIME_FORMAT, ColumnType.PERCENT: PERCENT_FORMAT,
            ColumnType.DECIMAL: DECIMAL_FORMAT, ColumnType.TEXT: "@"}
_CHART_TYPES = {"line": "line_markers", "bar": "column_clustered"}


def _cell(value, kind: ColumnType):
    """A frame value as Excel takes it; text that looks like a formula stays text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind in (ColumnType.DATE, ColumnType.DATETIME):
        return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value if isinstance(value, dt.date) else None
    if kind in NUMERIC_TYPES:
        return round(float(value), DECIMALS)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class XlwingsBook:
    def __init__(self, book: xw.Book):
        self.book = book
        full = Path(book.fullname)
        self.path = full if full.is_absolute() and full.exists() else None

    @classmethod
    def caller(cls) -> XlwingsBook:
        return cls(xw.Book.caller())

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def sheet_rows(self, name: str) -> tuple[list[list], int]:
        used = self.book.sheets[name].used_range
        rows = used.options(ndim=2, err_to_str=True).value  # "#N/A", not None: the reader reports it
        return rows, used.row

    def date1904(self) -> bool:
        return bool(self.book.api.Date1904)

    def write_tabs(self, tabs: dict, lang: str, charts: dict) -> None:
        app = self.book.app
        screen, app.screen_updating = app.screen_updating, False
        try:
            for sheet, frame in tabs.items():
                self._write_tab(sheet, frame, lang, charts.get(sheet, []))
        finally:
            app.screen_updating = screen

    def _write_tab(self, sheet, frame, lang: str, charts: list) -> None:
        name = sheet.name(lang)
        names = self.sheet_names()
        found = next((n for n in names if n.strip().casefold() in {s.casefold() for s in sheet.spellings()}), None)
        ws = self.book.sheets[found] if found else self.book.sheets.add(name, after=self.book.sheets[-1])
        ws.clear()
        for chart in list(ws.charts):
            chart.delete()
        kinds = [c.type for c in sheet.columns]
        rows = [[_cell(v, k) for v, k in zip(record, kinds)] for record in frame[sheet.keys].itertuples(index=False)]
        ws.range("A1").value = [sheet.headers(lang), *rows]  # one call for the whole tab
        for index, column in enumerate(sheet.columns, start=1):
            if column.type in _FORMATS and rows:
                ws.range((2, index), (len(rows) + 1, index)).number_format = _FORMATS[column.type]
            ws.range((1, index)).column_width = column.width
        ws.range((1, 1), (1, len(kinds))).font.bold = True
        ws.range((1, 1), (1, len(kinds))).color = (221, 235, 247)
        setup = ws.api.PageSetup
        setup.Orientation, setup.PaperSize, setup.Zoom = 2, 9, False  # landscape, A4, fit instead of zoom
        setup.FitToPagesWide, setup.FitToPagesTall, setup.PrintTitleRows = 1, False, "$1:$1"
        for position, chart in enumerate(charts):
            self._add_chart(ws, sheet, chart, position, len(rows))

    def _add_chart(self, ws, sheet, chart, position: int, rows: int) -> None:
        left = ws.range((1, len(sheet.columns) + 2)).left
        drawn = ws.charts.add(left=left, top=position * 280, width=480, height=260)
        drawn.chart_type = _CHART_TYPES[chart.kind]
        drawn.api[1].HasTitle = True
        drawn.api[1].ChartTitle.Text = chart.title
        collection = drawn.api[1].SeriesCollection()
        for series in chart.series:
            letters = {key: index + 1 for index, key in enumerate(sheet.keys)}
            made = collection.NewSeries()
            made.Name = series.name
            made.XValues = ws.range((series.first_row + 2, letters[series.category_column]), (series.last_row + 2, letters[series.category_column])).api
            made.Values = ws.range((series.first_row + 2, letters[series.value_column]), (series.last_row + 2, letters[series.value_column])).api

    def show(self, sheet_name: str) -> None:
        if sheet_name in self.sheet_names():
            self.book.sheets[sheet_name].activate()

    def say(self, text: str, title: str = "") -> None:
        first_line = text.splitlines()[0] if text else ""
        self.book.app.status_bar = first_line[:250]
        if "\n" in text or len(text) > 60:
            self.book.app.alert(text, title=title or "客服助手")

    def ask(self, prompt: str, title: str = "") -> str | None:
        answer = self.book.app.api.InputBox(prompt, title or "客服助手", Type=2)
        return None if answer is False or answer == "" else str(answer)

    def confirm(self, question: str, title: str = "") -> bool:
        return self.book.app.alert(question, title=title or "客服助手", buttons="yes_no") == "yes"
