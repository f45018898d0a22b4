"""Render a generated sheet as worksheet XML.

Text goes into inline strings: they never touch sharedStrings.xml (which the
user's sheets depend on) and can never become a formula, whatever they start with.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import pandas as pd
from openpyxl.utils import get_column_letter

from ..schema import ColumnType
from .styles import StyleIds

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH_1900 = pd.Timestamp("1899-12-30")
_EPOCH_1904 = pd.Timestamp("1904-01-01")


def _text_cell(ref: str, text: str, style: int = 0) -> str:
    text = escape(_ILLEGAL_XML.sub("", text))
    style_attr = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{style_attr} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _column_cells(values: pd.Series, kind: ColumnType, letter: str, first_row: int, styles: StyleIds, date1904: bool) -> list[str]:
    """One XML fragment per row ('' for an empty cell)."""
    rows = range(first_row, first_row + len(values))
    if kind is ColumnType.DATE:
        dates = pd.to_datetime(values, errors="coerce")
        serials = (dates - (_EPOCH_1904 if date1904 else _EPOCH_1900)).dt.days
        return [
            "" if pd.isna(s) else f'<c r="{letter}{r}" s="{styles.date}"><v>{int(s)}</v></c>'
            for r, s in zip(rows, serials)
        ]
    if kind in (ColumnType.NUMBER, ColumnType.SCORE):
        numbers = pd.to_numeric(values, errors="coerce")
        return ["" if pd.isna(n) else f'<c r="{letter}{r}"><v>{_number(n)}</v></c>' for r, n in zip(rows, numbers)]
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
) -> bytes:
    """Worksheet XML: a styled, frozen header row, then one row per frame row."""
    letters = [get_column_letter(i + 1) for i in range(len(headers))]
    columns = [
        _column_cells(frame.iloc[:, i], kinds[i], letters[i], 2, styles, date1904) for i in range(len(headers))
    ]
    last_row = len(frame) + 1
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
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
    out.append('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
    return "".join(out).encode("utf-8")
