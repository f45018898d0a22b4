"""The Excel face over the test double of Excel: every ribbon action through `XlwingsBook`, cell for cell against the file path.

The double (csxl/excel/double.py) is checked first on its own, so that a test passing over it means something:
it retypes text written into General cells the way Excel does.
"""

import datetime as dt
import logging

import pytest

from csxl.demo import demo_rows
from csxl.excel import double, selftest
from csxl.excel.run import UNSAVED_NOTE, run_action
from csxl.excel.xlwings_book import XlwingsBook
from csxl.workbook.template import build_template

TODAY = dt.date(2026, 11, 24)
DOUBLE_TODAY = TODAY


# --- the double behaves like Excel where csxl depends on it -------------------------------

@pytest.mark.parametrize("typed_text, expected", [
    ("2026-01", dt.datetime(2026, 1, 1)),  # a period becomes a date (xlwings #1269, #2247, #2248)
    ("2026-11-24", dt.datetime(2026, 11, 24)),
    ("2026年1月4日", dt.datetime(2026, 1, 4)),
    ("11-24", dt.datetime(2026, 11, 24)),
    ("2026/1/4 9:30", dt.datetime(2026, 1, 4, 9, 30)),
    ("13800138000", 13800138000.0),  # a phone number becomes a number
    ("00123", 123.0),  # leading zeros are lost
    ("123456789012345678", 123456789012346000.0),  # 15 significant digits
    ("1,234.5", 1234.5),
    ("50%", 0.5),
    ("TRUE", True),
    ("10:30", dt.datetime(1899, 12, 30, 10, 30)),  # a time: a date-formatted fraction of a day
    ("2026-W03", "2026-W03"),  # an ISO week is not a date to Excel
    ("0755-12345678", "0755-12345678"),
    ("'00123", "00123"),  # the apostrophe keeps text and is not part of the value
    ("张三", "张三"),
])
def test_a_string_in_a_general_cell_is_parsed_as_if_typed(typed_text, expected):
    book = double.App(today=DOUBLE_TODAY).new_book()
    cell = book.sheets[0].range("A1")
    cell.value = typed_text
    assert cell.value == expected and type(cell.value) is type(expected)


@pytest.mark.parametrize("typed_text", ["=1+1", "-张三", "+86 138", "@某人"])
def test_text_that_looks_like_a_formula_becomes_one(typed_text):
    sheet = double.App().new_book().sheets[0]
    sheet.range("A1").value = typed_text
    assert sheet.range("A1").value is None
    assert sheet.range("A1").options(err_to_str=True).value == "#NAME?"


def test_text_format_first_keeps_text_and_a_date_turned_text_shows_its_serial():
    sheet = double.App(today=DOUBLE_TODAY).new_book().sheets[0]
    sheet.range("A1:A3").number_format = "@"
    sheet.range("A1").value = [["00123"], ["2026-01"], ["=SUM(1)"]]
    assert sheet.range("A1:A3").value == ["00123", "2026-01", "=SUM(1)"]
    sheet.range("B1").value = "2026-01"
    sheet.range("B1").number_format = "@"  # the order XlwingsBook used: write, then format
    assert sheet.range("B1").value == 46023.0


def test_dates_numbers_and_errors_read_back_as_xlwings_gives_them():
    sheet = double.App().new_book().sheets[0]
    sheet.range("A1").value = [[dt.date(2026, 1, 4), 5, None, True]]
    assert sheet.range("A1:D1").options(ndim=2).value == [[dt.datetime(2026, 1, 4), 5.0, None, True]]
    sheet.cells[(2, 1)] = double.Cell(double.CellError("#N/A"))
    assert sheet.range("A2").value is None and sheet.range("A2").options(err_to_str=True).value == "#N/A"
    with pytest.raises(TypeError, match="COM VARIANT"):
        import pandas as pd

        sheet.range("A3").value = pd.NA


def test_a_chart_refuses_a_title_before_it_has_a_series_and_no_printer_refuses_a_paper_size():
    app = double.App(has_printer=False)
    sheet = app.new_book().sheets[0]
    chart = sheet.charts.add()
    with pytest.raises(double.ComError):
        chart.title = "完成率"
    chart.api[1].SeriesCollection().NewSeries()
    chart.title = "完成率"
    assert chart.title == "完成率"
    with pytest.raises(double.ComError):
        sheet.api.PageSetup.PaperSize = 9


# --- every action through XlwingsBook over the double equals the file path ---------------

@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("csxl.clock.today", lambda timezone="Asia/Shanghai": TODAY)
    return TODAY


def _rows_with_digit_ids():
    rows = demo_rows(TODAY, 40)
    rows["customers"].append({"customer_id": "00123", "name": "郑零", "phone": "13800138000", "gender": "男"})
    rows["vehicles"].append({"vin": "LSVDIGITS00000001", "plate": "粤B00001", "customer_id": "00123", "model": "朗逸",
                             "delivery_date": TODAY - dt.timedelta(days=200)})
    rows["services"].append({"order_no": "0042", "vin": "LSVDIGITS00000001", "date_in": TODAY - dt.timedelta(days=40),
                             "date_out": TODAY - dt.timedelta(days=40), "kind": "维修", "amount": 15000, "advisor": "周静"})
    return rows


@pytest.fixture
def pair(tmp_path, today):
    """The same workbook twice: for the double (as Excel holds it once opened) and for the file path."""
    rows = _rows_with_digit_ids()
    excel_copy = build_template(tmp_path / "excel" / "台账.xlsx", rows=rows)
    file_copy = build_template(tmp_path / "file" / "台账.xlsx", rows=rows)
    return excel_copy, file_copy


def test_every_ribbon_action_over_the_double_gives_the_file_paths_tabs_cell_for_cell(pair):
    excel_copy, file_copy = pair
    file_said = selftest.file_path_results(file_copy)
    app = double.App(today=DOUBLE_TODAY)
    book = app.open(excel_copy)
    excel_said = selftest.xlwings_results(book, app)
    tabs = selftest.book_tabs(book.sheets, selftest.generated_names())
    checks = selftest.compare_results(file_copy, file_said, excel_said, tabs, excel_copy.parent)
    assert [c.line() for c in checks if not c.passed] == []
    assert len(tabs) >= 11  # every report tab, 今日待办 and 数据问题

    def column(tab, header):
        rows = tabs[tab]
        index = rows[0].index(header)
        return [r[index] for r in rows[1:] if index < len(r) and r[index] is not None]

    phones = column("今日待办", "手机")
    assert all(isinstance(p, str) for p in phones) and sum(p.isdigit() and len(p) == 11 for p in phones) > 10
    assert all(isinstance(p, str) and len(p) == 7 for p in column("回访月报", "周期"))  # 2026-01, not a date
    assert all(isinstance(p, str) and len(p) == 10 for p in column("回访日报", "周期"))
    assert "00123" in column("客户价值", "客户编号")
    assert "0042" in column("抽样回访", "工单号")
    assert all(isinstance(d, dt.datetime) for d in column("今日待办", "应办日期"))
    assert not any(v == "<NA>" for rows in tabs.values() for row in rows for v in row)
    assert excel_said["refresh"] == file_said["refresh"]


def test_charts_get_their_series_then_their_title(pair):
    app = double.App(today=DOUBLE_TODAY)
    book = app.open(pair[0])
    assert run_action("refresh", XlwingsBook(book)).startswith("已刷新")
    charts = book.sheets["回访月报"].charts
    assert len(charts) == 2 and all(c.title and c.api[1].SeriesCollection().Count for c in charts)


def test_long_notes_wrap_and_their_rows_are_sized_as_in_the_file(pair):
    app = double.App(today=DOUBLE_TODAY)
    book = app.open(pair[0])
    run_action("refresh", XlwingsBook(book))
    due = book.sheets["今日待办"]
    note = next(c for c in range(1, 20) if due.range((1, c)).value == "说明")
    assert due.range((2, note)).wrap_text and not due.range((2, 1)).wrap_text
    assert due.autofitted


def test_no_printer_still_refreshes_and_the_page_is_set_up(pair, caplog):
    app = double.App(today=DOUBLE_TODAY, has_printer=False)
    book = app.open(pair[0])
    with caplog.at_level(logging.WARNING, logger="csxl.excel"):
        assert run_action("refresh", XlwingsBook(book)).startswith("已刷新")
    setup = book.sheets["今日待办"].api.PageSetup
    assert (setup.Orientation, setup.FitToPagesWide, setup.PrintTitleRows) == (2, 1, "$1:$1")
    assert app.api.PrintCommunication is True
    assert "paper size not set" in caplog.text


def test_the_result_is_a_message_box_and_the_status_bar_goes_back_to_excel(pair):
    app = double.App(today=DOUBLE_TODAY)
    book = app.open(pair[0])
    message = run_action("due", XlwingsBook(book))
    assert app.shown[-1] == message and app.status_bar is None


def test_an_unsaved_workbook_is_refreshed_in_memory_and_sending_asks_to_save(pair, tmp_path, monkeypatch):
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    app = double.App(today=DOUBLE_TODAY)
    book = app.open(pair[0])
    book.fullname, book.name = "工作簿1", "工作簿1"  # as Excel names a workbook never saved
    adapter = XlwingsBook(book)
    assert adapter.path is None
    message = run_action("refresh", adapter)
    assert message.startswith("已刷新（2026-11-24）") and message.endswith(UNSAVED_NOTE)
    assert book.sheets["今日待办"].range("A1").value == "事项类型"
    assert run_action("send", XlwingsBook(book)).startswith("请先把工作簿保存")
    assert (tmp_path / "home" / ".csxl" / "csxl.log").exists()


# --- nothing raises past a click ----------------------------------------------------------

def test_a_log_that_cannot_be_opened_does_not_stop_the_click(pair):
    excel_copy, _ = pair
    (excel_copy.parent / "csxl.log").mkdir()  # opening the log fails, as in a read-only folder
    app = double.App(today=DOUBLE_TODAY)
    message = run_action("help", XlwingsBook(app.open(excel_copy)))
    assert message.startswith("「设置」工作表的每一项") and app.shown[-1] == message


def test_a_failing_message_box_does_not_raise_past_the_click(pair):
    app = double.App(today=DOUBLE_TODAY)
    book = XlwingsBook(app.open(pair[0]))
    book.say = lambda *a, **k: (_ for _ in ()).throw(double.ComError("Excel is busy"))
    assert run_action("due", book).startswith("今日待办 ")


# --- the worksheet function reads the workbook once per recalculation --------------------

def test_a_column_of_csxl_due_reads_the_sheets_once(pair, monkeypatch):
    from csxl.excel import udfs
    from csxl.workbook import reader

    reads = []
    real = reader.read_values_book
    monkeypatch.setattr(reader, "read_values_book", lambda *a, **k: reads.append(1) or real(*a, **k))
    clock = iter(range(10_000))
    monkeypatch.setattr(udfs, "monotonic", lambda: next(clock) / 1000)  # 500 calls within half a second
    monkeypatch.setattr(udfs, "_recent", {})
    book = double.App(today=DOUBLE_TODAY).open(pair[0])
    caller = book.sheets[0].range("Z1")
    answers = {udfs.CSXL_DUE("LSVDIGITS00000001", caller) for _ in range(500)}
    assert len(reads) == 1 and len(answers) == 1 and not next(iter(answers)).startswith("#CSXL!")
    monkeypatch.setattr(udfs, "monotonic", lambda: 1000.0)  # a later recalculation reads afresh
    udfs.CSXL_DUE("LSVDIGITS00000001", caller)
    assert len(reads) == 2


def test_an_english_workbook_over_the_double_gives_the_file_paths_tabs(tmp_path, today):
    rows = demo_rows(TODAY, 15)
    excel_copy = build_template(tmp_path / "excel" / "book.xlsx", lang="en", rows=rows)
    file_copy = build_template(tmp_path / "file" / "book.xlsx", lang="en", rows=rows)
    file_said = selftest.file_path_results(file_copy)
    app = double.App(today=DOUBLE_TODAY)
    book = app.open(excel_copy)
    excel_said = selftest.xlwings_results(book, app)
    names = selftest.generated_names("en")
    expected = selftest.file_tabs(file_copy, names)
    assert "Due today" in expected and "monthly_report" in expected
    assert selftest.differences(expected, selftest.book_tabs(book.sheets, names)) == []
    assert {a: m.replace(str(excel_copy.parent), "…") for a, m in excel_said.items()} == \
        {a: m.replace(str(file_copy.parent), "…") for a, m in file_said.items()}
