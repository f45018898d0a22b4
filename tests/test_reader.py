"""Reading real .xlsx files written by openpyxl and by xlsxwriter."""

import datetime as dt

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from csxl.workbook.reader import read_book

D = dt.date
CUSTOMER_HEADERS_SHUFFLED = ["手机", "备注", "客户编号", "我的标记", "生日", "姓名"]


def _openpyxl_book(path, rows, headers=CUSTOMER_HEADERS_SHUFFLED, sheet="客户档案", date1904=False, header_row=1):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if date1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    for col, header in enumerate(headers, start=1):
        ws.cell(header_row, col, header)
    for r, row in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    wb.save(path)
    return path


def _xlsxwriter_book(path, rows, headers, date1904=False, sheet="客户档案"):
    wb = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
    ws = wb.add_worksheet(sheet)
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, D):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            elif value is not None:
                ws.write_number(r, c, value)
    wb.close()
    return path


ROWS = [
    ["075512345678", "老客户", "C001", "x", D(1990, 1, 4), "张三"],
    ["13800138000", None, "C002", None, "2026年1月4日", "李四"],
    ["13900139000", None, "C003", None, "2026/1/4", "王五"],
    ["13700137000", None, "C004", None, "2026-01-04", "赵六"],
]


@pytest.mark.parametrize("date1904", [False, True])
@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_columns_by_header_in_any_order_with_dates_in_every_accepted_form(tmp_path, writer, date1904):
    path = tmp_path / "b.xlsx"
    if writer == "openpyxl":
        _openpyxl_book(path, ROWS, date1904=date1904)
    else:
        _xlsxwriter_book(path, ROWS, CUSTOMER_HEADERS_SHUFFLED, date1904=date1904)
    book = read_book(path)
    customers = book.frames["customers"]
    assert list(customers["customer_id"]) == ["C001", "C002", "C003", "C004"]
    assert list(customers["birthday"].dt.date) == [D(1990, 1, 4), D(2026, 1, 4), D(2026, 1, 4), D(2026, 1, 4)]
    assert customers["phone"].iloc[0] == "075512345678"  # leading zero kept
    assert list(customers["_row"]) == [2, 3, 4, 5]
    assert "我的标记" not in customers.columns
    assert [p for p in book.problems if p.sheet == "客户档案"] == []


def test_phone_typed_as_a_number_stays_text_without_a_decimal(tmp_path):
    path = _openpyxl_book(tmp_path / "b.xlsx", [[13800138000, None, 7, None, None, "张三"]])
    customers = read_book(path).frames["customers"]
    assert (customers["phone"].iloc[0], customers["customer_id"].iloc[0]) == ("13800138000", "7")


def test_english_sheet_names_and_headers(tmp_path):
    path = _xlsxwriter_book(
        tmp_path / "b.xlsx",
        [["C9", "Zhang San", D(1990, 1, 4), "yes"]],
        ["customer_id", "Name", "birthday", "opt_out"],
        sheet="Customers",
    )
    customers = read_book(path).frames["customers"]
    assert customers.iloc[0][["customer_id", "name", "opt_out"]].tolist() == ["C9", "Zhang San", "是"]


def test_bad_values_become_problems_with_sheet_row_column_and_value(tmp_path):
    rows = [
        ["13800138000", None, "C001", None, "1990-01-04", "张三"],
        [None, None, None, None, None, None],  # a blank row keeps the numbering honest
        ["13800138001", None, "C002", None, "明年三月", "李四"],
        ["13800138002", None, "C003", None, "2026-02-30", "王五"],
        ["13800138003", None, None, None, None, "无编号"],
    ]
    path = _openpyxl_book(tmp_path / "b.xlsx", rows)
    book = read_book(path)
    problems = [(p.sheet, p.row, p.column, p.value) for p in book.problems if p.sheet == "客户档案"]
    assert problems == [
        ("客户档案", 4, "生日", "明年三月"),
        ("客户档案", 5, "生日", "2026-02-30"),
        ("客户档案", 6, "客户编号", None),
    ]
    # the bad date is dropped from the value, the row is still used; the row without id is not
    assert list(book.frames["customers"]["customer_id"]) == ["C001", "C002", "C003"]


def test_header_below_an_empty_first_row_numbers_rows_as_excel_does(tmp_path):
    path = _openpyxl_book(tmp_path / "b.xlsx", [["1", None, "C1", None, "不是日期", "张三"]], header_row=3)
    problem = next(p for p in read_book(path).problems if p.sheet == "客户档案")
    assert (problem.row, problem.value) == (4, "不是日期")


def test_missing_sheets_and_required_columns_are_reported_not_raised(tmp_path):
    path = _openpyxl_book(tmp_path / "b.xlsx", [["1", "C1"]], headers=["手机", "客户编号"])
    book = read_book(path)
    messages = [str(p) for p in book.problems]
    assert any("车辆档案" in m and "缺少工作表" in m for m in messages)
    assert any(p.sheet == "客户档案" and p.column == "姓名" and "缺少必需的列" in p.message for p in book.problems)
    assert book.frames["customers"].empty


def test_duplicate_ids_and_dangling_references(tmp_path):
    from csxl.workbook.template import build_template

    rows = {
        "customers": [{"customer_id": "C1", "name": "张三"}, {"customer_id": "C1", "name": "张三丰"}],
        "vehicles": [{"vin": "V1", "customer_id": "C1"}, {"vin": "V2", "customer_id": "C404"}],
    }
    book = read_book(build_template(tmp_path / "b.xlsx", rows=rows))
    found = {(p.sheet, p.row, p.column, p.value) for p in book.problems}
    assert ("客户档案", 3, "客户编号", "C1") in found
    assert ("车辆档案", 3, "客户编号", "C404") in found
    assert list(book.frames["customers"]["name"]) == ["张三"]  # the first one is kept


@pytest.mark.parametrize(
    "typed, canonical",
    [("是", "是"), ("yes", "是"), ("Y", "是"), ("TRUE", "是"), ("1", "是"), ("否", "否"), ("no", "否"), (None, "否")],
)
def test_yes_no_spellings(tmp_path, typed, canonical):
    path = _openpyxl_book(tmp_path / "b.xlsx", [["C1", "张三", typed]], headers=["客户编号", "姓名", "拒收提醒"])
    assert read_book(path).frames["customers"]["opt_out"].iloc[0] == canonical


def test_settings_are_read_and_bad_ones_fall_back_with_a_problem(tmp_path):
    from csxl.workbook.template import build_template

    path = build_template(tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["设置"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "7DC回访天数":
            row[1].value = "8"
        if row[0].value == "3DC回访截止天数":
            row[1].value = "五天"
    wb.save(path)
    book = read_book(path)
    assert book.settings.followup_7dc_days == 8
    assert book.settings.followup_3dc_end_days == 5
    assert any(p.sheet == "设置" and p.value == "五天" for p in book.problems)


def test_dates_read_as_pandas_timestamps(tmp_path):
    path = _openpyxl_book(tmp_path / "b.xlsx", ROWS[:1])
    assert isinstance(read_book(path).frames["customers"]["birthday"].iloc[0], pd.Timestamp)


@pytest.mark.parametrize("text_with_the_mark", [False, True], ids=["matched at once", "looked at one by one"])
def test_the_scan_finds_every_boolean_with_its_value(tmp_path, text_with_the_mark):
    """Booleans plain, styled and as a formula's result are found, each once; a text holding the mark itself
    sends the piece down the slow path, which must find the same."""
    from csxl.workbook.hiddencells import BOOLEAN, hidden_cells

    path = tmp_path / "booleans.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})  # its texts inline in the sheet, quotes as they are
    sheet = book.add_worksheet("S")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, ["a", "b"])
    sheet.write_boolean(1, 0, True)
    sheet.write_boolean(2, 1, False, bold)
    sheet.write_formula(3, 0, "=1=1", None, True)
    sheet.write_string(4, 1, 'x t="b" y' if text_with_the_mark else "x")
    for row in range(5, 3000):
        sheet.write_boolean(row, 1, row % 3 == 0)
    book.close()

    found = hidden_cells(path, "xl/worksheets/sheet1.xml")
    booleans = {(c.row, c.column): c.value for c in found if c.kind == BOOLEAN}
    expected = {(2, 0): "true", (3, 1): "false", (4, 0): "true", **{(row + 1, 1): str(row % 3 == 0).lower() for row in range(5, 3000)}}
    assert booleans == expected
    assert len(found) == len(booleans)
