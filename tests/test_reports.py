"""The report tabs of SPEC 5.4, against figures worked out by hand on small inline data."""

import datetime as dt
import math

import pandas as pd
import pytest
from conftest import frames

from csxl.calendars.workdays import WorkCalendar
from csxl.reports import build_reports, management_report
from csxl.reports.complaints import complaint_analysis
from csxl.reports.customers import age_bands, customer_analysis, customer_value
from csxl.reports.followup import followup_report, rectification_list, sampling_list
from csxl.reports.monthly import monthly_report
from csxl.reports.periods import label, periods_ending
from csxl.rules.followups import followup_tasks
from csxl.schema import (
    COMPLAINT_ANALYSIS, CUSTOMER_ANALYSIS, CUSTOMER_VALUE, FOLLOWUP_DAILY, FOLLOWUP_MONTHLY, FOLLOWUP_WEEKLY,
    MONTHLY_REPORT, RECTIFICATION, SAMPLING,
)

D = dt.date
EMPTY_SENT = pd.DataFrame({"kind": pd.Series(dtype="string"), "sent_day": pd.Series(dtype="datetime64[s]")})


def row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == value
    found = frame[mask]
    assert len(found) == 1, (where, found)
    return found.iloc[0]


def empty(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --- periods ---------------------------------------------------------------

def test_iso_week_53_and_period_windows():
    assert list(label(pd.Series(pd.to_datetime(["2026-12-28", "2027-01-03", "2027-01-04"])), "week")) == ["2026-W53", "2026-W53", "2027-W01"]
    assert periods_ending(D(2027, 1, 2), "week") == [f"2026-W{w}" for w in range(46, 54)]
    assert periods_ending(D(2026, 11, 24), "day")[0] == "2026-11-18"
    assert periods_ending(D(2026, 3, 31), "month") == [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]


# --- follow-up reports -----------------------------------------------------

def _followup_book():
    return frames(
        customers=[{"customer_id": "C1", "name": "王伟"}, {"customer_id": "C2", "name": "李娜"}],
        vehicles=[
            # 7DC due 11-08: done on 11-11 (D + 3 exactly: on time), after a 未接通 on 11-08
            {"vin": "V1", "customer_id": "C1", "delivery_date": D(2026, 11, 1)},
            # 7DC due 11-09: done 11-13 (D + 4: late) by a 拒访
            {"vin": "V2", "customer_id": "C2", "delivery_date": D(2026, 11, 2)},
            # 7DC due 11-20: only 未接通 calls: not done
            {"vin": "V3", "customer_id": "C2", "delivery_date": D(2026, 11, 13)},
        ],
        services=[
            # 3DC task date 11-13 (交车 + 3), on time by 11-15 (交车 + 5): done exactly on day 5
            {"order_no": "W1", "vin": "V1", "date_out": D(2026, 11, 10), "kind": "保养", "amount": 800},
            # 3DC task date 11-14, done on 11-17 (day 6: late), the call names no order but the car
            {"order_no": "W2", "vin": "V2", "date_out": D(2026, 11, 11), "kind": "维修", "amount": 1200},
        ],
        visits=[
            {"visit_date": D(2026, 11, 8), "customer_id": "C1", "vin": "V1", "kind": "7DC", "result": "未接通"},
            {"visit_date": D(2026, 11, 11), "customer_id": "C1", "vin": "V1", "kind": "7DC", "result": "成功",
             "overall": 9, "reliability": 8, "responsiveness": 10, "assurance": 9, "empathy": 9, "tangibles": 8},
            {"visit_date": D(2026, 11, 13), "customer_id": "C2", "vin": "V2", "kind": "7DC", "result": "拒访"},
            {"visit_date": D(2026, 11, 20), "customer_id": "C2", "vin": "V3", "kind": "7DC", "result": "未接通"},
            {"visit_date": D(2026, 11, 15), "customer_id": "C1", "vin": "V1", "kind": "3DC", "order_no": "W1",
             "overall": 5, "reliability": 7, "comment": "等太久"},
            {"visit_date": D(2026, 11, 17), "customer_id": "C2", "vin": "V2", "kind": "3DC",
             "overall": 8, "needs_action": "是"},
        ],
    )


TODAY = D(2026, 11, 24)


def test_monthly_followup_figures(settings):
    f = _followup_book()
    report = followup_report(followup_tasks(f, settings, TODAY), f["visits"], settings, TODAY, "month")
    assert list(report.columns) == FOLLOWUP_MONTHLY.keys
    seven = row(report, kind="7DC", period="2026-11")
    assert (seven["due"], seven["done"], seven["on_time"]) == (3, 2, 1)
    assert seven["completion_rate"] == pytest.approx(2 / 3)
    assert seven["on_time_rate"] == pytest.approx(1 / 3)
    assert (seven["calls"], seven["reached"], seven["no_answer"], seven["refused"]) == (4, 1, 2, 1)
    assert seven["reach_rate"] == pytest.approx(1 / 4)
    assert seven["overall"] == 9 and seven["tangibles"] == 8
    assert seven["low_scores"] == 0
    three = row(report, kind="3DC", period="2026-11")
    assert (three["due"], three["done"], three["on_time"]) == (2, 2, 1)
    assert (three["calls"], three["reached"]) == (2, 2)  # a blank 结果 counts as 成功
    assert three["overall"] == pytest.approx(6.5)  # (5 + 8) / 2
    assert three["reliability"] == 7  # only the non-empty score
    assert three["low_scores"] == 2  # a 5 (≤ 6), and a 需整改 = 是
    total = row(report, kind="合计", period="2026-11")
    assert (total["due"], total["done"], total["on_time"], total["calls"]) == (5, 4, 2, 6)
    assert total["completion_rate"] == pytest.approx(4 / 5)
    assert total["overall"] == pytest.approx((9 + 5 + 8) / 3)  # averaged over all the period's rows, not over kinds
    # a month with no data: counts 0, rates and averages empty
    october = row(report, kind="7DC", period="2026-10")
    assert october["due"] == 0 and empty(october["completion_rate"]) and empty(october["overall"]) and empty(october["reach_rate"])
    # rows grouped by kind in the contract's order, each kind's months oldest first
    assert list(dict.fromkeys(report["kind"])) == ["7DC", "3DC", "月回访", "年回访", "季度回访", "合计"]
    assert list(report.loc[report["kind"] == "7DC", "period"]) == periods_ending(TODAY, "month")


def test_tasks_count_only_up_to_the_as_of_day(settings):
    f = _followup_book()
    # On 11-12 the 3DC tasks (11-13, 11-14) have not come yet, and V1's 7DC is done (11-11), V2's not yet.
    day = D(2026, 11, 12)
    report = followup_report(followup_tasks(f, settings, day), f["visits"], settings, day, "month")
    seven, three = row(report, kind="7DC", period="2026-11"), row(report, kind="3DC", period="2026-11")
    assert (seven["due"], seven["done"], seven["calls"]) == (2, 1, 2)
    assert three["due"] == 0 and empty(three["completion_rate"])


def test_daily_and_weekly_reports(settings):
    f = _followup_book()
    tasks = followup_tasks(f, settings, TODAY)
    daily = followup_report(tasks, f["visits"], settings, TODAY, "day")
    assert list(daily.columns) == FOLLOWUP_DAILY.keys
    assert len(daily) == 6 * 7
    assert row(daily, kind="7DC", period="2026-11-20")["due"] == 1  # V3's task
    assert row(daily, kind="7DC", period="2026-11-20")["calls"] == 1
    weekly = followup_report(tasks, f["visits"], settings, TODAY, "week")
    assert list(weekly.columns) == FOLLOWUP_WEEKLY.keys
    assert len(weekly) == 6 * 8
    week = row(weekly, kind="7DC", period="2026-W45")  # 11-02 … 11-08: V1's task
    assert (week["due"], week["done"], week["no_answer"]) == (1, 1, 1)


def test_rectification_list(settings):
    f = _followup_book()
    f["services"].loc[f["services"]["order_no"] == "W1", "advisor"] = "陈志强"
    f["vehicles"].loc[f["vehicles"]["vin"] == "V1", "plate"] = "粤B12345"
    listed = rectification_list(f["visits"], f, settings, TODAY)
    assert list(listed.columns) == RECTIFICATION.keys
    assert list(listed["visit_date"].dt.strftime("%m-%d")) == ["11-17", "11-15"]  # newest first
    first = listed.iloc[1]
    assert (first["name"], first["plate"], first["advisor"], first["low_items"], first["lowest_score"]) == ("王伟", "粤B12345", "陈志强", "总体满意度", 5)
    assert listed.iloc[0]["low_items"] == "" and listed.iloc[0]["needs_action"] == "是"
    # 30 days back: on 12-15 the 11-15 visit has left the list, the 11-17 one is still there
    assert list(rectification_list(f["visits"], f, settings, D(2026, 12, 16))["visit_date"].dt.day) == [17]


def test_sampling_list(settings):
    f = frames(
        customers=[{"customer_id": "C1", "name": "王伟", "member_tier": "钻石会员"}, {"customer_id": "C2", "name": "李娜", "member_tier": "普通会员"}],
        vehicles=[
            {"vin": "V1", "customer_id": "C1", "delivery_date": D(2026, 7, 15)},  # 季度回访 10-13
            {"vin": "V2", "customer_id": "C2", "delivery_date": D(2026, 8, 15)},  # 季度回访 11-13: not last month
        ],
        services=[
            {"order_no": "W1", "vin": "V2", "date_out": D(2026, 10, 5), "kind": "事故", "amount": 12000},
            {"order_no": "W2", "vin": "V2", "date_out": D(2026, 10, 6), "kind": "保养", "amount": 9999.99},
            {"order_no": "W3", "vin": "V1", "date_out": D(2026, 10, 7), "kind": "保养", "amount": 500},
            {"order_no": "W4", "vin": "V2", "date_out": D(2026, 9, 30), "kind": "事故", "amount": 20000},
        ],
        visits=[{"visit_date": D(2026, 10, 20), "customer_id": "C1", "vin": "V1", "kind": "季度回访"}],
    )
    listed = sampling_list(followup_tasks(f, settings, TODAY), f, settings, TODAY)
    assert list(listed.columns) == SAMPLING.keys
    assert list(listed["reason"]) == ["大额维修、事故维修", "VIP客户", "新车季度回访"]
    assert list(listed["order_no"].fillna("")) == ["W1", "W3", ""]
    assert list(listed["visited"]) == ["否", "是", "是"]  # V1's 季度回访 call on 10-20 is on or after both its dates
    assert listed.iloc[2]["date"] == pd.Timestamp("2026-10-13")


# --- complaints ------------------------------------------------------------

def test_complaint_analysis(settings):
    f = frames(complaints=[
        # closed on time (limit = received + 3 = 11-04), fed back, satisfied
        {"complaint_id": "T1", "received_date": D(2026, 11, 1), "category": "服务质量", "channel": "电话", "status": "已关闭",
         "closed_date": D(2026, 11, 3), "feedback_date": D(2026, 11, 4), "satisfied": "是", "department": "售后服务部"},
        # closed late against its own limit, no feedback, not satisfied
        {"complaint_id": "T2", "received_date": D(2026, 11, 2), "category": "服务质量", "channel": "来店", "status": "已解决",
         "due_date": D(2026, 11, 5), "closed_date": D(2026, 11, 9), "satisfied": "否", "severity": "重大"},
        # open past its limit
        {"complaint_id": "T3", "received_date": D(2026, 10, 10), "category": "配件价格", "channel": "电话", "status": "处理中"},
        # open, limit not yet passed
        {"complaint_id": "T4", "received_date": D(2026, 11, 23), "category": "配件价格", "channel": "电话"},
        # closed without 结案日期: counted closed, left out of the day counts
        {"complaint_id": "T5", "received_date": D(2026, 9, 1), "category": "产品质量", "channel": "信函", "status": "已关闭"},
        # older than 12 months: not in the report
        {"complaint_id": "T6", "received_date": D(2025, 11, 30), "category": "产品质量", "status": "已关闭"},
    ])
    report = complaint_analysis(f["complaints"], settings, TODAY)
    assert list(report.columns) == COMPLAINT_ANALYSIS.keys
    everything = row(report, dimension="全部", value="全部")
    assert (everything["count"], everything["closed"], everything["open"], everything["overdue_open"]) == (5, 3, 2, 1)
    assert everything["avg_days"] == pytest.approx((2 + 7) / 2)
    assert everything["max_days"] == 7
    assert everything["on_time_rate"] == pytest.approx(1 / 2)
    assert everything["feedback_rate"] == pytest.approx(1 / 3)
    assert everything["satisfied_rate"] == pytest.approx(1 / 2)
    service = row(report, dimension="类别", value="服务质量")
    assert (service["count"], service["closed"]) == (2, 2)
    parts = row(report, dimension="类别", value="配件价格")
    assert empty(parts["avg_days"]) and empty(parts["on_time_rate"]) and empty(parts["feedback_rate"])
    assert list(report.loc[report["dimension"] == "类别", "value"]) == ["服务质量", "产品质量", "配件价格"]  # the schema's order
    assert row(report, dimension="级别", value="重大")["count"] == 1
    assert row(report, dimension="责任部门", value="售后服务部")["count"] == 1
    months = report[report["dimension"] == "受理月份"]
    assert list(months["value"]) == periods_ending(TODAY, "month")
    assert list(months["count"]) == [0] * 9 + [1, 1, 3]


def test_complaint_analysis_of_a_year_without_complaints_still_has_its_whole_row(settings):
    f = frames(complaints=[{"complaint_id": "T1", "received_date": D(2024, 3, 1), "category": "服务质量", "status": "已关闭"}])
    report = complaint_analysis(f["complaints"], settings, TODAY)
    everything = row(report, dimension="全部", value="全部")
    assert (everything["count"], everything["closed"], everything["open"]) == (0, 0, 0)
    assert empty(everything["avg_days"]) and empty(everything["on_time_rate"])
    assert list(report["dimension"]) == ["全部"] + ["受理月份"] * 12


# --- customers -------------------------------------------------------------

def _customer_book():
    return frames(
        customers=[
            {"customer_id": "C1", "name": "王伟", "gender": "男", "birthday": D(1996, 11, 24), "member_tier": "普通会员", "branch": "总店"},
            {"customer_id": "C2", "name": "李娜", "gender": "女", "birthday": D(1996, 11, 25), "member_tier": "金卡会员", "branch": "总店"},
            {"customer_id": "C3", "name": "张强", "churn_reason": "搬家"},
        ],
        vehicles=[
            {"vin": "V1", "customer_id": "C1", "model": "朗逸", "delivery_date": D(2026, 5, 28)},  # seen for 180 days
            {"vin": "V2", "customer_id": "C2", "model": "迈腾", "delivery_date": D(2021, 11, 24)},
            {"vin": "V3", "customer_id": "C2", "model": "朗逸", "delivery_date": D(2022, 1, 10)},
        ],
        services=[
            {"order_no": "W1", "vin": "V1", "date_out": D(2026, 8, 1), "kind": "保养", "amount": 600},
            {"order_no": "W2", "vin": "V1", "date_in": D(2026, 10, 1), "kind": "维修", "amount": 1400},
            {"order_no": "W3", "vin": "V2", "date_out": D(2023, 3, 1), "kind": "事故", "amount": 30000},
            {"order_no": "W4", "vin": "V3", "date_out": D(2024, 6, 1), "kind": "保养", "amount": 800},
        ],
    )


def test_customer_value(settings):
    f = _customer_book()
    values = customer_value(f, settings, TODAY)
    assert list(values.columns) == CUSTOMER_VALUE.keys
    assert list(values["customer_id"]) == ["C2", "C1", "C3"]  # by lifetime value
    c1 = row(values, customer_id="C1")
    # seen for less than a year: years = 1, so 2 orders a year; avg 1000; value 1000 × 2 × 5
    assert (c1["orders"], c1["amount"], c1["avg_order"], c1["orders_per_year"]) == (2, 2000, 1000, 2)
    assert c1["lifetime_value"] == pytest.approx(10000)
    assert (c1["first_seen"], c1["last_seen"]) == (pd.Timestamp("2026-05-28"), pd.Timestamp("2026-10-01"))  # 进厂日期 when no 交车日期
    assert c1["suggested_tier"] == "普通会员" and c1["churn_risk"] == "否"
    c2 = row(values, customer_id="C2")
    years = (pd.Timestamp(TODAY) - pd.Timestamp("2021-11-24")).days / 365
    assert c2["orders_per_year"] == pytest.approx(2 / years)
    assert c2["lifetime_value"] == pytest.approx(15400 * (2 / years) * 5)
    assert c2["suggested_tier"] == "金卡会员"  # 30800 ≥ 20000, < 50000
    assert c2["churn_risk"] == "是"  # last seen 2024-06-01, more than 365 days ago
    c3 = row(values, customer_id="C3")
    assert (c3["orders"], c3["avg_order"], c3["lifetime_value"], c3["churn_risk"]) == (0, 0, 0, "是")  # a recorded reason


def test_age_bands_turn_on_the_birthday():
    bands = age_bands(pd.Series(pd.to_datetime(["1996-11-24", "1996-11-25", None, "1966-11-24", "2000-02-29"])), D(2026, 11, 24))
    assert list(bands) == ["30-39岁", "30岁以下", "未知", "60岁及以上", "30岁以下"]


def test_customer_analysis(settings):
    f = _customer_book()
    values = customer_value(f, settings, TODAY)
    report = customer_analysis(f, values, settings, TODAY)
    assert list(report.columns) == CUSTOMER_ANALYSIS.keys
    everything = row(report, dimension="全部")
    assert (everything["customers"], everything["vehicles"], everything["orders"], everything["amount"]) == (3, 3, 4, 32800)
    assert everything["churn_risk"] == 2 and everything["churn_rate"] == pytest.approx(2 / 3)
    langyi = row(report, dimension="车型", value="朗逸")  # C1 and C2 each own one
    assert (langyi["customers"], langyi["vehicles"], langyi["orders"], langyi["amount"]) == (2, 2, 3, 2800)
    assert langyi["share"] == pytest.approx(2 / 3)
    assert langyi["amount_share"] == pytest.approx(2800 / 32800)
    assert langyi["amount_per_customer"] == pytest.approx(1400)
    assert row(report, dimension="年龄段", value="30-39岁")["customers"] == 1
    assert row(report, dimension="年龄段", value="未知")["customers"] == 1
    maintenance = row(report, dimension="维修类型", value="保养")
    assert (maintenance["customers"], maintenance["orders"], maintenance["amount"]) == (2, 2, 1400)
    assert row(report, dimension="维修类型", value="索赔")["customers"] == 0
    assert row(report, dimension="流失原因", value="搬家")["churn_rate"] == 1
    dims = list(dict.fromkeys(report["dimension"]))
    assert dims == ["全部", "车型", "会员等级", "来源网点", "性别", "年龄段", "维修类型", "流失原因", "车龄"]  # 车龄: SPEC 5.7


# --- monthly report --------------------------------------------------------

def test_monthly_report_with_late_hand_overs_across_a_make_up_day(settings):
    f = frames(
        customers=[{"customer_id": "C1", "name": "王伟"}],
        vehicles=[{"vin": "V1", "customer_id": "C1", "delivery_date": D(2026, 9, 18)}],
        handover=[
            # delivered Fri 09-18: Sun 09-20 is a make-up working day, so the 2 working days are 09-20 and 09-21 (late on 09-22)
            {"vin": "V1", "event": "新车交车", "event_date": D(2026, 9, 18), "submitted_date": D(2026, 9, 22), "clerk": "刘敏"},
            {"vin": "V1", "event": "维修交车", "event_date": D(2026, 9, 24), "clerk": "刘敏"},  # never handed over
            {"vin": "V1", "event": "维修交车", "event_date": D(2026, 9, 8), "submitted_date": D(2026, 9, 9), "clerk": "张丽"},  # on time
            {"vin": "V1", "event": "维修交车", "event_date": D(2026, 9, 10), "submitted_date": D(2026, 9, 14), "clerk": "张丽"},
        ],
        complaints=[
            {"complaint_id": "T1", "received_date": D(2026, 9, 1), "status": "已关闭", "closed_date": D(2026, 9, 5)},
            {"complaint_id": "T2", "received_date": D(2026, 9, 20), "status": "已关闭", "closed_date": D(2026, 10, 2)},
        ],
    )
    sent = pd.DataFrame({"kind": ["生日关怀", "续保提醒", "节日问候", "生日关怀"],
                         "sent_day": pd.to_datetime(["2026-09-03", "2026-09-30", "2026-09-30", "2026-10-01"]).astype("datetime64[s]")})
    tasks = followup_tasks(f, settings, TODAY)
    report = monthly_report("2026-09", tasks, f, settings, TODAY, sent, WorkCalendar())
    assert list(report.columns) == MONTHLY_REPORT.keys
    figures = dict(zip(report["item"], report["this_month"]))
    assert figures["资料交接逾期"] == 3
    assert figures["资料交接逾期·刘敏"] == 2 and figures["资料交接逾期·张丽"] == 1
    assert figures["新增客户"] == 1
    assert figures["7DC应回访"] == 1 and figures["7DC完成率"] == 0
    assert figures["投诉受理"] == 2 and figures["投诉结案"] == 1
    assert figures["超期未结投诉"] == 1  # T2: open at the end of September, limit 09-23
    assert figures["平均处理天数"] == 4
    assert (figures["生日关怀已发送"], figures["到期提醒已发送"], figures["节日问候已发送"]) == (1, 1, 1)
    assert math.isnan(figures["3DC完成率"])  # no 3DC tasks: empty, not 0
    last = dict(zip(report["item"], report["last_month"]))
    assert last["投诉受理"] == 0 and last["资料交接逾期·刘敏"] == 0
    change = dict(zip(report["item"], report["change"]))
    assert change["投诉受理"] == 2
    items = list(report["item"])
    assert items[:21] == ["7DC应回访", "7DC完成率", "3DC应回访", "3DC完成率", "月回访完成率", "年回访完成率", "回访次数", "接通率",
                          "平均总体满意度", "低分数", "新增客户", "流失风险客户", "投诉受理", "投诉结案", "超期未结投诉", "平均处理天数",
                          "生日关怀已发送", "节日问候已发送", "到期提醒已发送", "回厂率", "资料交接逾期"]  # 回厂率: SPEC 5.7


def test_every_tab_from_build_reports_matches_its_schema(settings):
    f = _followup_book()
    tabs = build_reports(f, settings, TODAY, WorkCalendar())
    assert {s.key for s in tabs} == {"followup_daily", "followup_weekly", "followup_monthly", "rectification", "sampling",
                                     "complaint_analysis", "customer_analysis", "customer_value", "monthly_report"}
    for sheet, frame in tabs.items():
        assert list(frame.columns) == sheet.keys, sheet.key
    management = management_report(f, settings, TODAY, WorkCalendar(), EMPTY_SENT, "2026-11")
    assert set(management[FOLLOWUP_MONTHLY]["period"]) == {"2026-11"}


def test_tabs_left_out_are_not_computed_unless_another_tab_is_computed_from_them(settings):
    f = _followup_book()
    every = build_reports(f, settings, TODAY, WorkCalendar())
    some = build_reports(f, settings, TODAY, WorkCalendar(), leave_out={RECTIFICATION, SAMPLING, CUSTOMER_VALUE, FOLLOWUP_MONTHLY})
    assert RECTIFICATION not in some and SAMPLING not in some
    # 客户分析 is computed from 客户价值 and 客服月报 from 回访月报: left out, they are computed all the same
    assert set(some) == set(every) - {RECTIFICATION, SAMPLING}
    for sheet, frame in some.items():
        pd.testing.assert_frame_equal(frame, every[sheet], obj=sheet.key)
    fewer = build_reports(f, settings, TODAY, WorkCalendar(), leave_out={CUSTOMER_VALUE, CUSTOMER_ANALYSIS})
    assert set(fewer) == set(every) - {CUSTOMER_VALUE, CUSTOMER_ANALYSIS}
