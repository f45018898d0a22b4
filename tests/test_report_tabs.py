"""The report tabs as written into a real workbook: present, charted, readable by openpyxl, fastexcel and LibreOffice."""

import csv
import datetime as dt
import math
import shutil
import subprocess
import zipfile

import fastexcel
import openpyxl
import pandas as pd
import pytest

from csxl import jobs
from csxl.demo import demo_rows
from csxl.schema import COMPLAINT_ANALYSIS, CUSTOMER_ANALYSIS, FOLLOWUP_MONTHLY, REPORT_SHEETS, ColumnType
from csxl.workbook.reader import read_book
from csxl.workbook.template import build_template

TODAY = dt.date(2026, 11, 24)
CHARTED = {FOLLOWUP_MONTHLY.zh: 2, COMPLAINT_ANALYSIS.zh: 1, CUSTOMER_ANALYSIS.zh: 2}  # 客户分析: by service kind, and 回厂率 by 车龄


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """A 60-customer demo workbook, refreshed once; with the reports csxl computed for it."""
    path = tmp_path_factory.mktemp("reports") / "台账.xlsx"
    build_template(path, rows=demo_rows(TODAY, 60))
    jobs.refresh(path, TODAY)
    book = read_book(path)
    return path, jobs.compute_reports(book, TODAY)


def _chart_parts(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/charts/"))


def test_every_report_tab_is_written_with_its_charts(refreshed):
    path, tabs = refreshed
    wb = openpyxl.load_workbook(path)
    for sheet in REPORT_SHEETS:
        ws = wb[sheet.zh]
        assert [c.value for c in ws[1]] == sheet.headers("zh"), sheet.zh
        assert ws.max_row == len(tabs[sheet]) + 1, sheet.zh
        assert ws.freeze_panes == "A2"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$1:$1"
        assert len(ws._charts) == CHARTED.get(sheet.zh, 0), sheet.zh
    assert len(_chart_parts(path)) == sum(CHARTED.values())


def test_fastexcel_reads_the_same_figures(refreshed):
    path, tabs = refreshed
    reader = fastexcel.read_excel(str(path))
    for sheet in REPORT_SHEETS:
        read = reader.load_sheet_by_name(sheet.zh).to_pandas()
        assert list(read.columns) == sheet.headers("zh")
        for column in sheet.columns:
            if column.type in (ColumnType.NUMBER, ColumnType.PERCENT, ColumnType.DECIMAL, ColumnType.FIGURE):
                expected = pd.to_numeric(tabs[sheet][column.key]).round(2).to_numpy(dtype=float)
                got = pd.to_numeric(read[column.zh]).to_numpy(dtype=float)
                assert ((got == expected) | (pd.isna(got) & pd.isna(expected))).all(), (sheet.zh, column.zh)


def test_a_second_refresh_replaces_the_charts_instead_of_adding_more(refreshed, tmp_path):
    path = tmp_path / "again.xlsx"
    shutil.copyfile(refreshed[0], path)
    before = _chart_parts(path)
    jobs.refresh(path, TODAY + dt.timedelta(days=1))
    assert len(_chart_parts(path)) == len(before)
    with zipfile.ZipFile(path) as z:
        types = z.read("[Content_Types].xml").decode()
        assert types.count("drawingml.chart+xml") == len(before)
        assert z.testzip() is None
    wb = openpyxl.load_workbook(path)
    assert len(wb[FOLLOWUP_MONTHLY.zh]._charts) == 2


def test_monthly_report_workbook(refreshed, tmp_path):
    path = tmp_path / "台账.xlsx"
    shutil.copyfile(refreshed[0], path)
    out, tabs = jobs.monthly_report_book(path, TODAY)
    assert out == tmp_path / "客服月报-2026-10.xlsx"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["客服月报", "回访月报", "投诉分析"]
    assert set(c.value for c in wb["回访月报"]["A"][1:]) == {"2026-10"}
    assert len(wb["回访月报"]._charts) == 1 and len(wb["投诉分析"]._charts) == 1
    first = [c.value for c in wb["客服月报"][2]]
    frame = tabs[next(s for s in tabs if s.key == "monthly_report")]
    assert first[0] == "7DC应回访" and first[1] == frame["this_month"].iloc[0]
    assert wb["客服月报"]["B3"].number_format == "0%"  # 7DC完成率 is a rate


def _number(text: str) -> float:
    text = text.replace(",", "").strip()
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def _same(expected, shown: str, kind: ColumnType) -> bool:
    if expected is None or (not isinstance(expected, str) and pd.isna(expected)):
        return shown == ""
    if kind in (ColumnType.NUMBER, ColumnType.PERCENT, ColumnType.DECIMAL, ColumnType.FIGURE):
        return math.isclose(_number(shown), round(float(expected), 2), abs_tol=1e-9)
    if kind is ColumnType.DATE:
        return shown == pd.Timestamp(expected).strftime("%Y-%m-%d")
    return shown == str(expected)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed; .ci/run installs it")
def test_libreoffice_reads_every_report_tab_as_csxl_computed_it(refreshed, tmp_path):
    path, tabs = refreshed
    source = tmp_path / "book.xlsx"
    shutil.copyfile(path, source)
    done = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "error" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
    for sheet in REPORT_SHEETS:
        with open(tmp_path / f"book-{sheet.zh}.csv", encoding="utf-8", newline="") as handle:
            shown = list(csv.reader(handle))
        frame = tabs[sheet]
        assert shown[0] == sheet.headers("zh"), sheet.zh
        assert len(shown) == len(frame) + 1, sheet.zh
        for index, column in enumerate(sheet.columns):
            for position, (expected, cell) in enumerate(zip(frame[column.key], (r[index] for r in shown[1:]))):
                assert _same(expected, cell, column.type), (sheet.zh, position + 2, column.zh, expected, cell)


def test_every_sheet_of_a_new_workbook_prints_a4_landscape_one_page_wide(tmp_path):
    path = build_template(tmp_path / "新.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1), ws.title  # 1 is the default
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert "&A" in ws.oddFooter.left.text and "&P" in ws.oddFooter.right.text, ws.title


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice and poppler-utils (pdftotext); .ci/run installs them")
def test_due_list_prints_one_page_wide_with_its_header_on_every_page(tmp_path):
    path = tmp_path / "台账.xlsx"
    build_template(path, rows=demo_rows(TODAY, 300))
    result, _ = jobs.refresh(path, TODAY)
    wb = openpyxl.load_workbook(path)
    for name in [n for n in wb.sheetnames if n != "今日待办"]:
        del wb[name]
    single = tmp_path / "今日待办.xlsx"
    wb.save(single)
    done = subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(single)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "今日待办.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) <= len(result.due) // 25 + 1  # rows down the pages, never columns across them
    for page in pages:
        assert "事项类型" in page and "说明" in page  # the header row, first to last column, on every page
    # every character of every note prints: a long 说明 wraps inside its column instead of running off the page
    column = _printed_column(tmp_path / "今日待办.pdf", "说明")
    notes = ["".join(note.split()) for note in result.due["note"].dropna()]
    assert any(len(note) > 30 for note in notes)
    assert [note for note in notes if note not in column] == []


def _printed_column(pdf, header: str) -> str:
    """What prints under ``header``, page by page and top to bottom, without spaces (pdftotext's word boxes)."""
    import html
    import re

    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    printed = []
    for page in boxes.split("<page ")[1:]:
        words = [(float(y), float(x), float(right), html.unescape(word)) for x, y, right, word in
                 re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)]
        left = min(x for _, x, _, word in words if word == header)
        printed += [word for _, x, _, word in sorted(words) if x >= left - 1 and word != header]
    return "".join(printed)
