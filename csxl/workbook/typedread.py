"""Load an input sheet with the schema's types, keeping the text of every cell that is not of its column's type.

Reading a million rows as text costs calamine a string per cell; with the
schema's types its dates and numbers arrive as Arrow timestamps and doubles
(fastexcel's ``dtypes``).  A cell that is not of its column's type (a date
typed as ``2026年3月5日``, an amount as ``12,000元``) comes back empty, with
its position and value in fastexcel's cell errors
(``to_arrow_with_errors``): those few cells get the text read's conversion,
so the typed read gives the same values and the same problems as the text
read (tested as a property in test_hostile_cells.py).

Where the typed read could differ from the text read and cannot tell, it
says so (`NeedsText`) and the caller reads the sheet as text: a cell error
it cannot decode, a number Excel cannot hold (``inf`` typed as text), a
moment outside Excel's dates, a 1904 workbook (calamine reads a bare number in a
date column as a 1900 serial there), a header spelt so that the schema's
type did not reach its column, a number too large for a moment (fastexcel
panics on it).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import ColumnType, Sheet

_ARROW_TYPE = {ColumnType.DATE: "datetime", ColumnType.DATETIME: "datetime", ColumnType.NUMBER: "float", ColumnType.SCORE: "float"}
TYPED = tuple(_ARROW_TYPE)
# Excel's first and last day (serials 1 and 2958465): a moment outside them came from a number that is no date.
FIRST_MOMENT = np.datetime64("1900-01-01T00:00:00", "ms")
LAST_MOMENT = np.datetime64("9999-12-31T00:00:00", "ms")
# fastexcel's cell error: "Expected float but got 'String("12,000元")'", the cell as Rust's Debug prints it.
_DETAIL = re.compile(r"^Expected \w+ but got '(?:String\(\"(?P<text>.*)\"\)|Bool\((?P<bool>true|false)\)|Error\((?P<error>\w+)\))'$", re.S)
_RUST_ESCAPE = re.compile(r"\\(?:u\{([0-9a-f]{1,6})\}|(.))", re.S)
_RUST_ESCAPED = {"t": "\t", "r": "\r", "n": "\n", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


# fastexcel warns, for every column outside the schema it cannot type by sampling, that it reads it as text: as wanted.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


class NeedsText(Exception):
    """The typed read cannot give what the text read would: read this sheet as text."""


@dataclass
class OddCells:
    """A typed column's cells that are not of its type: their row offsets and their text (None: shown as empty).

    In the order found; the reader sorts them once it has added the booleans."""

    offsets: np.ndarray
    texts: pa.Array


def odd_cells_by(cells) -> dict:
    """``cells`` — (key, row offset, text) in the order found — as `OddCells` per key (a column's index or name)."""
    found: dict = {}
    for key, offset, text in cells:
        offsets, texts = found.setdefault(key, ([], []))
        offsets.append(offset)
        texts.append(text)
    return {key: OddCells(np.asarray(offsets, dtype="int64"), pa.array(texts, pa.string())) for key, (offsets, texts) in found.items()}


def typed_columns(sheet: Sheet) -> bool:
    return any(c.type in TYPED for c in sheet.columns)


def dtypes_for(sheet: Sheet) -> dict[str, str]:
    """Every spelling of each of the sheet's columns with its Arrow type: text columns as text, never inferred
    (a phone number must keep its digits as written)."""
    return {s: _ARROW_TYPE.get(c.type, "string") for c in sheet.columns for s in c.spellings()}


def load_typed(reader: fastexcel.ExcelReader, name: str, sheet: Sheet) -> tuple[pa.Table, dict[str, OddCells]]:
    """The sheet's table, its date and number columns typed, and per typed column the cells that were not of its type."""
    loaded = reader.load_sheet_by_name(name, header_row=0, dtypes=dtypes_for(sheet))
    try:
        batch, errors = loaded.to_arrow_with_errors()
    except BaseException as exc:
        # A number past chrono's range in a date column (an 18-digit id pasted there) panics in fastexcel 0.21;
        # pyo3 raises the panic as a BaseException.  Rust has printed its one-line panic message by then.
        if type(exc).__name__ != "PanicException":
            raise
        raise NeedsText(f"fastexcel panicked: {exc}") from None
    table = pa.Table.from_batches([batch])
    found = odd_cells_by((error.offset_position[1], error.offset_position[0], _cell_text(error.detail))
                         for error in (errors.errors if errors is not None else ()))
    return table, {table.column_names[index]: cells for index, cells in found.items()}


def _cell_text(detail: str) -> str | None:
    """The text the text read gives for a cell fastexcel could not type, from its cell error; None for an error cell."""
    match = _DETAIL.match(detail)
    if match is None:  # the reason without the cell's value: reasons go to the log, which never holds customer data
        raise NeedsText(detail.split("(", 1)[0])
    if match["bool"] is not None:
        return match["bool"]
    if match["error"] is not None:
        return None  # read as empty, as the text read does; the hidden-cell scan reports it
    return _unescape(match["text"])


def _unescape(debug: str) -> str:
    def one(match: re.Match) -> str:
        if match[1] is not None:
            return chr(int(match[1], 16))
        if match[2] in _RUST_ESCAPED:
            return _RUST_ESCAPED[match[2]]
        raise NeedsText("a text fastexcel escaped in an unknown way")

    return _RUST_ESCAPE.sub(one, debug)


def check_moments(values: pa.Array) -> None:
    """Moments within Excel's dates; one outside came from a bare number the text read judges by its digits."""
    if len(values) == values.null_count:
        return
    low, high = pc.min_max(values).values()
    if low.value < FIRST_MOMENT.astype("int64") or high.value > LAST_MOMENT.astype("int64"):
        raise NeedsText("a moment outside Excel's dates")


def check_numbers(values: pa.Array) -> None:
    """Finite numbers: ``inf`` and ``nan`` typed as text parse as floats, and the text read calls them no number."""
    if len(values) == values.null_count:
        return
    if pc.any(pc.is_nan(values)).as_py() or pc.any(pc.is_inf(values)).as_py():
        raise NeedsText("a number Excel cannot hold")
