"""Read the workbook's sheets into typed DataFrames, reporting every value it cannot use.

fastexcel (calamine, in Rust) reads each sheet into Arrow: an input sheet's
date and number columns with their types, every other column as text so that
phone numbers and ids keep their digits as written (`typedread`); a cell that
is not of its column's type keeps its text, and the conversion here treats it
exactly as if the whole sheet had been read as text.  Nothing in this module
raises on bad data: a bad value becomes a `Problem` and an empty cell, a row
missing a required value is left out of the computation and reported.
"""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..frameops import with_a_chunk
from ..i18n import t
from ..problems import Problem
from ..schema import CONFIG_SHEETS, INPUT_SHEETS, ROW, SENT_LOG, SETTINGS, SHEETS, VISITS, Column, ColumnType, Sheet
from ..settings import Settings, parse_settings
from .convert import as_strings, is_plain_number, number_text, to_choices, to_dates, to_numbers, trimmed, typed_dates, typed_numbers
from .hiddencells import BOOLEAN, ERROR, EXCEL_ERRORS, HiddenCell, first_used_column, hidden_cells
from .package import Package
from .typedread import NeedsText, OddCells, check_moments, check_numbers, load_typed, odd_cells_by, typed_columns
from .validate import validate
from .writer import find_sheet, find_sheet_name

log = logging.getLogger("csxl.reader")



@dataclass
class Book:
    """A workbook as read: typed frames per sheet key, the problems found, the settings."""

    path: Path | None  # None for a workbook open in Excel that was never saved
    package: Package | None  # the file's structure; None when read from an open workbook's cells
    frames: dict[str, pd.DataFrame]
    problems: list[Problem]
    settings: Settings
    workday_adjustments: dict[dt.date, bool] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)
    unusable: set[str] = field(default_factory=set)  # input sheets missing, or missing a required column

    @property
    def lang(self) -> str:
        return self.settings.lang

    def sheet_name(self, key: str) -> str:
        return self.sheet_names.get(key, key)


def _empty(sheet: Sheet) -> pd.DataFrame:
    frame = pd.DataFrame({c.key: pd.Series(dtype=_dtype(c)) for c in sheet.columns})
    frame[ROW] = pd.Series(dtype="int64")
    return frame


def _dtype(column: Column) -> str:
    if column.type in (ColumnType.DATE, ColumnType.DATETIME):
        return "datetime64[s]"
    if column.type in (ColumnType.NUMBER, ColumnType.SCORE):
        return "float64"
    return "string"


class _SheetReader:
    def __init__(self, sheet: Sheet, name: str, lang: str, date1904: bool):
        self.sheet, self.name, self.lang, self.date1904 = sheet, name, lang, date1904
        self.problems: list[Problem] = []
        self.unusable = False
        self._bad: dict[str, pd.Series] = {}  # cells whose value was reported as unusable

    def problem(self, row, column, value, message_id, suffix: str = "", **params):
        message = t(message_id, self.lang, **params) + suffix
        self.problems.append(Problem(self.name, None if row is None else int(row), column, value, message))

    def read(self, table: pa.Table, header_row: int, hidden: list[HiddenCell] = (), odd: dict[str, OddCells] | None = None) -> pd.DataFrame:
        """Typed rows of a sheet read as text, or with the schema's types; ``header_row`` is the Excel row number of its header.

        ``hidden`` are the cells read as empty that hold an error or an uncalculated formula, and the booleans,
        their columns counted from the table's first column; ``odd`` the typed columns' cells that were not of
        their type (`typedread.load_typed`).  Raises `NeedsText` where only the text read can tell.
        """
        headers = self._match_headers(table.column_names)
        self._report_duplicate_headers(table.column_names, headers, header_row)
        missing = [c for c in self.sheet.columns if c.required and c.key not in headers]
        if missing:
            strangers = [h for h in table.column_names if h not in headers.values() and not str(h).startswith("__UNNAMED__")]
            for column in missing:
                wanted = column.header(self.lang)
                hint = closest(wanted, strangers)
                suffix = t("did_you_mean_column", self.lang, found=hint, name=wanted) if hint else ""
                self.problem(header_row, wanted, None, "missing_column", suffix=suffix, name=column.zh if self.lang == "zh" else column.key)
            self.unusable = True
            return _empty(self.sheet)
        blank = _TextCells(pa.nulls(table.num_rows, pa.string()))
        booleans = _booleans_by_column(hidden, table.column_names, header_row)
        cells = {
            c.key: self._cells(table, headers[c.key], c, (odd or {}).get(headers[c.key]), booleans.get(headers[c.key]))
            if c.key in headers else blank
            for c in self.sheet.columns
        }
        rows = np.arange(header_row + 1, header_row + 1 + table.num_rows, dtype="int64")
        # Rows with nothing in any of csxl's columns are not records (a blank row, a total line beside the table).
        present = np.zeros(table.num_rows, dtype=bool)
        for column_cells in cells.values():
            present |= column_cells.present()
        if not present.all():
            cells = {key: column_cells.filter(present) for key, column_cells in cells.items()}
            rows = rows[present]
        frame = pd.DataFrame(index=pd.RangeIndex(len(rows)))
        empty: dict[str, np.ndarray] = {}
        for column in self.sheet.columns:
            label = headers.get(column.key, column.header(self.lang))
            frame[column.key] = self._convert(cells[column.key], rows, column, label)
            empty[column.key] = ~cells[column.key].present() if column.required else None
        frame[ROW] = rows
        self._report_hidden(hidden, table.column_names, headers, header_row, rows)
        usable = np.ones(len(frame), dtype=bool)
        for column in (c for c in self.sheet.columns if c.required):
            unreported = empty[column.key] & ~self._bad[column.key]
            for row in rows[unreported]:
                self.problem(row, headers[column.key], None, "missing_required")
            usable &= ~empty[column.key] & ~self._bad[column.key]
        return with_a_chunk(frame[usable].reset_index(drop=True))

    def _cells(self, table: pa.Table, header: str, column: Column, odd: OddCells | None, booleans: OddCells | None):
        values = table.column(header)
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type) or pa.types.is_null(values.type):
            return _TextCells(trimmed(values))
        typed_as_asked = header in column.spellings() and (
            pa.types.is_timestamp(values.type) if column.type in (ColumnType.DATE, ColumnType.DATETIME)
            else pa.types.is_floating(values.type) and column.type in (ColumnType.NUMBER, ColumnType.SCORE))
        if not typed_as_asked:
            raise NeedsText(f"a column typed {values.type} by inference")  # a header spelt otherwise
        odd = odd or OddCells(np.zeros(0, dtype="int64"), pa.array([], pa.string()))
        if booleans is not None and column.type in (ColumnType.NUMBER, ColumnType.SCORE):  # TRUE reads as 1.0 there
            odd = OddCells(np.concatenate([odd.offsets, booleans.offsets]), pa.concat_arrays([odd.texts, booleans.texts]))
        order = np.argsort(odd.offsets, kind="stable")
        return _TypedCells(values.combine_chunks(), OddCells(odd.offsets[order], trimmed(odd.texts.take(pa.array(order)))))

    def _report_hidden(self, hidden, names: list[str], headers: dict[str, str], header_row: int, rows: np.ndarray) -> None:
        """Each error cell or uncalculated formula in one of csxl's columns is a problem, and unusable."""
        key_of = {header: key for key, header in headers.items()}
        required = {c.key for c in self.sheet.columns if c.required}
        rows_of: dict[str, list[int]] = {}
        for cell in hidden:
            if cell.kind == BOOLEAN or cell.row <= header_row or not 0 <= cell.column < len(names) or names[cell.column] not in key_of:
                continue
            key = key_of[names[cell.column]]
            message = "error_cell" if cell.kind == ERROR else "uncalculated_formula"
            self.problem(cell.row, names[cell.column], cell.value, message, suffix=t("row_not_used", self.lang) if key in required else "", error=cell.value)
            rows_of.setdefault(key, []).append(cell.row)
        for key, bad_rows in rows_of.items():  # once per column: a whole column of #N/A is common (a failed VLOOKUP)
            self._bad[key] = self._bad[key] | np.isin(rows, bad_rows)

    def _report_duplicate_headers(self, names: list[str], headers: dict[str, str], header_row: int) -> None:
        """A second column under one of csxl's headers is never read: say so once, on the header row."""
        matched = set(headers.values())
        for name in names:
            base, _, number = str(name).rpartition("_")
            if number.isdigit() and base in matched:  # readers name a repeated header 生日_1, 生日_2
                self.problem(header_row, base, base, "duplicate_column", name=base)

    def _match_headers(self, found: list[str]) -> dict[str, str]:
        by_spelling = {s.casefold(): c.key for c in self.sheet.columns for s in c.spellings()}
        headers: dict[str, str] = {}
        for header in found:
            key = by_spelling.get(str(header).strip().casefold())
            if key and key not in headers:
                headers[key] = header
        return headers

    def _convert(self, cells: _TextCells | _TypedCells, rows: np.ndarray, column: Column, label: str):
        if column.type is ColumnType.TEXT:
            self._bad[column.key] = np.zeros(len(rows), dtype=bool)
            return as_strings(cells.text)
        params = {}
        if column.type in (ColumnType.DATE, ColumnType.DATETIME):
            if isinstance(cells, _TypedCells):
                check_moments(cells.values)
                values, bad = typed_dates(cells.values, cells.odd, self.date1904)
            else:
                values, bad = to_dates(cells.text, self.date1904)
            message = "bad_date"
        elif column.type in (ColumnType.NUMBER, ColumnType.SCORE):
            if isinstance(cells, _TypedCells):
                check_numbers(cells.values)
                values, bad = typed_numbers(cells.values, cells.odd)
            else:
                values, bad = to_numbers(cells.text)
            if column.type is ColumnType.SCORE:
                out_of_range = ~np.isnan(values) & ((values < 1) | (values > 10) | (values != np.round(values)))
                read_as, values = values, np.where(out_of_range, np.nan, values)
                bad = bad | out_of_range
                message = "bad_score"
            else:
                message = "bad_number"
        else:
            spellings = {s.casefold(): c.zh for c in column.choices for s in c.spellings()}
            values, bad = to_choices(cells.text, spellings)
            if column.type is ColumnType.YESNO and column.blank_means_no:
                values = values.fillna("否")
            message = "bad_choice"
            params = {"allowed": "/".join(c.zh if self.lang == "zh" else c.en for c in column.choices)}
        suffix = t("row_not_used", self.lang) if column.required else ""
        if bad.any():
            quoted = cells.texts_at(bad)
            if column.type is ColumnType.SCORE:  # a typed read knows a number's value, not how it was written
                quoted = [number_text(number) if text is None or (is_plain_number(text) and not np.isnan(number)) else text
                          for text, number in zip(quoted, read_as[bad])]
            for row, value in zip(rows[bad], quoted):
                self.problem(row, label, value, message, suffix=suffix, **params)
        # A required value that is unusable leaves the row out, like an empty one (reported once, as unusable).
        self._bad[column.key] = bad
        return values


@dataclass
class _TextCells:
    """A column read as text (trimmed, empty as null)."""

    text: pa.Array

    def present(self) -> np.ndarray:
        return _valid(self.text)

    def filter(self, keep: np.ndarray) -> _TextCells:
        return _TextCells(self.text.filter(pa.array(keep)))

    def texts_at(self, mask: np.ndarray) -> list[str]:
        return self.text.filter(pa.array(mask)).to_pylist()


@dataclass
class _TypedCells:
    """A column read with its type, and its cells that were not of it (their text trimmed)."""

    values: pa.Array
    odd: OddCells

    def present(self) -> np.ndarray:
        present = _valid(self.values)
        present[self.odd.offsets] = _valid(self.odd.texts)
        return present

    def filter(self, keep: np.ndarray) -> _TypedCells:
        offsets_after = np.cumsum(keep) - 1
        kept = keep[self.odd.offsets]
        return _TypedCells(self.values.filter(pa.array(keep)),
                           OddCells(offsets_after[self.odd.offsets[kept]], self.odd.texts.filter(pa.array(kept))))

    def texts_at(self, mask: np.ndarray) -> list[str | None]:
        """The text of the cells under ``mask``; None for a cell read as a value of the column's type."""
        text_of = dict(zip(self.odd.offsets.tolist(), self.odd.texts.to_pylist()))  # odd cells are few
        return [text_of.get(position) for position in np.flatnonzero(mask).tolist()]


def _valid(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.is_valid(array)).copy()


def _booleans_by_column(hidden: list[HiddenCell], names: list[str], header_row: int) -> dict[str, OddCells]:
    """The boolean cells below the header, per column name, as row offsets and the text a reader gives them."""
    return odd_cells_by((names[cell.column], cell.row - header_row - 1, cell.value) for cell in hidden
                        if cell.kind == BOOLEAN and cell.row > header_row and 0 <= cell.column < len(names))


def frames_from_records(records: dict[str, list[dict]], lang: str = "zh") -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Typed frames from plain records (as if typed into the sheets), converted exactly as a workbook is read."""
    frames, problems = {}, []
    for sheet in (*CONFIG_SHEETS, *INPUT_SHEETS):
        rows = records.get(sheet.key, [])
        raw = pa.table({c.header(lang): pa.array([_as_text(r.get(c.key)) for r in rows], pa.string()) for c in sheet.columns})
        sheet_reader = _SheetReader(sheet, sheet.name(lang), lang, date1904=False)
        frames[sheet.key] = sheet_reader.read(raw, header_row=1)
        problems.extend(sheet_reader.problems)
    names = {s.key: s.name(lang) for s in (*CONFIG_SHEETS, *INPUT_SHEETS)}
    frames, more = validate(frames, names, lang)
    return frames, problems + more


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _load_raw(reader: fastexcel.ExcelReader, name: str) -> pa.Table:
    return reader.load_sheet_by_name(name, header_row=0, dtypes="string").to_arrow()


def _load(reader: fastexcel.ExcelReader, name: str, sheet: Sheet | None) -> tuple[pa.Table, dict[str, OddCells] | None]:
    """The sheet's table: with the schema's types where ``sheet`` has typed columns, else (or where only text can tell) as text."""
    if sheet is not None and typed_columns(sheet):
        try:
            return load_typed(reader, name, sheet)
        except NeedsText as reason:
            log.info("%s: read as text (%s)", name, reason)
    return _load_raw(reader, name), None


def _loader(package: Package, big: Sheet, sheet_of, threads: bool = True):
    """Load the ``big`` sheet (a million visits) on a reader of its own in a worker thread, while the rest load here.

    calamine releases the GIL while it parses, so on two cores the other sheets
    are read and converted in the time the big one takes.  Returns a function
    that gives a sheet's table (`_load`), typed as ``sheet_of(name)`` says (None:
    as text), or as text when asked.  Without ``threads``, everything loads here.
    """
    entry = find_sheet(package, big)
    reader = fastexcel.read_excel(str(package.path))
    if entry is None or not threads:
        return lambda name, as_text=False: _load(reader, name, None if as_text else sheet_of(name))
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csxl-read")
    loaded: dict[str, tuple] = {}  # handed over once: a Future's result would keep the raw million rows alive until the read ends

    def load_big() -> None:
        loaded[entry.name] = _load(fastexcel.read_excel(str(package.path)), entry.name, sheet_of(entry.name))

    pending = pool.submit(load_big)
    pool.shutdown(wait=False)

    def table(name: str, as_text: bool = False):
        if name != entry.name or as_text:
            return _load(reader, name, None if as_text else sheet_of(name))
        pending.result()
        return loaded.pop(name)

    return table


def _hidden_cells_of(package: Package, part: str) -> list[HiddenCell]:
    """The sheet's hidden cells, their columns counted from the first column a reader's table has."""
    try:
        found = hidden_cells(package.path, part)
        first = first_used_column(package.path, part) if found else 0
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError):
        return []  # a damaged part: the read itself reports it, or reads what calamine could
    return [HiddenCell(c.row, c.column - first, c.value, c.kind) for c in found]


def _scanner(package: Package, parts: dict[str, str], threads: bool = True):
    """Scan the sheets csxl reads (``parts``: sheet name → part) for hidden cells in a worker thread (zlib inflates
    without the GIL); without ``threads``, each when it is asked for."""
    wanted = [n for s in (*CONFIG_SHEETS, *INPUT_SHEETS) if (n := find_sheet_name(list(parts), s))]
    if not threads:
        return lambda name: _hidden_cells_of(package, parts[name]) if name in wanted else []
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csxl-scan")
    pending = {name: pool.submit(_hidden_cells_of, package, parts[name]) for name in wanted}
    pool.shutdown(wait=False)
    return lambda name: pending[name].result() if name in pending else []


def read_book(path: Path, progress=None, threads: bool = True, typed: bool = True) -> Book:
    """Read every sheet csxl knows from the file; ``progress`` is called with each sheet's name as it is read.

    ``threads=False`` reads on this thread only: for a caller that already reads one workbook per core.
    ``typed=False`` reads every cell as text: what the typed read must equal, cell for cell.
    """
    package = Package(path)
    parts = {e.name: e.part for e in package.sheets}
    # A 1904 workbook is read as text: calamine counts a bare number in a date column from 1900 there.
    typed_sheets = {n: s for s in INPUT_SHEETS if (n := find_sheet_name(list(parts), s))} if typed and not package.date1904 else {}
    load = _loader(package, VISITS, typed_sheets.get, threads)
    hidden = _scanner(package, parts, threads)

    def table_of(name: str, as_text: bool = False) -> tuple[pa.Table, int, list[HiddenCell], dict[str, OddCells] | None]:
        table, odd = load(name, as_text)
        return table, package.first_value_row(parts[name]), hidden(name), odd

    return _read(package.path, package, [e.name for e in package.sheets], table_of, package.date1904, progress)


def read_values_book(path: Path | None, names: list[str], rows_of, date1904: bool = False, progress=None) -> Book:
    """Read every sheet csxl knows from raw cell values (an open workbook's used ranges), exactly as a file is read.

    ``rows_of(name)`` gives a sheet's rows of Python values (str, float, int, bool, datetime, None) and the
    Excel row number of the first of them.
    """

    def table_of(name: str, as_text: bool = False) -> tuple[pa.Table, int, list[HiddenCell], None]:
        rows, first_row = rows_of(name)
        return *values_table(rows, first_row), None

    return _read(Path(path) if path else None, None, names, table_of, date1904, progress)


def _cell_text(value) -> str | None:
    """A cell as text, the way fastexcel gives it: dates as 2026-01-04 00:00:00, whole numbers without .0."""
    if value is None or value == "" or value in EXCEL_ERRORS:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d 00:00:00")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def values_table(rows: list[list], first_row: int = 1) -> tuple[pa.Table, int, list[HiddenCell]]:
    """(a table of text cells with the first non-empty row as its header, that header's Excel row number,
    the error cells: Excel gives them as their text, ``#N/A``)."""
    start = next((i for i, row in enumerate(rows) if any(_cell_text(v) is not None for v in row)), None)
    if start is None:
        return pa.table({}), first_row, []
    width = max(len(row) for row in rows[start:])
    header = list(rows[start]) + [None] * (width - len(rows[start]))
    names, seen = [], set()
    for index, value in enumerate(header):
        name = base = _cell_text(value) or f"__UNNAMED__{index}"
        repeat = 0
        while name in seen:  # as fastexcel names a repeated header: 生日, 生日_1, 生日_2
            repeat += 1
            name = f"{base}_{repeat}"
        seen.add(name)
        names.append(name)
    body = [list(row) + [None] * (width - len(row)) for row in rows[start + 1:]]
    columns = {name: pa.array([_cell_text(row[i]) for row in body], pa.string()) for i, name in enumerate(names)}
    errors = [
        HiddenCell(first_row + start + 1 + r, c, value, ERROR)
        for r, row in enumerate(body) for c, value in enumerate(row) if isinstance(value, str) and value in EXCEL_ERRORS
    ]
    return pa.table(columns), first_row + start, errors


def _read(path: Path | None, package: Package | None, names: list[str], table_of, date1904: bool, progress) -> Book:
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    sheet_names: dict[str, str] = {}
    unusable: set[str] = set()
    settings = Settings()
    lang = settings.lang
    known = {n for s in SHEETS.values() if (n := find_sheet_name(names, s))}
    strangers = [n for n in names if n not in known]

    for sheet in (*CONFIG_SHEETS, *INPUT_SHEETS):  # settings first: they name the language
        if progress:
            progress(sheet.zh)
        name = find_sheet_name(names, sheet)
        if name is None:
            sheet_names[sheet.key] = sheet.name(lang)
            if sheet not in CONFIG_SHEETS:
                hint = closest(sheet.name(lang), strangers)
                message = t("missing_sheet", lang, name=sheet.name(lang))
                message += t("did_you_mean_sheet", lang, found=hint, name=sheet.name(lang)) if hint else ""
                problems.append(Problem(sheet.name(lang), None, None, None, message))
                unusable.add(sheet.key)
            frames[sheet.key] = _empty(sheet)
            continue
        sheet_names[sheet.key] = name
        try:
            sheet_reader, frames[sheet.key] = _read_sheet(sheet, name, lang, date1904, table_of)
        except (fastexcel.FastExcelError, ValueError) as exc:  # a damaged sheet: report it, read the others
            problems.append(Problem(name, None, None, None, t("unreadable_sheet", lang, reason=exc)))
            frames[sheet.key] = _empty(sheet)
            continue
        problems.extend(sheet_reader.problems)
        if sheet_reader.unusable:
            unusable.add(sheet.key)
        if sheet is SETTINGS:
            settings, setting_problems = parse_settings(frames[sheet.key], name, lang)
            problems.extend(setting_problems)
            lang = settings.lang
    adjustments = {
        d.date(): kind == "上班"
        for d, kind in zip(frames["workday_adjustments"]["date"], frames["workday_adjustments"]["kind"])
    }
    frames, reference_problems = validate(frames, sheet_names, lang, unusable)
    problems.extend(reference_problems)
    return Book(path, package, frames, problems, settings, adjustments, sheet_names, unusable)


def _read_sheet(sheet: Sheet, name: str, lang: str, date1904: bool, table_of) -> tuple[_SheetReader, pd.DataFrame]:
    """The sheet's rows as loaded (typed where it could be), or read again as text where only the text can tell."""
    sheet_reader = _SheetReader(sheet, name, lang, date1904)
    raw, header_row, hidden, odd = table_of(name)
    try:
        return sheet_reader, sheet_reader.read(raw, header_row, hidden, odd)
    except NeedsText as reason:
        log.info("%s: read again as text (%s)", name, reason)
        del raw  # the typed table, before the text one is loaded
        sheet_reader = _SheetReader(sheet, name, lang, date1904)
        raw, header_row, hidden, _ = table_of(name, as_text=True)
        return sheet_reader, sheet_reader.read(raw, header_row, hidden)


def closest(name: str, candidates: list[str]) -> str | None:
    """The candidate a renamed sheet or header most likely is (「车辆」 for 车辆档案, 「客户姓名」 for 姓名)."""
    import difflib

    found = difflib.get_close_matches(name, [str(c) for c in candidates], n=1, cutoff=0.4)
    return found[0] if found else None


def read_sent_log(path: Path) -> pd.DataFrame:
    """The workbook's 发送记录 tab as csxl last wrote it (empty when there is none): the journal's mirror."""
    package = Package(path)
    entry = find_sheet(package, SENT_LOG)
    if entry is None:
        return _empty(SENT_LOG)
    reader = _SheetReader(SENT_LOG, entry.name, "zh", package.date1904)
    try:
        table = _load_raw(fastexcel.read_excel(str(package.path)), entry.name)
    except (fastexcel.FastExcelError, ValueError):
        return _empty(SENT_LOG)
    return reader.read(table, package.first_value_row(entry.part))
