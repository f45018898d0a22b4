"""The work plan's loops on small hand-built workbooks: hand-over documents and rectification follow-through."""

import datetime as dt

import pytest

from csxl import jobs
from csxl.schema import MONTHLY_REPORT, RECTIFICATION
from csxl.workbook.reader import read_book
from csxl.workbook.template import build_template

D = dt.date
CUSTOMERS = [{"customer_id": "C1", "name": "张三", "phone": "13800138000"}]
VEHICLES = [{"vin": "V1", "customer_id": "C1", "plate": "粤B1", "delivery_date": D(2026, 10, 26)}]
ALL_SALES = ("购车合同、客户身份证、车辆合格证、增值税发票、购置税证、购置税收据、行驶证代办回执、保险单、保单发票、提车确认书、"
             "销售开票出库单、客户入会资料表")


def _book(tmp_path, **rows):
    return build_template(tmp_path / "台账.xlsx", overwrite=True,
                          rows={"customers": CUSTOMERS, "vehicles": VEHICLES, **rows})


def _due(path, today):
    return jobs.check(path, today).due


def test_a_handover_missing_two_documents_is_listed_by_name_until_they_come(tmp_path):
    handed = ALL_SALES.replace("保险单、", "").replace("、提车确认书", "")
    path = _book(tmp_path, handover=[{"vin": "V1", "event": "新车交车", "event_date": D(2026, 10, 26),
                                      "submitted_date": D(2026, 10, 27), "clerk": "刘敏", "documents": handed}])
    due = _due(path, D(2026, 10, 30))
    (item,) = due[due["kind"] == "资料交接超期"]["note"]
    assert item.endswith("；缺 保险单、提车确认书")  # submitted on time, but incomplete: not done
    report = jobs.compute_reports(read_book(path), D(2026, 11, 24), "2026-10")[MONTHLY_REPORT].set_index("item")["this_month"]
    assert (report["资料交接不全"], report["资料交接不全·刘敏"], report["资料交接逾期"]) == (1, 1, 0)
    # optional 暂住证 and 附件购买合同 left out, 身份证 given for 身份证/营业执照, 增值税发票 for 零售发票/增值税发票: complete
    path = _book(tmp_path, handover=[{"vin": "V1", "event": "新车交车", "event_date": D(2026, 10, 26),
                                      "submitted_date": D(2026, 10, 27), "clerk": "刘敏", "documents": ALL_SALES.replace("、", "\n")}])
    assert "资料交接超期" not in set(_due(path, D(2026, 10, 30))["kind"])


def test_a_document_on_no_list_is_a_data_problem(tmp_path):
    path = _book(tmp_path, handover=[{"vin": "V1", "event": "维修交车", "event_date": D(2026, 10, 26),
                                      "submitted_date": D(2026, 10, 27), "documents": "接车单、派工单、结算单、常规项目检查表、购车合同、洗车券"}])
    problems = [p for p in jobs.check(path, D(2026, 10, 30)).problems if p.sheet == "资料交接"]
    assert [(p.row, p.column) for p in problems] == [(2, "已交资料")]
    assert "购车合同、洗车券" in problems[0].message


def test_an_empty_documents_cell_is_judged_by_the_handover_date_alone(tmp_path):
    path = _book(tmp_path, handover=[{"vin": "V1", "event": "新车交车", "event_date": D(2026, 10, 26), "submitted_date": D(2026, 10, 27)}])
    assert "资料交接超期" not in set(_due(path, D(2026, 10, 30))["kind"])


LOW_VISIT = {"visit_date": D(2026, 10, 9), "customer_id": "C1", "vin": "V1", "kind": "7DC", "result": "成功", "overall": 5,
             "comment": "等待时间太长"}


def _status(path, today):
    tab = jobs.compute_reports(read_book(path), today)[RECTIFICATION]
    return tab[["status", "overdue"]].iloc[0].tolist()


def test_a_rectification_through_every_state_and_overdue_across_a_make_up_working_day(tmp_path):
    # 2026-10-10 is a Saturday worked in place of the National Day holiday: five working days from Friday 10-09 end on
    # Thursday 10-15, not Friday 10-16
    path = _book(tmp_path, visits=[LOW_VISIT])
    assert _status(path, D(2026, 10, 15)) == ["待分派", "否"]
    assert _status(path, D(2026, 10, 16)) == ["待分派", "是"]
    due = _due(path, D(2026, 10, 16))
    (item,) = due[due["kind"] == "整改超期"].itertuples()
    assert (item.due_date.date(), item.customer_id) == (D(2026, 10, 15), "C1")
    record = {"visit_date": D(2026, 10, 9), "vin": "V1", "kind": "7DC", "department": "销售部"}
    path = _book(tmp_path, visits=[LOW_VISIT], rectification_log=[record])
    assert _status(path, D(2026, 10, 14)) == ["整改中", "否"]
    path = _book(tmp_path, visits=[LOW_VISIT], rectification_log=[{**record, "action": "预约优先", "done_date": D(2026, 10, 14)}])
    assert _status(path, D(2026, 10, 16)) == ["已整改", "否"]
    assert "整改超期" not in set(_due(path, D(2026, 10, 16))["kind"])
    due = _due(path, D(2026, 10, 17))  # 3 days (整改复访天数) after 完成日期: call the customer back
    (note,) = due[due["kind"] == "整改复访"]["note"]
    assert "2026-10-14 已整改：预约优先" in note
    path = _book(tmp_path, visits=[LOW_VISIT], rectification_log=[
        {**record, "action": "预约优先", "done_date": D(2026, 10, 14), "revisit_date": D(2026, 10, 17), "revisit_result": "满意"}])
    assert _status(path, D(2026, 10, 20)) == ["已复访", "否"]
    assert not {"整改超期", "整改复访"} & set(_due(path, D(2026, 10, 20))["kind"])
    report = jobs.compute_reports(read_book(path), D(2026, 11, 24), "2026-10")[MONTHLY_REPORT].set_index("item")["this_month"]
    assert (report["整改完成率"], report["复访满意率"]) == (1.0, 1.0)


def test_a_rectification_done_after_its_deadline_stays_overdue_in_the_list(tmp_path):
    path = _book(tmp_path, visits=[LOW_VISIT], rectification_log=[
        {"visit_date": D(2026, 10, 9), "vin": "V1", "kind": "7DC", "department": "销售部", "done_date": D(2026, 10, 19)}])
    assert _status(path, D(2026, 10, 20)) == ["已整改", "是"]
    report = jobs.compute_reports(read_book(path), D(2026, 11, 24), "2026-10")[MONTHLY_REPORT].set_index("item")["this_month"]
    assert report["整改完成率"] == 0.0


@pytest.mark.parametrize(("record", "column", "message"), [
    ({"visit_date": D(2026, 10, 8), "vin": "V1", "kind": "7DC"}, "回访日期", "找不到这次回访"),
    ({"visit_date": D(2026, 10, 9), "vin": "V1", "kind": "7DC", "done_date": D(2026, 10, 14), "revisit_date": D(2026, 10, 12)},
     "复访日期", "复访日期早于完成日期"),
])
def test_rectification_log_mistakes_are_data_problems(tmp_path, record, column, message):
    path = _book(tmp_path, visits=[LOW_VISIT], rectification_log=[record])
    problems = [p for p in jobs.check(path, D(2026, 10, 20)).problems if p.sheet == "整改记录"]
    assert [(p.row, p.column) for p in problems] == [(2, column)] and message in problems[0].message
