"""Cells a reader sees as empty though something is in them (error values, formulas never calculated), and booleans.

calamine (under fastexcel) gives an error cell (``#N/A``, ``#REF!``, ``#DIV/0!``)
and a formula with no saved result (written by a program, never opened in
Excel) as an empty cell, so a date or an amount would vanish without a word.
This module finds them in the sheet's XML so that the reader can report them.
It also finds the boolean cells: read with a number column's type, TRUE
becomes 1.0 without a word, so the reader must know where they are.

It costs one inflate of the sheet part, streamed, with a byte search per piece:
the cells themselves are parsed only around a hit, so a clean sheet of a
million rows is scanned in about the time it takes to inflate it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
UNCALCULATED = "uncalculated"
BOOLEAN = "boolean"
# What Excel shows in a cell whose formula failed (and what xlwings and openpyxl give for one).
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!"})

_ERROR_MARK = b't="e"'
_BOOLEAN_MARK = b't="b"'
# How a formula cell with no saved result ends: an empty <v>, no <v>, or a shared formula's empty <f/>.
_UNCALCULATED_MARKS = (b"</f></c>", b"</f><v></v>", b"/></c>")
_CELL_START = b"<c "
_FORMULA_START = b"<f"
_REFERENCE = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_VALUE_CELL = re.compile(rb'<c r="([A-Z]{1,3})[0-9]+"[^>]*>(?=<[vfi])')
_BOOLEAN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*?\st="b"[^>]*>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<v>([^<]*)</v>')
_FIRST_COLUMN_VALUE_CELL = re.compile(rb'<c r="A[0-9]+"[^>]*>(?=<[vfi])')
_PIECE = 4 * 1024 * 1024


def _column_index(letters: bytes) -> int:
    """0-based index of a column named like A, Z, AA."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _boolean_text(value: bytes) -> str:
    """A boolean cell's value as a reader writes it."""
    return "false" if value.strip() in (b"0", b"") else "true"


@dataclass(frozen=True)
class HiddenCell:
    row: int  # the Excel row number
    column: int  # 0-based, counted from column A
    value: str  # the error ("#N/A"), the formula ("=B2+1"), or the boolean as a reader writes it ("true")
    kind: str  # ERROR, UNCALCULATED or BOOLEAN


def _pieces(path: Path, part: str):
    """The part's XML in pieces that end at a row's end, so that no cell is cut in two."""
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        rest = b""
        while chunk := stream.read(_PIECE):
            data = rest + chunk
            cut = data.rfind(b"</row>")
            if cut < 0:
                rest = data
                continue
            cut += len(b"</row>")
            yield data[:cut]
            rest = data[cut:]
        if rest:
            yield rest


def _unescape(text: bytes) -> str:
    return text.decode("utf-8", "replace").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _cell_at(piece: bytes, hit: int) -> HiddenCell | None:
    start = piece.rfind(_CELL_START, 0, hit + 1)
    end = piece.find(b"</c>", hit)
    if start < 0 or end < 0:
        return None
    cell = piece[start:end]
    tag_end = cell.find(b">")
    if cell[tag_end - 1:tag_end] == b"/":
        return None  # an empty cell: the hit belongs to the next one, found on its own
    reference = _REFERENCE.search(cell, 0, tag_end)
    if reference is None:
        return None  # a cell without its address: Excel always writes one
    row, column = int(reference.group(2)), _column_index(reference.group(1))
    cell_type = _TYPE.search(cell, 0, tag_end)
    value = _VALUE.search(cell, tag_end)
    if cell_type is not None and cell_type.group(1) == b"e":
        return HiddenCell(row, column, _unescape(value.group(1)) if value else "#N/A", ERROR)
    if cell_type is not None and cell_type.group(1) == b"b" and value is not None:
        return HiddenCell(row, column, _boolean_text(value.group(1)), BOOLEAN)
    formula = _FORMULA.search(cell, tag_end)
    if formula is not None and (value is None or not value.group(1)):
        return HiddenCell(row, column, "=" + _unescape(formula.group(1) or b""), UNCALCULATED)
    return None


def _hits(piece: bytes, mark: bytes):
    position = piece.find(mark)
    while position >= 0:
        yield position
        position = piece.find(mark, position + 1)


def _booleans(piece: bytes) -> list[HiddenCell]:
    """The piece's boolean cells.  A whole column of TRUE/FALSE is common (a 是/否 column typed as booleans), so
    they are matched by one regex over the piece; only where that finds fewer than the marks (a cell written
    otherwise, or the mark inside a text) is each mark looked at on its own."""
    marks = piece.count(_BOOLEAN_MARK)
    if not marks:
        return []
    found = [HiddenCell(int(row), _column_index(letters), _boolean_text(value), BOOLEAN)
             for letters, row, value in _BOOLEAN_CELL.findall(piece)]
    if len(found) == marks:
        return found
    return [cell for hit in _hits(piece, _BOOLEAN_MARK) if (cell := _cell_at(piece, hit)) is not None]


def hidden_cells(path: Path, part: str) -> list[HiddenCell]:
    """Every error cell and uncalculated formula of a sheet part in sheet order, then its booleans in sheet order."""
    found: dict[tuple[int, int], HiddenCell] = {}
    booleans: list[HiddenCell] = []  # in sheet order already, and never another kind: kept out of the sort
    for piece in _pieces(path, part):
        booleans += (cell for cell in _booleans(piece) if cell.kind == BOOLEAN)
        marks = (_ERROR_MARK, *_UNCALCULATED_MARKS) if _FORMULA_START in piece else (_ERROR_MARK,)
        for mark in marks:
            for hit in _hits(piece, mark):
                cell = _cell_at(piece, hit)
                if cell is not None:
                    found[(cell.row, cell.column)] = cell
    return sorted(found.values(), key=lambda c: (c.row, c.column)) + booleans


def first_used_column(path: Path, part: str) -> int:
    """The leftmost column holding a value (0-based): where a reader's table starts."""
    leftmost = None
    for piece in _pieces(path, part):
        if _FIRST_COLUMN_VALUE_CELL.search(piece):
            return 0
        for match in _VALUE_CELL.finditer(piece):
            column = _column_index(match.group(1))
            leftmost = column if leftmost is None else min(leftmost, column)
    return leftmost or 0
