"""Render a generated sheet as worksheet XML.

Text goes into inline strings: they never touch sharedStrings.xml (which the
user's sheets depend on) and can never become a formula, whatever they start with.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import pandas as pd
from openpyxl.utils import get_column_letter

from ..schema import NUMERIC_TYPES, ColumnType
from .styles import StyleIds

# Figures are computed unrounded and rounded only here, as they are written (SPEC 5.4).
DECIMALS = 2
_FOOTER = {"zh": "&amp;L&amp;A&amp;R第 &amp;P 页，共 &amp;N 页", "en": "&amp;L&amp;A&amp;RPage &amp;P of &amp;N"}

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH_1900 = pd.Timestamp("1899-12-30")
_EPOCH_1904 = pd.Timestamp("1904-01-01")


def _text_cell(ref: str, text: str, style: int = 0) -> str:
    text = escape(_ILLEGAL_XML.sub("", text))
    style_attr = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{style_attr} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _number_styles(kind: ColumnType, styles: StyleIds, count: int, row_kinds) -> list[int]:
    by_kind = {ColumnType.PERCENT: styles.percent, ColumnType.DECIMAL: styles.decimal}
    if kind is ColumnType.FIGURE:
        return [by_kind.get(k, 0) for k in (row_kinds if row_kinds is not None else [ColumnType.DECIMAL] * count)]
    return [by_kind.get(kind, 0)] * count


def _column_cells(values: pd.Series, kind: ColumnType, letter: str, first_row: int, styles: StyleIds, date1904: bool,
                  row_kinds=None) -> list[str]:
    """One XML fragment per row ('' for an empty cell)."""
    rows = range(first_row, first_row + len(values))
    if kind is ColumnType.DATE:
        dates = pd.to_datetime(values, errors="coerce")
        serials = (dates - (_EPOCH_1904 if date1904 else _EPOCH_1900)).dt.days
        return [
            "" if pd.isna(s) else f'<c r="{letter}{r}" s="{styles.date}"><v>{int(s)}</v></c>'
            for r, s in zip(rows, serials)
        ]
    if kind in NUMERIC_TYPES:
        numbers = pd.to_numeric(values, errors="coerce").astype("float64").round(DECIMALS)
        cell_styles = _number_styles(kind, styles, len(values), row_kinds)
        style_attrs = [f' s="{style}"' if style else "" for style in cell_styles]
        return [
            "" if pd.isna(n) else f'<c r="{letter}{r}"{attr}><v>{_number(n)}</v></c>'
            for r, n, attr in zip(rows, numbers, style_attrs)
        ]
    return ["" if _blank(v) else _text_cell(f"{letter}{r}", str(v)) for r, v in zip(rows, values)]


def _number(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else repr(float(n))


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


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
    letters = [get_column_letter(i + 1) for i in range(len(headers))]
    row_kinds = frame.attrs.get("row_kinds")
    columns = [
        _column_cells(frame.iloc[:, i], kinds[i], letters[i], 2, styles, date1904, row_kinds) for i in range(len(headers))
    ]
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
    for index, cells in enumerate(zip(*columns)):
        out.append(f'<row r="{index + 2}">{"".join(cells)}</row>')
    out.append(
        '</sheetData><pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        f'<headerFooter><oddFooter>{_FOOTER.get(lang, _FOOTER["zh"])}</oddFooter></headerFooter>'
    )
    if drawing_rel_id:
        out.append(f'<drawing r:id="{drawing_rel_id}"/>')
    out.append("</worksheet>")
    return "".join(out).encode("utf-8")
