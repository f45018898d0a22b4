"""What a new clerk gets wrong in the first hour, through the real entry point: one clear sentence each, no traceback."""

import datetime as dt

import openpyxl
import pytest
from cli_runs import run

from csxl.demo import demo_rows
from csxl.workbook.template import build_template

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("mistakes") / "台账.xlsx", rows=demo_rows(TODAY, 40))


def _renamed(source, tmp_path, sheet=None, header=None):
    book = openpyxl.load_workbook(source)
    if sheet:
        book[sheet[0]].title = sheet[1]
    if header:
        ws = book[header[0]]
        cell = next(c for c in ws[1] if c.value == header[1])
        cell.value = header[2]
    path = tmp_path / "改过.xlsx"
    book.save(path)
    return path


def test_a_renamed_sheet_is_said_once_with_a_hint(csxl_cmd, demo_book, tmp_path):
    path = _renamed(demo_book, tmp_path, sheet=("车辆档案", "车辆"))
    check = run(csxl_cmd, "check", path, "--today", TODAY)
    vehicle_lines = [line for line in check.stdout.splitlines() if "车辆档案" in line]
    assert vehicle_lines == ["车辆档案: 缺少工作表「车辆档案」，已按空表处理。找到工作表「车辆」，是不是「车辆档案」？请改回这个名字"]
    assert "找不到此车架号" not in check.stdout  # no follow-on problem for every reference to the missing sheet
    assert "Traceback" not in check.stderr
    send = run(csxl_cmd, "remind", path, "--send", "--today", TODAY)
    assert send.returncode != 0
    assert send.stderr.strip().startswith("Error: 工作簿缺少必需的工作表或列（车辆档案），为免错发漏发，未发送任何消息")
    assert not (tmp_path / "outbox").exists()


def test_a_renamed_required_header_is_said_once_with_a_hint(csxl_cmd, demo_book, tmp_path):
    path = _renamed(demo_book, tmp_path, header=("客户档案", "姓名", "客户姓名"))
    check = run(csxl_cmd, "check", path, "--today", TODAY)
    lines = [line for line in check.stdout.splitlines() if line.startswith("客户档案")]
    assert lines == ["客户档案!1 [姓名]: 缺少必需的列「姓名」，本表未参与计算。找到列「客户姓名」，是不是「姓名」？请改回这个名字"]
    assert "在「客户档案」中找不到此客户编号" not in check.stdout
    assert run(csxl_cmd, "remind", path, "--send", "--today", TODAY).returncode != 0


def test_problems_come_in_sheet_and_row_order(csxl_cmd, demo_book):
    lines = run(csxl_cmd, "check", demo_book, "--today", TODAY).stdout.splitlines()
    order = ["客户档案", "车辆档案", "维修记录", "回访记录", "投诉记录", "资料交接"]
    keys = []
    for line in lines:
        sheet, _, rest = line.partition("!")
        if sheet in order and rest.split(" ")[0].isdigit():
            keys.append((order.index(sheet), int(rest.split(" ")[0])))
    assert keys == sorted(keys) and len(keys) > 3


def test_libreoffice_lock_file_refuses_a_refresh(csxl_cmd, demo_book, tmp_path):
    path = tmp_path / "b.xlsx"
    path.write_bytes(demo_book.read_bytes())
    (tmp_path / ".~lock.b.xlsx#").write_text("clerk,PC,,")
    before = path.read_bytes()
    result = run(csxl_cmd, "refresh", path, "--today", TODAY)
    assert result.returncode != 0 and "LibreOffice" in result.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("phone, flagged", [
    ("13800138000", False), ("138 0013 8000", False), ("138-0013-8000", False), ("+86 138 0013 8000", False),
    ("0755-12345678", False), ("(020) 8765 4321", False),
    ("138 0013 800", True), ("1380013800012", True), ("12345678", True), ("电话没留", True),
])
def test_phone_numbers(phone, flagged):
    from csxl.workbook.reader import frames_from_records

    _, problems = frames_from_records({"customers": [{"customer_id": "C1", "name": "张三", "phone": phone}]})
    phones = [p for p in problems if p.column == "手机"]
    assert bool(phones) is flagged
    if flagged:
        assert (phones[0].row, phones[0].value) == (2, phone)


def test_a_visit_dated_after_today_is_a_problem_and_completes_nothing(tmp_path):
    from csxl import jobs
    from csxl.workbook.reader import read_book

    path = build_template(tmp_path / "b.xlsx", rows={
        "customers": [{"customer_id": "C1", "name": "张三"}],
        "vehicles": [{"vin": "V1", "customer_id": "C1"}],
        "services": [{"order_no": "W1", "vin": "V1", "date_out": dt.date(2026, 11, 20)}],
        "visits": [{"visit_date": dt.date(2026, 11, 25), "customer_id": "C1", "vin": "V1", "kind": "3DC", "order_no": "W1"}],
    })
    result = jobs.compute_due(read_book(path), TODAY)
    assert [str(p) for p in result.problems] == ["回访记录!2 [回访日期] «2026-11-25»: 回访日期晚于今天（2026-11-24），不计为已完成"]
    assert list(result.due["kind"]) == ["3DC回访"]


def test_the_default_store_name_is_warned_about_once_after_a_real_send(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx", rows={"customers": [
        {"customer_id": "C1", "name": "张三", "birthday": dt.date(1990, 11, 28), "email": "c1@example.com"}]})
    dry = run(csxl_cmd, "remind", path, "--today", TODAY)
    assert "门店名称" not in dry.stderr
    sent = run(csxl_cmd, "remind", path, "--send", "--today", TODAY)
    warnings = [line for line in sent.stderr.splitlines() if "门店名称" in line]
    assert warnings == ["注意：消息署名仍是默认的「本店」，请在「设置」工作表填写门店名称"]
    demo = run(csxl_cmd, "demo", "--dir", tmp_path / "d", "--customers", "20", "--today", TODAY)
    assert demo.returncode == 0 and "门店名称" not in demo.stderr


def test_the_english_workbook_is_english_and_its_headers_fit(tmp_path):
    from csxl.messages.templates import default_rows
    from csxl.schema import SHEET_ORDER

    path = build_template(tmp_path / "en.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    for sheet in SHEET_ORDER:
        ws = wb[sheet.en]
        for index, column in enumerate(sheet.columns, start=1):
            # (adjacent columns of one width are stored as one range)
            width = next(d.width for d in ws.column_dimensions.values() if d.min <= index <= d.max)
            assert width >= len(column.key) + 1, (sheet.en, column.key, width)
    settings = {r[0]: r[1] for r in wb["Settings"].iter_rows(min_row=2, values_only=True)}
    assert (settings["branch_name"], settings["sender_name"], settings["lang"]) == ("our dealership", "Customer Service", "en")
    kinds = [r[0] for r in wb["Message templates"].iter_rows(min_row=2, values_only=True)]
    holidays = [r[1] for r in wb["Message templates"].iter_rows(min_row=2, values_only=True) if r[1]]
    assert all(k.isascii() for k in kinds) and "birthday greeting" in kinds
    assert sorted(holidays) == ["mid-autumn festival", "spring festival"]
    assert len(default_rows("en")) == len(default_rows("zh"))
