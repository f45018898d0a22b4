"""Render a generated sheet as worksheet XML.

Text goes into inline strings: they never touch sharedStrings.xml (which the
user's sheets depend on) and can never become a formula, whatever they start with.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.utility import xl_col_to_name

from ..schema import NUMERIC_TYPES, ColumnType
from .styles import StyleIds

# Figures are computed unrounded and rounded only here, as they are written (SPEC 5.4).
DECIMALS = 2
# Text columns at least this wide (说明, 意见, …) wrap: a printed page is one wide, so a long note must grow down, not off the edge.
WRAP_WIDTH = 28
_FOOTER = {"zh": "&amp;L&amp;A&amp;R第 &amp;P 页，共 &amp;N 页", "en": "&amp;L&amp;A&amp;RPage &amp;P of &amp;N"}

# Characters XML 1.0 cannot carry at all (RE2 syntax: the kernels below are Arrow's).
_ILLEGAL_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]"
_EPOCH_1900 = pd.Timestamp("1899-12-30")
_EPOCH_1904 = pd.Timestamp("1904-01-01")


# Excel holds at most 32,767 characters (UTF-16 units) in a cell and calls a file with more damaged.
_MAX_CELL_UNITS = 32_767
_KEPT_OF_TOO_LONG = _MAX_CELL_UNITS // 2 - 1  # code points that fit even when each takes two units, and the "…"


def cell_texts(text: pa.Array) -> pa.Array:
    """Text as a cell can hold it: no character XML forbids, at most Excel's 32,767 units (cut with …).

    Shared by the file writer and the Excel adapter, so both faces write the same text.
    """
    text = pc.replace_substring_regex(text, _ILLEGAL_XML, "")
    if (pc.max(pc.binary_length(text)).as_py() or 0) > _MAX_CELL_UNITS:  # a UTF-16 unit takes at least a byte of UTF-8
        units = pc.add(pc.utf8_length(text), pc.count_substring_regex(text, r"[\x{10000}-\x{10ffff}]"))
        too_long = pc.fill_null(pc.greater(units, _MAX_CELL_UNITS), False)
        cut = pc.binary_join_element_wise(pc.utf8_slice_codeunits(text, 0, _KEPT_OF_TOO_LONG), "…", "")
        text = pc.if_else(too_long, cut, text)
    return text


def _escaped(text: pa.Array) -> pa.Array:
    text = cell_texts(text)
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = pc.replace_substring(text, raw, entity)
    return text


def _joined(*parts) -> pa.Array:
    """Element-wise concatenation; a null part (an empty cell) makes the whole fragment null."""
    return pc.binary_join_element_wise(*parts, "", null_handling="emit_null")


def _text_cells(refs: pa.Array, text: pa.Array, style: int = 0) -> pa.Array:
    style_attr = f' s="{style}"' if style else ""
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return _joined('<c r="', refs, f'"{style_attr} t="inlineStr"><is><t xml:space="preserve">', _escaped(text), "</t></is></c>")


def _text_cell(ref: str, text: str, style: int = 0) -> str:
    return _text_cells(pa.array([ref]), pa.array([text], pa.string()), style)[0].as_py()


def _number_styles(kind: ColumnType, styles: StyleIds, count: int, row_kinds) -> list[int]:
    by_kind = {ColumnType.PERCENT: styles.percent, ColumnType.DECIMAL: styles.decimal}
    if kind is ColumnType.FIGURE:
        return [by_kind.get(k, 0) for k in (row_kinds if row_kinds is not None else [ColumnType.DECIMAL] * count)]
    return [by_kind.get(kind, 0)] * count


def wraps(kind: ColumnType, width: float) -> bool:
    """Whether a column's cells wrap: text at least WRAP_WIDTH wide (the file writer and the Excel adapter both ask)."""
    return width >= WRAP_WIDTH and kind not in NUMERIC_TYPES and kind not in (ColumnType.DATE, ColumnType.DATETIME)


def figures(values: pd.Series) -> pd.Series:
    """A figure column as written: a float, rounded to DECIMALS (NaN where there is none)."""
    return pd.to_numeric(values, errors="coerce").astype("float64").round(DECIMALS)


def _number_texts(numbers: np.ndarray) -> pa.Array:
    """Shortest round-trip text of each number ("12", "0.67", "1e+20"); null for NaN."""
    whole = np.isfinite(numbers) & (numbers == np.round(numbers)) & (np.abs(numbers) < 2**53)
    as_int = pc.cast(pa.array(np.where(whole, numbers, 0).astype("int64")), pa.string())
    as_float = pc.cast(pa.array(numbers, from_pandas=True), pa.string())
    return pc.if_else(pa.array(whole), as_int, pc.if_else(pa.array(np.isfinite(numbers)), as_float, pa.scalar(None, pa.string())))


def _column_cells(values: pd.Series, kind: ColumnType, letter: str, rows: pa.Array, styles: StyleIds, date1904: bool,
                  row_kinds=None, wrapped: bool = False) -> pa.Array:
    """One XML fragment per row (null for an empty cell)."""
    refs = _joined(letter, rows)
    if kind in (ColumnType.DATE, ColumnType.DATETIME):
        dates = pd.to_datetime(values, errors="coerce")
        elapsed = dates - (_EPOCH_1904 if date1904 else _EPOCH_1900)
        if kind is ColumnType.DATE:
            serials, style = elapsed.dt.days.to_numpy(dtype="float64", na_value=np.nan), styles.date
        else:  # whole minutes, as Excel shows them
            serials = (elapsed.dt.total_seconds() / 86400).round(6).to_numpy(dtype="float64", na_value=np.nan)
            style = styles.datetime
        return _joined('<c r="', refs, f'" s="{style}"><v>', _number_texts(serials), "</v></c>")
    if kind in NUMERIC_TYPES:
        numbers = figures(values).to_numpy(na_value=np.nan)
        cell_styles = _number_styles(kind, styles, len(values), row_kinds)
        style_attrs = pa.array([f' s="{style}"' if style else "" for style in cell_styles] if len(set(cell_styles)) > 1
                               else [f' s="{cell_styles[0]}"' if cell_styles and cell_styles[0] else ""] * len(values), pa.string())
        return _joined('<c r="', refs, '"', style_attrs, "><v>", _number_texts(numbers), "</v></c>")
    text = pa.array(values.astype("string").to_numpy(dtype=object, na_value=None), pa.string())
    return _text_cells(refs, text, styles.wrapped if wrapped else 0)


_ROW_HEIGHT = 15  # points, one line of the default font
_WIDE = r"[\x{2e80}-\x{ffff}]"  # a CJK character (or a full-width mark) takes two units of column width


def _row_heights(frame: pd.DataFrame, widths: list[int], kinds: list[ColumnType]) -> pa.Array:
    """Per row, ``ht`` for the lines its longest wrapped text needs ("" for one line).

    Neither Excel nor LibreOffice grows a row for wrapped text written into a file, so the height is set here.
    """
    lines = np.ones(len(frame), dtype="int64")
    for index, width in enumerate(widths):
        if not wraps(kinds[index], width):
            continue
        text = pa.array(frame.iloc[:, index].astype("string").to_numpy(dtype=object, na_value=None), pa.string())
        units = pc.add(pc.utf8_length(text), pc.count_substring_regex(text, _WIDE)).fill_null(0).to_numpy(zero_copy_only=False)
        lines = np.maximum(lines, np.ceil(units / max(1, width - 1)).astype("int64"))
    heights = [f' ht="{_ROW_HEIGHT * n}" customHeight="1"' if n > 1 else "" for n in np.minimum(lines, 15)]
    return pa.array(heights, pa.string())


def render_sheet(
    frame: pd.DataFrame,
    headers: list[str],
    kinds: list[ColumnType],
    widths: list[int],
    styles: StyleIds,
    date1904: bool,
    lang: str = "zh",
    drawing_rel_id: str | None = None,
) -> bytes:
    """Worksheet XML: a styled, frozen header row, then one row per frame row; A4 landscape, one page wide.

    A frame may carry ``attrs["row_kinds"]``: per row, how its FIGURE cells are shown (PERCENT, DECIMAL or NUMBER).
    """
    letters = [xl_col_to_name(i) for i in range(len(headers))]
    row_kinds = frame.attrs.get("row_kinds")
    numbers = pc.cast(pa.array(np.arange(2, len(frame) + 2)), pa.string())
    columns = [_column_cells(frame.iloc[:, i], kinds[i], letters[i], numbers, styles, date1904, row_kinds, wraps(kinds[i], widths[i]))
               for i in range(len(headers))]
    last_row = len(frame) + 1
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<dimension ref="A1:{letters[-1]}{last_row}"/>',
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/>',
        "<cols>",
        *(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1)),
        "</cols><sheetData>",
        '<row r="1">',
        *(_text_cell(f"{letter}1", header, styles.header) for letter, header in zip(letters, headers)),
        "</row>",
    ]
    if len(frame):
        cells = [pc.fill_null(column, "") for column in columns]
        heights = _row_heights(frame, widths, kinds)
        rows = pc.binary_join_element_wise('<row r="', numbers, '"', heights, ">", *cells, "</row>", "")
        # the rows joined in Arrow and handed over as its buffer: a Python str of a 100k-row tab would cost
        # four bytes per CJK character and two more copies before it became bytes
        out.append(pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(rows)], pa.int32()), rows), "")[0].as_buffer())
    out.append(
        '</sheetData><pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        f'<headerFooter><oddFooter>{_FOOTER.get(lang, _FOOTER["zh"])}</oddFooter></headerFooter>'
    )
    if drawing_rel_id:
        out.append(f'<drawing r:id="{drawing_rel_id}"/>')
    out.append("</worksheet>")
    return b"".join(part.encode("utf-8") if isinstance(part, str) else part for part in out)
