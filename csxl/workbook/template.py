"""Build a new, empty workbook from the schema (``csxl init`` and ``workbooks/``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from ..errors import BadFileName, WorkbookExists
from ..messages.templates import default_rows
from ..printouts.call_scripts import default_rows as default_script_rows
from ..schema import CALL_SCRIPTS, SETTINGS, SHEET_ORDER, TEMPLATES, ColumnType, Sheet, choice_label
from ..settings import Settings

LAST_ROW = 1_048_575  # zero-based index of Excel's last row
_FIXED_TIMESTAMP = dt.datetime(2026, 1, 1)  # keeps the template byte-stable between builds
HEADER_COLOR = "#DDEBF7"
REQUIRED_COLOR = "#F8CBAD"
GENERATED_COLOR = "#E2EFDA"
FOOTER = {"zh": "&L&A&R第 &P 页，共 &N 页", "en": "&L&A&RPage &P of &N"}



class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        base = {"bold": True, "border": 1, "valign": "vcenter"}
        self.header = book.add_format({**base, "bg_color": HEADER_COLOR})
        self.required = book.add_format({**base, "bg_color": REQUIRED_COLOR})
        self.generated = book.add_format({**base, "bg_color": GENERATED_COLOR})
        self.text = book.add_format({"num_format": "@"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.text_wrap = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})


def _column_format(formats: _Formats, kind: ColumnType, width: int):
    if kind is ColumnType.DATE:
        return formats.date
    if kind in (ColumnType.NUMBER, ColumnType.SCORE):
        return None
    if width >= 60:
        return formats.text_wrap
    return formats.text  # ids and phone numbers stay text when typed in Excel


def _write_sheet(book: xlsxwriter.Workbook, formats: _Formats, sheet: Sheet, lang: str):
    ws = book.add_worksheet(sheet.name(lang))
    ws.freeze_panes(1, 0)
    # Printing: A4 landscape, one page wide, the header row on every page, sheet name and page in the footer.
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_footer(FOOTER[lang])
    for index, column in enumerate(sheet.columns):
        header_format = formats.generated if sheet.generated else formats.required if column.required else formats.header
        ws.write_string(0, index, column.header(lang), header_format)
        ws.set_column(index, index, column.width_for(lang), None if sheet.generated else _column_format(formats, column.type, column.width))
        if column.help_zh and lang == "zh":
            ws.write_comment(0, index, column.help_zh)
        if column.choices and not sheet.generated:
            labels = [c.zh if lang == "zh" else c.en for c in column.choices]
            ws.data_validation(1, index, LAST_ROW, index, {
                "validate": "list",
                "source": labels,
                "error_type": "warning",
                "error_title": column.header(lang),
                "error_message": ("请从下拉列表中选择：" if lang == "zh" else "Choose from the list: ") + "/".join(labels),
            })
        elif column.type is ColumnType.SCORE and not sheet.generated:
            ws.data_validation(1, index, LAST_ROW, index, {
                "validate": "integer", "criteria": "between", "minimum": 1, "maximum": 10, "error_type": "warning",
            })
    return ws


def _fill_settings(ws, formats: _Formats, lang: str, chosen: dict[str, str]) -> None:
    defaults = Settings()
    for row, entry in enumerate(Settings.entries(), start=1):
        ws.write_string(row, 0, entry.metadata["zh"] if lang == "zh" else entry.name)
        value = getattr(defaults, entry.name)
        if entry.name in chosen:
            value = chosen[entry.name]
        elif entry.name == "lang":
            value = lang
        elif lang != "zh" and entry.metadata.get("default_en"):
            value = entry.metadata["default_en"]
        ws.write_string(row, 1, str(value), formats.text)
        ws.write_string(row, 2, entry.metadata["help_zh" if lang == "zh" else "help_en"], formats.wrap)


def _write_rows(ws, formats: _Formats, sheet: Sheet, rows: list[dict], lang: str = "zh") -> None:
    """Rows as a clerk would have typed them: dates as Excel dates, choices in the workbook's language, the rest as given."""
    for r, record in enumerate(rows, start=1):
        lines = max([str(record.get(c.key) or "").count("\n") + 1 for c in sheet.columns if c.width >= 60] or [1])
        if lines > 1:
            ws.set_row(r, 15 * lines)  # a clerk sees the whole template text, not its first line
        for c, column in enumerate(sheet.columns):
            value = record.get(column.key)
            if value is None or value == "":
                continue
            if column.choices and isinstance(value, str):
                value = choice_label(column.choices, value, lang)
            if isinstance(value, (dt.date, dt.datetime)):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()) if not isinstance(value, dt.datetime) else value, formats.date)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))


def build_template(
    path: Path, lang: str = "zh", overwrite: bool = False, rows: dict[str, list[dict]] | None = None, constant_memory: bool = False,
    settings: dict[str, str] | None = None,
) -> Path:
    """A new workbook with every sheet; ``rows`` (per sheet key) fills input sheets, for the demo, tests and benchmarks;
    ``settings`` (by `Settings` field name) replaces defaults on 设置."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise BadFileName(path)
    if path.exists() and not overwrite:
        raise WorkbookExists(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    book.set_properties({"title": "csxl 客服台账" if lang == "zh" else "csxl customer-service workbook", "created": _FIXED_TIMESTAMP})
    formats = _Formats(book)
    for sheet in SHEET_ORDER:
        ws = _write_sheet(book, formats, sheet, lang)
        if sheet is SETTINGS:
            _fill_settings(ws, formats, lang, settings or {})
        elif sheet is TEMPLATES:
            _write_rows(ws, formats, sheet, (rows or {}).get(sheet.key, default_rows(lang)), lang)
        elif sheet is CALL_SCRIPTS:
            _write_rows(ws, formats, sheet, (rows or {}).get(sheet.key, default_script_rows()), lang)
        elif rows and sheet.key in rows:
            _write_rows(ws, formats, sheet, rows[sheet.key], lang)
    book.close()
    return path


def build_report_shell(path: Path, sheets: tuple[Sheet, ...], lang: str, title: str) -> Path:
    """An empty workbook holding just ``sheets`` (in order), for the writer to fill like any generated tab."""
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": title, "created": _FIXED_TIMESTAMP})
    for sheet in sheets:
        book.add_worksheet(sheet.name(lang))
    book.close()
    return Path(path)
