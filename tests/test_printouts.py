"""The paper the desk prints: the 《客户投诉处理表》 of one complaint and the day's 回访单, as files and as LibreOffice prints them."""

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest

from csxl import jobs
from csxl.errors import NoSuchComplaint
from csxl.workbook.template import build_template

D = dt.date
TODAY = D(2026, 11, 24)
PRINTING = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                              reason="needs LibreOffice and poppler-utils (pdftotext); .ci/run installs them")
CUSTOMERS = [
    {"customer_id": "C1", "name": "张三", "phone": "13800138000"},
    {"customer_id": "C2", "name": "李四", "phone": "13900139000"},
    {"customer_id": "C3", "name": "王五", "phone": "13700137000"},
]
VEHICLES = [
    {"vin": "V1", "customer_id": "C1", "plate": "粤B10001", "model": "朗逸", "delivery_date": D(2026, 11, 17)},
    {"vin": "V2", "customer_id": "C2", "plate": "粤B10002", "model": "途岳", "delivery_date": D(2025, 5, 1)},
    {"vin": "V3", "customer_id": "C3", "plate": "粤B10003", "model": "帕萨特", "delivery_date": D(2026, 8, 26)},
]
COMPLAINT = {
    "complaint_id": "TS0001", "received_date": D(2026, 11, 16), "customer_id": "C2", "vin": "V2", "channel": "电话",
    "category": "维修技术", "severity": "重大", "department": "售后服务部", "status": "已关闭", "due_date": D(2026, 11, 19),
    "resolution": "复检后重新安装刹车片，免收工时费", "confirmed_date": D(2026, 11, 18), "closed_date": D(2026, 11, 20),
    "feedback_date": D(2026, 11, 21), "satisfied": "是", "content": "换刹车片三天后有异响，要求免费返修",
}


def _pdf(xlsx, folder):
    done = subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                           "--convert-to", "pdf", "--outdir", str(folder), str(xlsx)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return folder / (xlsx.stem + ".pdf")


def _pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return ["".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.fixture
def book(tmp_path):
    services = [{"order_no": "WO1", "vin": "V2", "date_in": D(2026, 11, 18), "date_out": D(2026, 11, 20), "kind": "维修",
                 "amount": 800.0, "advisor": "陈志强"}]
    visits = [{"visit_date": D(2026, 10, 2), "customer_id": "C2", "vin": "V2", "kind": "年回访", "result": "成功", "overall": 8}]
    return build_template(tmp_path / "台账.xlsx", rows={"customers": CUSTOMERS, "vehicles": VEHICLES, "services": services,
                                                       "visits": visits, "complaints": [COMPLAINT]},
                          settings={"branch_name": "城东店"})


def _labelled(path) -> dict:
    """Every label cell of the form and the value beside it."""
    sheet = openpyxl.load_workbook(path).active
    found = {}
    for row in sheet.iter_rows(values_only=True):
        for label, value in ((row[0], row[1]), (row[2], row[3])):
            if label:
                found[label] = value
    return found


def test_the_complaint_form_carries_the_complaint_and_its_deadlines(book, tmp_path):
    out = jobs.complaint_form(book, "ts0001", TODAY, tmp_path / "form.xlsx")
    fields = _labelled(out)
    assert (fields["客户姓名"], fields["手机"], fields["车牌号"], fields["车型"]) == ("李四", "13900139000", "粤B10002", "途岳")
    assert (fields["受理日期"], fields["渠道"], fields["类别"], fields["级别"]) == ("2026-11-16", "电话", "维修技术", "重大")
    assert fields["投诉内容"] == COMPLAINT["content"] and fields["处理结果"] == COMPLAINT["resolution"]
    assert (fields["经理确认日期"], fields["责任部门"], fields["结案日期"], fields["反馈日期"], fields["客户满意"]) == (
        "2026-11-18", "售后服务部", "2026-11-20", "2026-11-21", "是")
    # 确认 by the next working day (11-17): one day late; resolved past its own 11-19 limit; feedback the next working day
    assert [fields[k] for k in ("经理确认", "处理完毕", "反馈客户")] == ["时限 2026-11-17", "时限 2026-11-19", "时限 2026-11-23"]
    sheet = openpyxl.load_workbook(out).active
    verdicts = [row[3] for row in sheet.iter_rows(values_only=True) if row[2] == "是否按时"]
    assert verdicts == ["逾期 1 天", "逾期 1 天", "按时"]
    with pytest.raises(NoSuchComplaint):
        jobs.complaint_form(book, "TS9999", TODAY)


@PRINTING
def test_the_complaint_form_prints_on_one_page(book, tmp_path):
    pages = _pages(_pdf(jobs.complaint_form(book, "TS0001", TODAY, tmp_path / "form.xlsx"), tmp_path))
    assert len(pages) == 1
    assert "换刹车片三天后有异响" in pages[0] and "客服部经理" in pages[0]


def test_the_call_sheet_holds_todays_calls_with_their_scripts(book, tmp_path):
    # today: V1's 7DC (delivered 11-17), V2's 3DC (handed back 11-20) and V3's 季度回访 (delivered 08-26) are due
    out, count = jobs.call_sheet(book, TODAY, tmp_path / "calls.xlsx")
    assert count == 3
    cells = [str(v) for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for v in row if v is not None]
    titles = [c for c in cells if c.startswith(("7DC", "3DC", "季度回访"))]
    assert sorted(t.split("　")[0] for t in titles) == ["3DC", "7DC", "季度回访"]
    assert any("李四（C2）　13900139000　粤B10002 途岳" in t for t in titles)
    assert "上次回访：2026-10-02 年回访 成功，总体满意度 8 分" in cells
    assert any(c.startswith("应回访：") and "WO1" in c for c in cells)  # the 3DC names the order it follows
    assert "送修的问题这次修好了吗？车辆现在正常吗？请打分。［可靠性］" in cells  # the 3DC script's question and its score column
    assert cells.count("意见/需整改：") == 3


@PRINTING
def test_the_call_sheet_never_splits_a_customer_across_pages(tmp_path):
    customers = [{"customer_id": f"C{n}", "name": f"客户{n:02d}", "phone": f"138{n:08d}"} for n in range(1, 10)]
    vehicles = [{"vin": f"V{n}", "customer_id": f"C{n}", "plate": f"粤B{n:05d}", "delivery_date": D(2026, 11, 17)} for n in range(1, 10)]
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": customers, "vehicles": vehicles})
    out, count = jobs.call_sheet(path, TODAY, tmp_path / "calls.xlsx")
    pages = _pages(_pdf(out, tmp_path))
    assert count == 9 and len(pages) >= 3
    for n in range(1, 10):
        name = f"客户{n:02d}"
        holding = [page for page in pages if name in page]
        assert len(holding) == 1, name
        # the whole call is on that page: from its title to its comment box
        block = holding[0].split(name, 1)[1]
        assert "结束：" in block and "意见/需整改：" in block
