"""The workbook open in Excel, through xlwings: the thin side of the seam, and the only one that needs Excel.

Reads each sheet's used range in one call (unsaved edits included) and writes each
generated tab in one call. Excel parses a string written into a General cell as if
it were typed (2026-01 becomes a date, a phone number a number), so the formats go
on first: text columns are Text before their values arrive, dates and numbers
stay typed. Everything else — reading cells into typed frames, the rules, the
reports — is shared with the file path. Tested over `csxl.excel.double`, a stand-in
that behaves like Excel where this module depends on it (tests/test_excel_double.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..schema import NUMERIC_TYPES, ColumnType
from ..workbook.sheetxml import cell_texts, figures, wraps
from ..workbook.styles import DATE_FORMAT, DATETIME_FORMAT, DECIMAL_FORMAT, PERCENT_FORMAT
from ..workbook.writer import localised

log = logging.getLogger("csxl.excel")

TEXT_FORMAT = "@"
GENERAL_FORMAT = "General"
_FORMATS = {ColumnType.DATE: DATE_FORMAT, ColumnType.DATETIME: DATETIME_FORMAT, ColumnType.PERCENT: PERCENT_FORMAT,
            ColumnType.DECIMAL: DECIMAL_FORMAT, ColumnType.NUMBER: GENERAL_FORMAT, ColumnType.SCORE: GENERAL_FORMAT}
_CHART_TYPES = {"line": "line_markers", "bar": "column_clustered"}
_FORMULA_STARTS = ("=", "+", "-", "@")
_PAGE = {"Orientation": 2, "Zoom": False, "FitToPagesWide": 1, "FitToPagesTall": False, "PrintTitleRows": "$1:$1"}
_A4 = 9


def column_values(values: pd.Series, kind: ColumnType) -> list:
    """A frame column as Excel should hold it: the same values the file writer stores, blank where the frame has none."""
    if kind in (ColumnType.DATE, ColumnType.DATETIME):
        moments = pd.to_datetime(values, errors="coerce")
        moments = moments.dt.floor("D") if kind is ColumnType.DATE else moments.dt.round("s")
        return [None if pd.isna(m) else m.to_pydatetime() for m in moments]
    if kind in NUMERIC_TYPES:
        return [None if pd.isna(n) else float(n) for n in figures(values)]
    texts = cell_texts(pa.array(values.astype("string").to_numpy(dtype=object, na_value=None), pa.string())).to_pylist()
    # The apostrophe is Excel's own "this is text" mark, kept out of the value: belt and braces over the Text format.
    return [None if not t else "'" + t if t.startswith(_FORMULA_STARTS) or t.startswith("'") else t for t in texts]


def _format_runs(formats: list[str]):
    """(first, last, format) for each run of equal formats, so a column takes one call per run."""
    start = 0
    for index in range(1, len(formats) + 1):
        if index == len(formats) or formats[index] != formats[start]:
            yield start, index - 1, formats[start]
            start = index


def column_formats(sheet, frame: pd.DataFrame) -> list[list[str]]:
    """Per column, the number format of each data row: Text for text, the file writer's formats for the rest."""
    row_kinds = frame.attrs.get("row_kinds") or [ColumnType.DECIMAL] * len(frame)
    formats = []
    for column in sheet.columns:
        if column.type is ColumnType.FIGURE:
            formats.append([_FORMATS.get(kind, GENERAL_FORMAT) for kind in row_kinds])
        else:
            formats.append([_FORMATS.get(column.type, TEXT_FORMAT)] * len(frame))
    return formats


class XlwingsBook:
    """``quiet`` (the selftest): no dialogs — questions take ``answers`` in order (else cancel), yes/no is no,
    and the result stays in the status bar for the selftest to read."""

    def __init__(self, book, quiet: bool = False, answers: list | None = None):
        self.book = book
        self.quiet, self.answers = quiet, list(answers or [])
        full = Path(book.fullname)
        self.path = full if full.is_absolute() and full.exists() else None

    @classmethod
    def caller(cls, quiet: bool = False, answers: list | None = None) -> XlwingsBook:
        import xlwings as xw

        return cls(xw.Book.caller(), quiet, answers)

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
        spellings = {s.casefold() for s in sheet.spellings()}
        found = next((n for n in self.sheet_names() if n.strip().casefold() in spellings), None)
        ws = self.book.sheets[found] if found else self.book.sheets.add(name, after=self.book.sheets[-1])
        ws.clear()
        for chart in list(ws.charts):
            chart.delete()
        frame = localised(frame, sheet, lang)  # choices in the tab's language, as the file writer writes them
        widths = [column.width_for(lang) for column in sheet.columns]
        width = len(sheet.columns)
        ws.range((1, 1), (1, width)).number_format = TEXT_FORMAT  # headers are text too
        for index, formats in enumerate(column_formats(sheet, frame), start=1):
            for first, last, fmt in _format_runs(formats):
                ws.range((first + 2, index), (last + 2, index)).number_format = fmt
        long_text = [index for index, column in enumerate(sheet.columns, start=1) if wraps(column.type, widths[index - 1])]
        for index in long_text:  # as the file writer does: a long note grows down, the printed page stays one wide
            ws.range((2, index), (max(2, len(frame) + 1), index)).wrap_text = True
        columns = [column_values(frame[key], column.type) for key, column in zip(sheet.keys, sheet.columns)]
        ws.range("A1").value = [sheet.headers(lang), *(list(row) for row in zip(*columns))]  # one call for the whole tab
        if long_text and len(frame):
            ws.range((2, 1), (len(frame) + 1, width)).rows.autofit()
        for index, column_width in enumerate(widths, start=1):
            ws.range((1, index)).column_width = column_width
        ws.range((1, 1), (1, width)).font.bold = True
        ws.range((1, 1), (1, width)).color = (221, 235, 247)
        self._page_setup(ws)
        for position, chart in enumerate(charts):
            self._add_chart(ws, sheet, chart, position)

    def _page_setup(self, ws) -> None:
        """A4 landscape, one page wide; a PC with no printer (or a slow driver) must not stop the refresh."""
        app = self.book.app.api
        try:
            app.PrintCommunication = False  # one round trip to the printer driver instead of one per property
        except Exception:  # noqa: BLE001 - older Excel has no PrintCommunication
            pass
        try:
            setup = ws.api.PageSetup
            for attribute, value in _PAGE.items():
                setattr(setup, attribute, value)
            try:
                setup.PaperSize = _A4
            except Exception as exc:  # noqa: BLE001 - no default printer: the paper stays as Excel has it
                log.warning("page setup of %s: paper size not set (%s)", ws.name, exc)
        except Exception as exc:  # noqa: BLE001
            log.warning("page setup of %s skipped (%s)", ws.name, exc)
        finally:
            try:
                app.PrintCommunication = True
            except Exception:  # noqa: BLE001
                pass

    def _add_chart(self, ws, sheet, chart, position: int) -> None:
        left = ws.range((1, len(sheet.columns) + 2)).left
        drawn = ws.charts.add(left=left, top=position * 280, width=480, height=260)
        drawn.chart_type = _CHART_TYPES[chart.kind]
        collection = drawn.api[1].SeriesCollection()
        letters = {key: index + 1 for index, key in enumerate(sheet.keys)}
        for series in chart.series:
            made = collection.NewSeries()
            made.Name = series.name
            made.XValues = ws.range((series.first_row + 2, letters[series.category_column]), (series.last_row + 2, letters[series.category_column])).api
            made.Values = ws.range((series.first_row + 2, letters[series.value_column]), (series.last_row + 2, letters[series.value_column])).api
        if chart.series:  # Excel refuses a title on a chart with no series
            drawn.title = chart.title

    def show(self, sheet_name: str) -> None:
        if sheet_name in self.sheet_names():
            self.book.sheets[sheet_name].activate()

    def working(self, text: str) -> None:
        self.book.app.status_bar = text

    def say(self, text: str, title: str = "") -> None:
        if self.quiet:
            self.book.app.status_bar = text
            return
        self.book.app.status_bar = False  # hand the status bar back to Excel: a stale line would stay all day
        self.book.app.alert(text, title=title or "客服助手")

    def ask(self, prompt: str, title: str = "") -> str | None:
        if self.quiet:
            return self.answers.pop(0) if self.answers else None
        answer = self.book.app.api.InputBox(prompt, title or "客服助手", Type=2)
        return None if answer is False or answer == "" else str(answer)

    def confirm(self, question: str, title: str = "") -> bool:
        if self.quiet:
            return False
        return self.book.app.alert(question, title=title or "客服助手", buttons="yes_no") == "yes"
