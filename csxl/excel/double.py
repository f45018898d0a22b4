"""TEST CODE: a stand-in for the part of Excel that csxl reaches through xlwings, for machines without Excel.

It never serves a clerk. The test suite drives `XlwingsBook` over it, and `csxl addin selftest`
runs its checks on it where Excel cannot run (and says so). It is small on purpose: books,
sheets, ranges, ``used_range``, ``number_format``, charts, ``app.alert``, the input box and the
status bar, with xlwings' names and shapes. Where csxl depends on Excel's behaviour, it behaves
as Excel does, each behaviour with the source that documents it:

- A string written into a General cell is parsed as if typed: numbers (leading zeros dropped,
  15 significant digits kept), percentages, dates (2026-01 becomes 1 Jan 2026 and gets a date
  format), times, TRUE/FALSE, and text starting with ``=``, ``+``, ``-`` or ``@`` becomes a
  formula. Sources: xlwings issues #1269, #2247 and #2248 (strings written through
  ``Range.value`` turn into dates and numbers); Microsoft, "Stop automatically changing numbers
  to dates" and "Keeping leading zeros and large numbers" (Excel support); "Excel specifications
  and limits" (15 digits of precision).
- A leading apostrophe keeps the rest as text and is not part of the value (Microsoft,
  ``Range.PrefixCharacter``); a cell formatted as Text (``@``) beforehand keeps the string as
  typed (Microsoft, "Format numbers as text").
- A date is a number with a date format: it reads back as ``datetime`` only while its cell has
  a date format, and as the bare serial number after the format is changed to Text (Microsoft,
  ``Range.Value`` returns Date for date-formatted cells; ``Range.Value2`` doc; xlwings converts
  a COM date to ``datetime``).
- Error cells read back as ``None``, or as their text (``#N/A``) with ``err_to_str=True``
  (xlwings docs, "Converters and Options": err_to_str, added in 0.28.0).
- A value pywin32 cannot turn into a VARIANT (``pd.NA``, say) raises TypeError (pywin32:
  "Objects of type ... can not be converted to a COM VARIANT").
- A chart with no series refuses a title (Excel: "Method 'HasTitle' of object '_Chart'
  failed" on an empty chart); with no printer installed, setting ``PageSetup.PaperSize``
  raises ("Unable to set the PaperSize property of the PageSetup class").
- Sheet names are unique regardless of case, at most 31 characters, without ``[]:*?/\\``
  (Microsoft, "Rename a worksheet").

Formulas are not evaluated: text that became a formula reads back as ``#NAME?``, which is what
Excel shows for text such as ``=张三`` or ``-某某``. Dates before 1 March 1900 are out of scope.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.styles.numbers import is_date_format

GENERAL = "General"
TEXT = "@"
_SHORT_DATE, _DATE_TIME, _YEAR_MONTH, _TIME, _PERCENT = "yyyy/m/d", "yyyy/m/d h:mm", 'yyyy"年"m"月"', "h:mm", "0%"
_EPOCH = {False: dt.datetime(1899, 12, 30), True: dt.datetime(1904, 1, 1)}
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?|[+-]?\.\d+(?:[eE][+-]?\d+)?")
_TIME_PART = r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_DATES = [  # (pattern, has year, has day) — the forms a zh-CN Excel takes as a date when typed
    (re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})" + _TIME_PART), True, True),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日" + _TIME_PART), True, True),
    (re.compile(r"(\d{4})[-/](\d{1,2})"), True, False),
    (re.compile(r"(\d{4})年(\d{1,2})月"), True, False),
    (re.compile(r"(\d{1,2})[-/](\d{1,2})"), False, True),
    (re.compile(r"(\d{1,2})月(\d{1,2})日"), False, True),
]
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_BAD_SHEET_CHARS = set("[]:*?/\\")
CHART_TYPES = {"line", "line_markers", "column_clustered", "bar_clustered", "pie", "area", "xy_scatter"}


class ComError(Exception):
    """What pywin32 raises when Excel refuses a call (``pywintypes.com_error``)."""


@dataclass(frozen=True)
class CellError:
    text: str  # "#N/A", "#NAME?", …


@dataclass
class Cell:
    value: object = None  # None, str, bool, float (dates are serial numbers), CellError
    number_format: str = GENERAL
    formula: str | None = None


def typed(text: str, number_format: str, today: dt.date, date1904: bool = False) -> Cell:
    """What Excel stores when ``text`` is written into a cell of ``number_format`` (as if the clerk typed it)."""
    if text.startswith("'"):
        return Cell(text[1:], number_format)
    if number_format == TEXT or text == "":
        return Cell(text or None, number_format)
    stripped = text.strip()
    number = _as_number(stripped)
    if number is not None:
        value, percent = number
        return Cell(value, _PERCENT if percent and number_format == GENERAL else number_format)
    if text[:1] in ("=", "+", "-", "@"):
        return Cell(CellError("#NAME?"), number_format, formula=text if text.startswith("=") else "=" + text)
    if stripped.upper() in ("TRUE", "FALSE"):
        return Cell(stripped.upper() == "TRUE", number_format)
    moment = _as_moment(stripped, today)
    if moment is not None:
        value, fmt = moment
        serial = value if isinstance(value, float) else to_serial(value, date1904)
        return Cell(serial, fmt if number_format == GENERAL else number_format)
    return Cell(text, number_format)


def _as_number(text: str) -> tuple[float, bool] | None:
    percent = text.endswith("%")
    body = text[:-1] if percent else text
    if not _NUMBER.fullmatch(body):
        return None
    value = float(body.replace(",", "")) / (100 if percent else 1)
    return float(f"{value:.15g}"), percent  # Excel keeps 15 significant digits


def _as_moment(text: str, today: dt.date) -> tuple[dt.datetime | float, str] | None:
    clock = _CLOCK.fullmatch(text)
    if clock:
        hours, minutes, seconds = (int(part or 0) for part in clock.groups())
        if hours < 24 and minutes < 60 and seconds < 60:
            return (hours * 3600 + minutes * 60 + seconds) / 86400, _TIME
        return None
    for pattern, has_year, has_day in _DATES:
        found = pattern.fullmatch(text)
        if not found:
            continue
        parts = [int(p) if p else 0 for p in found.groups()]
        year, month, day = (parts[0], parts[1], parts[2] if has_day else 1) if has_year else (today.year, parts[0], parts[1])
        hours, minutes, seconds = (parts[3:6] + [0, 0, 0])[:3] if has_year and has_day else (0, 0, 0)
        try:
            moment = dt.datetime(year, month, day, hours, minutes, seconds)
        except ValueError:
            return None
        if moment.year < 1900:
            return None
        return moment, (_DATE_TIME if hours or minutes or seconds else _SHORT_DATE if has_day else _YEAR_MONTH)
    return None


def to_serial(moment: dt.datetime | dt.date, date1904: bool = False) -> float:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime(moment.year, moment.month, moment.day)
    return (moment.replace(tzinfo=None) - _EPOCH[date1904]).total_seconds() / 86400


def from_serial(serial: float, date1904: bool = False) -> dt.datetime:
    moment = _EPOCH[date1904] + dt.timedelta(days=serial)
    return moment.replace(microsecond=0) + dt.timedelta(seconds=round(moment.microsecond / 1e6))


def _stored(value, number_format: str, today: dt.date, date1904: bool) -> Cell:
    """A Python value as it lands in a cell through xlwings and pywin32."""
    if value is None:
        return Cell(None, number_format)
    if isinstance(value, str):
        return typed(value, number_format, today, date1904)
    if isinstance(value, bool):
        return Cell(value, number_format)
    if isinstance(value, (dt.datetime, dt.date)):
        has_time = isinstance(value, dt.datetime) and value.time() != dt.time(0)
        return Cell(to_serial(value, date1904), (_DATE_TIME if has_time else _SHORT_DATE) if number_format == GENERAL else number_format)
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        return Cell(float(value), number_format)
    raise TypeError(f"Objects of type '{type(value).__name__}' can not be converted to a COM VARIANT")


class Range:
    def __init__(self, sheet: Sheet, top: int, left: int, bottom: int, right: int, ndim: int | None = None, err_to_str: bool = False):
        self.sheet, self.row, self.column, self.last_row, self.last_column = sheet, top, left, bottom, right
        self._ndim, self._err_to_str = ndim, err_to_str

    def options(self, ndim: int | None = None, err_to_str: bool = False, **_) -> Range:
        return Range(self.sheet, self.row, self.column, self.last_row, self.last_column, ndim, err_to_str)

    @property
    def api(self) -> Range:
        return self

    @property
    def shape(self) -> tuple[int, int]:
        return self.last_row - self.row + 1, self.last_column - self.column + 1

    def _coordinates(self):
        for row in range(self.row, self.last_row + 1):
            for column in range(self.column, self.last_column + 1):
                yield row, column

    def _read(self, cell: Cell | None):
        if cell is None or cell.value is None:
            return None
        if isinstance(cell.value, CellError):
            return cell.value.text if self._err_to_str else None
        if isinstance(cell.value, float) and is_date_format(cell.number_format) and cell.number_format != TEXT:
            return from_serial(cell.value, self.sheet.book.date1904)
        return cell.value

    @property
    def value(self):
        rows = [[self._read(self.sheet.cells.get((r, c))) for c in range(self.column, self.last_column + 1)]
                for r in range(self.row, self.last_row + 1)]
        if self._ndim == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1 or self.column == self.last_column:
            return [v for row in rows for v in row]
        return rows

    @value.setter
    def value(self, data) -> None:
        if not isinstance(data, (list, tuple)):
            data = [[data]]
        elif not data or not isinstance(data[0], (list, tuple)):
            data = [list(data)]
        app, book = self.sheet.book.app, self.sheet.book
        for i, row in enumerate(data):
            for j, value in enumerate(row):
                key = (self.row + i, self.column + j)
                current = self.sheet.cells.get(key)
                cell = _stored(value, current.number_format if current else GENERAL, app.today, book.date1904)
                if cell.value is None and cell.number_format == GENERAL:
                    self.sheet.cells.pop(key, None)
                else:
                    self.sheet.cells[key] = cell

    @property
    def number_format(self) -> str:
        cell = self.sheet.cells.get((self.row, self.column))
        return cell.number_format if cell else GENERAL

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        for key in self._coordinates():  # the stored value stays as it is: a date turned Text shows its serial
            self.sheet.cells.setdefault(key, Cell()).number_format = fmt

    @property
    def wrap_text(self) -> bool:
        return (self.row, self.column) in self.sheet.wrapped

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        for key in self._coordinates():
            (self.sheet.wrapped.add if value else self.sheet.wrapped.discard)(key)

    @property
    def rows(self):
        return _Rows(self)

    @property
    def column_width(self) -> float:
        return self.sheet.widths.get(self.column, 8.43)

    @column_width.setter
    def column_width(self, width: float) -> None:
        for column in range(self.column, self.last_column + 1):
            self.sheet.widths[column] = width

    @property
    def left(self) -> float:  # points: about 7 per character of column width
        return sum(self.sheet.widths.get(c, 8.43) * 7 for c in range(1, self.column))

    @property
    def font(self):
        return self.sheet.fonts.setdefault((self.row, self.column, self.last_row, self.last_column), _Font())

    @property
    def color(self):
        return self.sheet.colors.get((self.row, self.column))

    @color.setter
    def color(self, rgb) -> None:
        self.sheet.colors[(self.row, self.column)] = rgb


@dataclass
class _Font:
    bold: bool = False


class _Rows:
    def __init__(self, cells: Range):
        self._cells = cells

    def autofit(self) -> None:  # Excel sizes the rows to their wrapped text; the double only records it
        self._cells.sheet.autofitted.append((self._cells.row, self._cells.last_row))


class PageSetup:
    def __init__(self, app: App):
        self._app = app
        self.Orientation, self.Zoom, self.FitToPagesWide, self.FitToPagesTall, self.PrintTitleRows = 1, 100, 1, 1, ""
        self._paper = 9

    @property
    def PaperSize(self) -> int:  # noqa: N802 - Excel's name
        return self._paper

    @PaperSize.setter
    def PaperSize(self, size: int) -> None:  # noqa: N802
        if not self._app.has_printer:
            raise ComError("Unable to set the PaperSize property of the PageSetup class")
        self._paper = size


class _SheetApi:
    def __init__(self, sheet: Sheet):
        self.PageSetup = PageSetup(sheet.book.app)


class _Series:
    Name = XValues = Values = None


class _SeriesCollection(list):
    def NewSeries(self) -> _Series:  # noqa: N802
        self.append(_Series())
        return self[-1]

    @property
    def Count(self) -> int:  # noqa: N802
        return len(self)


class _ChartTitle:
    Text = ""


class _ChartApi:
    def __init__(self):
        self._series, self._has_title, self.ChartTitle = _SeriesCollection(), False, _ChartTitle()

    def SeriesCollection(self) -> _SeriesCollection:  # noqa: N802
        return self._series

    @property
    def HasTitle(self) -> bool:  # noqa: N802
        return self._has_title

    @HasTitle.setter
    def HasTitle(self, value: bool) -> None:  # noqa: N802
        if value and not self._series:
            raise ComError("Method 'HasTitle' of object '_Chart' failed")
        self._has_title = bool(value)


class Chart:
    def __init__(self, charts: Charts, left, top, width, height):
        self._charts, self.left, self.top, self.width, self.height = charts, left, top, width, height
        self._chart_type, self._api = "column_clustered", _ChartApi()

    @property
    def api(self):
        return self, self._api  # xlwings on Windows: (ChartObject, Chart)

    @property
    def chart_type(self) -> str:
        return self._chart_type

    @chart_type.setter
    def chart_type(self, value: str) -> None:
        if value not in CHART_TYPES:
            raise KeyError(value)
        self._chart_type = value

    @property
    def title(self) -> str | None:
        return self._api.ChartTitle.Text if self._api.HasTitle else None

    @title.setter
    def title(self, value: str | None) -> None:  # as xlwings does it: HasTitle first, then the text
        self._api.HasTitle = value is not None
        if value is not None:
            self._api.ChartTitle.Text = value

    def delete(self) -> None:
        self._charts.remove(self)


class Charts(list):
    def add(self, left=0, top=0, width=355, height=211) -> Chart:
        self.append(Chart(self, left, top, width, height))
        return self[-1]


class Sheet:
    def __init__(self, book: Book, name: str):
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], Cell] = {}
        self.widths: dict[int, float] = {}
        self.fonts: dict = {}
        self.colors: dict = {}
        self.wrapped: set = set()
        self.autofitted: list = []
        self.charts = Charts()
        self.api = _SheetApi(self)

    def range(self, first, last=None) -> Range:
        if isinstance(first, str) and ":" in first:
            first, last = first.split(":")
        top, left = _coordinates(first)
        bottom, right = _coordinates(last) if last is not None else (top, left)
        return Range(self, top, left, bottom, right)

    def __getitem__(self, address: str) -> Range:
        return self.range(address)

    @property
    def used_range(self) -> Range:
        """Every cell with a value or a format of its own, as Excel's UsedRange counts them (A1 when none)."""
        if not self.cells:
            return self.range((1, 1))
        rows = [r for r, _ in self.cells]
        columns = [c for _, c in self.cells]
        return Range(self, min(rows), min(columns), max(rows), max(columns))

    def clear(self) -> None:
        self.cells.clear()
        self.fonts.clear()
        self.colors.clear()
        self.wrapped.clear()

    def activate(self) -> None:
        self.book.active = self


def _coordinates(address) -> tuple[int, int]:
    if isinstance(address, tuple):
        return address
    from openpyxl.utils.cell import coordinate_to_tuple

    return coordinate_to_tuple(address)


class Sheets:
    def __init__(self, book: Book):
        self._book, self._sheets = book, []

    def __iter__(self):
        return iter(list(self._sheets))

    def __len__(self) -> int:
        return len(self._sheets)

    def __getitem__(self, key) -> Sheet:
        if isinstance(key, int):
            return self._sheets[key]
        for sheet in self._sheets:
            if sheet.name.casefold() == key.casefold():
                return sheet
        raise KeyError(key)

    def add(self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        name = name or f"Sheet{len(self._sheets) + 1}"
        if len(name) > 31 or set(name) & _BAD_SHEET_CHARS or any(s.name.casefold() == name.casefold() for s in self._sheets):
            raise ComError(f"That name is already taken or not allowed: {name}")
        sheet = Sheet(self._book, name)
        index = self._sheets.index(after) + 1 if after else self._sheets.index(before) if before else 0
        self._sheets.insert(index, sheet)
        return sheet


class _BookApi:
    def __init__(self, book: Book):
        self._book = book

    @property
    def Date1904(self) -> bool:  # noqa: N802
        return self._book.date1904


class Book:
    def __init__(self, app: App, fullname: str, date1904: bool = False):
        self.app, self.fullname, self.date1904 = app, fullname, date1904
        self.name = Path(fullname).name
        self.sheets = Sheets(self)
        self.api = _BookApi(self)
        self.active: Sheet | None = None

    @classmethod
    def open(cls, app: App, path: Path) -> Book:
        """A workbook file as Excel holds it once opened: values, number formats, error cells."""
        import openpyxl

        source = openpyxl.load_workbook(path, data_only=True)
        book = cls(app, str(Path(path).resolve()), bool(source.epoch == openpyxl.utils.datetime.CALENDAR_MAC_1904))
        for index, ws in enumerate(source.worksheets):
            sheet = book.sheets.add(ws.title, after=book.sheets[index - 1] if index else None)
            for row in ws.iter_rows():
                for cell in row:
                    stored = cell.value
                    if cell.data_type == "e":
                        stored = CellError(str(cell.value))
                    elif isinstance(stored, (dt.datetime, dt.date)):
                        stored = to_serial(stored, book.date1904)
                    elif isinstance(stored, dt.time):
                        stored = (stored.hour * 3600 + stored.minute * 60 + stored.second) / 86400
                    elif isinstance(stored, int) and not isinstance(stored, bool):
                        stored = float(stored)
                    if stored is not None or cell.number_format != GENERAL:
                        sheet.cells[(cell.row, cell.column)] = Cell(stored, cell.number_format)
        source.close()
        return book


class _AppApi:
    def __init__(self, app: App):
        self._app = app
        self.PrintCommunication = True

    def InputBox(self, prompt, title="", Type=2):  # noqa: N802, N803 - Excel's names
        self._app.shown.append(prompt)
        return self._app.answers.pop(0) if self._app.answers else False  # Cancel gives False


@dataclass
class App:
    """One Excel instance. ``answers`` are what the clerk answers, in order: text for input boxes, True/False for yes/no."""

    answers: list = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)
    has_printer: bool = True
    screen_updating: bool = True
    shown: list = field(default_factory=list)  # every message box and input box, in order
    books: list = field(default_factory=list)

    def __post_init__(self):
        self.api = _AppApi(self)
        self._status: str | None = None

    @property
    def status_bar(self) -> str | None:
        return self._status

    @status_bar.setter
    def status_bar(self, text) -> None:
        self._status = None if text is False else str(text)  # False hands the bar back to Excel

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode=None, callback=None) -> str:
        self.shown.append(prompt)
        if buttons == "ok":
            return "ok"
        agreed = bool(self.answers.pop(0)) if self.answers else False
        return "yes" if agreed else "no"

    def open(self, path: Path) -> Book:
        book = Book.open(self, path)
        self.books.append(book)
        return book

    def new_book(self, name: str = "工作簿1") -> Book:
        """A workbook never saved: no folder, a bare name."""
        book = Book(self, name)
        book.sheets.add("Sheet1")
        self.books.append(book)
        return book
