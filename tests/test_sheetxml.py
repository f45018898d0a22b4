"""Generated-sheet XML, rendered column-wise by Arrow: every kind of value comes out as Excel reads it."""

import datetime as dt

import numpy as np
import pandas as pd
from lxml import etree

from csxl.schema import ColumnType
from csxl.workbook.sheetxml import render_sheet
from csxl.workbook.styles import StyleIds

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
STYLES = StyleIds(header=1, date=2, percent=3, decimal=4)


def cells(xml: bytes) -> dict[str, tuple]:
    root = etree.fromstring(xml)
    found = {}
    for cell in root.iterfind(".//m:c", NS):
        text = cell.find("m:is/m:t", NS)
        value = cell.find("m:v", NS)
        found[cell.get("r")] = (cell.get("t"), cell.get("s"), text.text if text is not None else value.text)
    return found


def test_values_of_every_kind():
    frame = pd.DataFrame({
        "text": ["=SUM(A1)", "a<b & c>d", "bell\x07 tab\t", "😀", None, ""],
        "date": [pd.Timestamp("2026-11-24"), pd.NaT, pd.Timestamp("1900-03-01"), None, pd.Timestamp("2026-01-01"), pd.NaT],
        "number": [12.0, -3.5, np.nan, 1e20, 0.125, 7],
        "rate": [2 / 3, 1.0, np.nan, 0.0, 0.005, 0.994],
    })
    xml = render_sheet(frame, ["文本", "日期", "数", "率"], [ColumnType.TEXT, ColumnType.DATE, ColumnType.NUMBER, ColumnType.PERCENT],
                       [10, 10, 10, 10], STYLES, date1904=False)
    got = cells(xml)
    assert got["A1"] == ("inlineStr", "1", "文本")
    assert got["A2"] == ("inlineStr", None, "=SUM(A1)")  # text, never a formula
    assert got["A3"] == ("inlineStr", None, "a<b & c>d")
    assert got["A4"] == ("inlineStr", None, "bell tab\t")  # a control character XML cannot hold is dropped
    assert got["A5"] == ("inlineStr", None, "😀")
    assert "A6" not in got and "A7" not in got  # empty cells are left out
    assert got["B2"] == (None, "2", "46350") and got["B4"] == (None, "2", "61") and "B3" not in got
    assert [got.get(f"C{r}") for r in range(2, 8)] == [
        (None, None, "12"), (None, None, "-3.5"), None, (None, None, "1e+20"), (None, None, "0.12"), (None, None, "7")]  # half to even
    assert got["D2"] == (None, "3", "0.67") and got["D7"] == (None, "3", "0.99") and "D4" not in got


def test_1904_dates_and_figure_rows():
    frame = pd.DataFrame({"item": ["计数", "比率"], "value": [3.0, 0.25]})
    frame.attrs["row_kinds"] = [ColumnType.NUMBER, ColumnType.PERCENT]
    got = cells(render_sheet(frame, ["项目", "值"], [ColumnType.TEXT, ColumnType.FIGURE], [10, 10], STYLES, date1904=True))
    assert got["B2"] == (None, None, "3") and got["B3"] == (None, "3", "0.25")
    dates = pd.DataFrame({"d": [pd.Timestamp(dt.date(1904, 1, 2))]})
    assert cells(render_sheet(dates, ["日"], [ColumnType.DATE], [10], STYLES, date1904=True))["A2"][2] == "1"
