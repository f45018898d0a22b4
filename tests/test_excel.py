"""The Excel face: the built add-in, every ribbon action through the file adapter, the worksheet functions.

What needs a running Excel (the xlwings adapter itself) is tested at the end, and skipped elsewhere.
"""

import datetime as dt
import os
import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from lxml import etree

from csxl import jobs
from csxl.demo import demo_rows
from csxl.excel import dispatch
from csxl.excel.actions import ACTIONS
from csxl.excel.addin import MACROS, MODULES, XLWINGS_VERSION, build, vba_source
from csxl.excel.book import FileBook
from csxl.workbook.template import build_template

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def addin(tmp_path_factory):
    return build(tmp_path_factory.mktemp("addin") / "csxl.xlam")


# --- the built add-in ------------------------------------------------------

def test_addin_is_a_package_with_its_ribbon(addin):
    with zipfile.ZipFile(addin) as package:
        assert package.testzip() is None
        types = package.read("[Content_Types].xml").decode()
        rels = etree.fromstring(package.read("_rels/.rels"))
        ribbon = package.read("customUI/customUI.xml")
        workbook = package.read("xl/workbook.xml").decode()
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
    assert 'Extension="xml"' in types  # the ribbon part is plain XML
    targets = {r.get("Type"): r.get("Target") for r in rels}
    # the 2006/01 customUI namespace is linked by the 2006 relationship, as xlwings links its own xlwings.xlam
    assert targets["http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"] == "customUI/customUI.xml"
    assert ribbon == (MACROS / "customUI.xml").read_bytes()
    assert 'name="_csxl.conf"' in workbook and "myaddin" not in workbook


def test_ribbon_is_well_formed_with_unique_ids_and_every_button_mapped():
    root = etree.parse(str(MACROS / "customUI.xml")).getroot()
    assert root.tag == f"{{{CUSTOMUI_NS}}}customUI"
    tab = root.find(f".//{{{CUSTOMUI_NS}}}tab")
    assert tab.get("label") == "客服助手"
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    buttons = root.findall(f".//{{{CUSTOMUI_NS}}}button")
    assert {b.get("id") for b in buttons} == set(ACTIONS)
    assert {b.get("label") for b in buttons} == {"刷新报表", "今日待办", "检查数据", "查找客户", "客户档案卡", "发送提醒", "发送记录", "月报", "投诉处理单", "回访单", "设置帮助"}
    assert all(b.get("onAction") == "CsxlRibbon.CsxlAction" and b.get("imageMso") and b.get("screentip") for b in buttons)


def test_every_action_is_a_function():
    from csxl.excel import run

    assert all(callable(getattr(run, name)) for name in ACTIONS.values())


def test_vba_modules_read_back_with_oletools_equal_macros(addin):
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(addin))
    modules = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    assert set(modules) == {"ThisWorkbook", "Dictionary", "Sheet2", "xlwings", *MODULES}
    for module in MODULES:
        assert modules[module].replace("\r\n", "\n").strip() == vba_source(module).replace("\r\n", "\n").strip()
        assert modules[module].isascii()
    runtime = modules["xlwings"]
    assert 'PROJECT_NAME As String = "csxl"' in runtime
    assert f"'Version: {XLWINGS_VERSION}" in runtime and f"xlwings64-{XLWINGS_VERSION}.dll" in runtime
    assert "RibbonMyAddin" not in modules
    assert 'RunPython "import csxl.excel as x; x.dispatch(\'" & actionId & "\')"' in modules["CsxlRibbon"]
    assert "CsxlRun control.Id" in modules["CsxlRibbon"]


def test_macros_source_is_ascii():
    for path in MACROS.glob("*.bas"):
        assert path.read_bytes().isascii(), path


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed; .ci/run installs it")
def test_libreoffice_opens_the_addin(addin, tmp_path):
    done = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(addin)],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0 and "Error" not in done.stdout + done.stderr, done.stdout + done.stderr
    assert openpyxl.load_workbook(tmp_path / "csxl.xlsx").sheetnames == ["_csxl.conf"]


def test_install_elsewhere_says_what_it_would_do_and_refuses(addin, csxl_cmd):
    if os.name == "nt":
        pytest.skip("installs for real on Windows")
    result = subprocess.run([*csxl_cmd, "addin", "install", "--addin", str(addin)], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "CSXL_LANG": "zh", "HOME": "/home/clerk"})
    assert result.returncode == 3
    assert result.stdout.splitlines()[0].startswith(f"复制加载项 {addin} → ")
    assert "Interpreter_Win = " in result.stdout and "pythonw.exe" in result.stdout
    assert result.stderr.strip() == "Error: 只能在 Windows 上安装加载项（Excel 桌面版），以上步骤未执行"


# --- dispatch through the file adapter -------------------------------------

@pytest.fixture
def workbook(tmp_path, monkeypatch):
    monkeypatch.setattr("csxl.clock.today", lambda timezone="Asia/Shanghai": TODAY)
    return build_template(tmp_path / "台账.xlsx", rows=demo_rows(TODAY, 40))


def _tab_values(path, name):
    return [list(r) for r in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]


def test_refresh_gives_the_same_tabs_as_the_command_line(workbook, tmp_path):
    by_cli = tmp_path / "cli.xlsx"
    shutil.copyfile(workbook, by_cli)
    jobs.refresh(by_cli, TODAY)
    book = FileBook(workbook)
    message = dispatch("refresh", book)
    assert message.startswith("已刷新（2026-11-24）：今日待办 ") and book.said == [message]
    assert book.shown == "今日待办"
    for name in ("今日待办", "数据问题", "回访月报", "投诉分析", "客户分析", "客户价值", "客服月报", "整改清单", "抽样回访"):
        assert _tab_values(workbook, name) == _tab_values(by_cli, name), name
    assert len(openpyxl.load_workbook(workbook)["回访月报"]._charts) == 2


def test_due_and_check(workbook):
    book = FileBook(workbook)
    assert dispatch("due", book).startswith("今日待办 ")
    assert dispatch("check", book).startswith("共 ") and book.shown == "数据问题"
    assert "客户档案!" in book.said[-1]


def test_search_and_card_ask_then_answer(workbook):
    book = FileBook(workbook, answers=["C00001", None])
    found = dispatch("search", book)
    assert found.splitlines()[0].startswith("C00001  ")
    assert dispatch("card", book) == "已取消"
    book = FileBook(workbook, answers=["C00001"])
    card = dispatch("card", book)
    assert card.splitlines()[0].startswith("C00001") and "车辆（" in card


def test_send_asks_first_and_sends_once(workbook):
    refused = FileBook(workbook, answers=[False])
    assert dispatch("send", refused) == "已取消，没有发送任何消息"
    assert refused.said[0].startswith("将发送提醒给：") and "确定发送吗？" in refused.said[0]
    assert not (workbook.parent / "outbox").exists()
    agreed = FileBook(workbook, answers=[True])
    sent = dispatch("send", agreed)
    assert sent.startswith("已发送 ") and int(sent.split()[1]) > 0
    outbox = list((workbook.parent / "outbox").glob("*.eml"))
    assert len(outbox) == int(sent.split()[1])
    assert dispatch("send", FileBook(workbook, answers=[True])) == "2026-11-24 没有需要发送的提醒"
    assert openpyxl.load_workbook(workbook)["发送记录"].max_row > 1


def test_sent_log_monthly_and_help(workbook):
    assert dispatch("sentlog", FileBook(workbook)) == "还没有发送过消息"
    monthly = dispatch("monthly", FileBook(workbook))
    assert monthly == f"客服月报已生成：{workbook.parent / '客服月报-2026-10.xlsx'}"
    assert "低分阈值（默认 6）" in dispatch("help", FileBook(workbook))


def test_a_failure_is_one_sentence_and_goes_to_the_log(workbook):
    workbook.with_name("~$" + workbook.name).write_bytes(b"")  # irrelevant to the ribbon: it writes through Excel
    broken = FileBook(workbook)
    broken.sheet_rows = lambda name: (_ for _ in ()).throw(RuntimeError("boom"))
    message = dispatch("refresh", broken)
    assert message.startswith("操作未完成：出现了意外错误，详情已写入日志 ")
    assert "RuntimeError: boom" in (workbook.parent / "csxl.log").read_text(encoding="utf-8")


def test_a_click_waits_for_the_scheduler_then_says_so(workbook, monkeypatch):
    from csxl.excel import run
    from csxl.workbook.lock import workbook_lock

    monkeypatch.setattr(run, "LOCK_WAIT_SECONDS", 0.2)
    with workbook_lock(workbook):
        message = dispatch("refresh", FileBook(workbook))
    assert message == f"另一个 csxl（定时任务或同事的操作）正在处理这个工作簿，未做任何修改：{workbook}（请稍后再试）"


# --- worksheet functions ---------------------------------------------------

@pytest.mark.parametrize("start, n, expected", [
    (dt.date(2026, 9, 18), 1, dt.date(2026, 9, 20)),  # the make-up Sunday counts
    (dt.date(2026, 9, 30), 1, dt.date(2026, 10, 8)),  # across the National Day week
    (dt.date(2026, 10, 8), -1, dt.date(2026, 9, 30)),
    (dt.datetime(2026, 11, 20), 1, dt.date(2026, 11, 23)),
    (46350, 0, dt.date(2026, 11, 24)),  # a serial number, as Excel may hand a date over
])
def test_csxl_workday(start, n, expected):
    from csxl.excel.udfs import CSXL_WORKDAY

    assert CSXL_WORKDAY(start, n) == expected


def test_udfs_return_error_text_instead_of_raising():
    from csxl.excel.udfs import CSXL_LUNAR, CSXL_WORKDAY

    assert CSXL_WORKDAY("不是日期", 1).startswith("#CSXL! ")
    assert CSXL_LUNAR("2026年1月4日") == "冬月十六"
    assert CSXL_LUNAR(dt.date(2025, 7, 30)) == "闰六月初六"


@pytest.mark.parametrize("birthday, lunar, today, expected", [
    (dt.date(1988, 2, 29), False, dt.date(2027, 2, 1), dt.date(2027, 2, 28)),  # Feb 29 in a common year
    (dt.date(1988, 2, 29), False, dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
    (dt.date(1990, 10, 3), True, dt.date(2026, 9, 1), dt.date(2026, 9, 25)),  # 八月十五 → 中秋 2026
    (dt.date(1990, 11, 24), False, dt.date(2026, 11, 24), dt.date(2026, 11, 24)),
])
def test_next_birthday(birthday, lunar, today, expected):
    from csxl.excel.udfs import next_birthday_from

    assert next_birthday_from(birthday, lunar, today) == expected


def test_csxl_due_names_the_next_item_of_a_car(tmp_path):
    from csxl.excel.udfs import next_due
    from csxl.workbook.reader import read_book

    path = build_template(tmp_path / "b.xlsx", rows={
        "customers": [{"customer_id": "C1", "name": "张三"}],
        "vehicles": [{"vin": "V1", "customer_id": "C1", "insurance_due": dt.date(2026, 12, 3)}],
    })
    book = read_book(path)
    assert next_due(book, "V1", TODAY) == "续保提醒 2026-12-03"
    assert next_due(book, "V9", TODAY) == "#CSXL! 找不到此车架号"


# --- start-up of a click ---------------------------------------------------

def test_importing_the_excel_entry_loads_no_data_library():
    code = ("import sys, csxl.excel; print(','.join(m for m in ('pandas', 'pyarrow', 'fastexcel', 'openpyxl', 'xlwings', 'numpy') "
            "if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == ""


def test_the_ribbons_due_list_leaves_out_messages_already_sent(workbook):
    def greetings_due():
        dispatch("due", FileBook(workbook))
        return sum(row[0] in ("生日关怀", "节日问候") for row in _tab_values(workbook, "今日待办")[1:])

    before = greetings_due()
    assert before > 0
    assert dispatch("send", FileBook(workbook, answers=[True])).startswith("已发送 ")
    sent = len(list((workbook.parent / "outbox").glob("*.eml")))
    assert sent > 0 and greetings_due() < before
