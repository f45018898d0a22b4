"""Keeping the cars coming back (SPEC 5.7): each rule on a small hand-built archive, and 回厂率 by 车龄 by hand."""

import pandas as pd
import pytest
from conftest import D, frames

from csxl.calendars.workdays import WorkCalendar
from csxl.jobs import mileage_mistakes
from csxl.reports.customers import customer_analysis, customer_value
from csxl.rules import due_items
from csxl.rules.items import empty_sent
from csxl.workbook.reader import Book

TODAY = D(2026, 11, 24)
OWNER = [{"customer_id": "C1", "name": "张三", "phone": "13800138000"}]


def _car(vin, delivered=D(2024, 1, 10), **more):
    return {"vin": vin, "customer_id": "C1", "plate": f"粤B{vin[-3:]}", "delivery_date": delivered, **more}


def _order(no, vin, day, kind="保养", km=None, recommended=None):
    return {"order_no": no, "vin": vin, "date_in": day, "date_out": day, "kind": kind, "mileage": km, "recommended": recommended}


def _due(settings, sent=None, **records):
    built = frames(customers=OWNER, **records)
    items = due_items(built, settings, TODAY, WorkCalendar(), sent)
    return {(row.kind, row.vin): row for row in items.itertuples(index=False)}


# --- 保养提醒 predicted ---------------------------------------------------------------------

def test_a_taxi_is_due_by_its_mileage_at_the_rate_of_its_last_two_orders(settings):
    due = _due(settings, vehicles=[_car("TAXI")], services=[
        _order("W1", "TAXI", D(2026, 9, 25), "维修", 41_000), _order("W2", "TAXI", D(2026, 10, 25), "保养", 50_000)])
    item = due[("保养提醒", "TAXI")]
    # 9,000 km in 30 days = 300 km a day; 10,000 km more takes 33.3 days → 34 days after 2026-10-25
    assert item.due_date == pd.Timestamp(2026, 11, 28)
    assert item.note == ("预测保养 2026-11-28，按里程 +10000 km：工单 W1 2026-09-25 41000 km → 工单 W2 2026-10-25 50000 km，"
                         "日均 300.0 km；上次保养 2026-10-25（工单 W2 50000 km）")


def test_a_car_that_barely_moves_is_due_by_the_interval(settings):
    due = _due(settings, vehicles=[_car("SLOW")], services=[
        _order("W1", "SLOW", D(2025, 11, 27), "保养", 10_000), _order("W2", "SLOW", D(2026, 5, 27), "维修", 10_100)])
    item = due[("保养提醒", "SLOW")]
    assert item.due_date == pd.Timestamp(2026, 11, 27)  # 12 months after the last 保养; 100 km in 181 days would take 49 years
    assert item.note == "预测保养 2026-11-27，按 12 个月间隔；上次保养 2025-11-27（工单 W1 10000 km）"


def test_a_car_with_one_order_is_due_by_the_interval_only(settings):
    due = _due(settings, vehicles=[_car("ONE")], services=[_order("W1", "ONE", D(2025, 11, 29), "保养", 8_000)])
    assert due[("保养提醒", "ONE")].due_date == pd.Timestamp(2026, 11, 29)


def test_the_settings_move_the_prediction(settings):
    from dataclasses import replace

    shorter = replace(settings, maintenance_interval_months=6)
    due = _due(shorter, vehicles=[_car("ONE")], services=[_order("W1", "ONE", D(2026, 5, 28), "保养")])
    assert due[("保养提醒", "ONE")].due_date == pd.Timestamp(2026, 11, 28)
    assert ("保养提醒", "ONE") not in _due(settings, vehicles=[_car("ONE")], services=[_order("W1", "ONE", D(2026, 5, 28), "保养")])


def test_mileage_typed_going_backwards_is_a_problem_and_no_prediction(settings):
    records = dict(vehicles=[_car("BACK")], services=[
        _order("W1", "BACK", D(2025, 11, 28), "保养", 30_000), _order("W2", "BACK", D(2026, 3, 1), "维修", 20_000),
        _order("W3", "BACK", D(2026, 4, 1), "维修", 2_000_000)])
    assert ("保养提醒", "BACK") not in _due(settings, **records)  # the interval alone would make it due on 2026-11-28
    built = frames(customers=OWNER, **records)
    book = Book(None, None, built, [], settings, sheet_names={"services": "维修记录"})
    problems = mileage_mistakes(book)
    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("维修记录", 3, "里程", "20000"), ("维修记录", 4, "里程", "2000000")]
    assert problems[0].message.startswith("里程比这辆车更早工单的里程还小")
    assert problems[1].message.startswith("里程超过 1,000,000 km")


def test_the_clerks_date_wins_and_the_note_says_so(settings):
    due = _due(settings, vehicles=[_car("CLERK", maintenance_due=D(2026, 11, 30))],
               services=[_order("W1", "CLERK", D(2025, 11, 27), "保养", 9_000)])
    item = due[("保养提醒", "CLERK")]
    assert item.due_date == pd.Timestamp(2026, 11, 30)  # not the predicted 2026-11-27
    assert item.note == "下次保养 2026-11-30（档案中填写的日期，不做预测）"


# --- 首保, declined work, warranty, reminders without a visit ------------------------------

def test_first_service_is_due_until_a_maintenance_order_is_made(settings):
    due = _due(settings, vehicles=[_car("NEW1", D(2026, 5, 28)), _car("NEW2", D(2026, 5, 28))],
               services=[_order("W1", "NEW2", D(2026, 8, 1), "保养")])
    assert due[("首保提醒", "NEW1")].note == "首保：提车 2026-05-28，6 个月后为 2026-11-28，尚无保养工单"
    assert due[("首保提醒", "NEW1")].due_date == pd.Timestamp(2026, 11, 28)
    assert ("首保提醒", "NEW2") not in due
    assert ("首保提醒", "NEW1") not in _due(settings, vehicles=[_car("NEW1", D(2026, 5, 10))])  # 2026-11-10: its week has passed


def test_declined_work_is_called_about_unless_the_car_came_back(settings):
    due = _due(settings, vehicles=[_car("DEC1"), _car("DEC2")], services=[
        _order("W1", "DEC1", D(2026, 10, 20), "维修", recommended="刹车片、轮胎"),
        _order("W2", "DEC2", D(2026, 10, 20), "维修", recommended="轮胎"), _order("W3", "DEC2", D(2026, 11, 10), "保养")])
    item = due[("维修建议跟进", "DEC1")]
    assert item.due_date == pd.Timestamp(2026, 11, 19) and item.note == "工单 W1（2026-10-20）建议未做：刹车片、轮胎"
    assert item.customer_id == "C1" and item.phone == "13800138000"
    assert ("维修建议跟进", "DEC2") not in due


def test_warranty_end_within_thirty_days(settings):
    due = _due(settings, vehicles=[_car("W1", warranty_due=D(2026, 12, 20)), _car("W2", warranty_due=D(2027, 2, 1))])
    assert due[("质保到期", "W1")].note == "质保到期 2026-12-20"
    assert ("质保到期", "W2") not in due


def test_a_reminder_followed_by_no_order_is_a_call(settings):
    sent = pd.concat([empty_sent(), pd.DataFrame({
        "customer_id": ["C1", "C1"], "vin": ["R1", "R2"], "kind": ["保养提醒", "保养提醒"],
        "occasion": pd.to_datetime(["2026-11-12", "2026-11-12"]), "sent_day": pd.to_datetime(["2026-11-05", "2026-11-05"])})])
    sent = sent.astype({"customer_id": "string", "vin": "string", "kind": "string"})
    due = _due(settings, sent, vehicles=[_car("R1"), _car("R2")], services=[_order("W1", "R2", D(2026, 11, 15), "保养")])
    item = due[("提醒后未回厂", "R1")]
    assert item.due_date == pd.Timestamp(2026, 11, 19)
    assert item.note == "2026-11-05 已发保养提醒（2026-11-12），14 天仍未回厂"
    assert ("提醒后未回厂", "R2") not in due


def test_first_service_warranty_and_predicted_maintenance_are_messages(settings):
    from csxl.rules import message_items

    built = frames(customers=OWNER, vehicles=[_car("NEW1", D(2026, 5, 28)), _car("W1", warranty_due=D(2026, 12, 20)), _car("ONE")],
                   services=[_order("W1", "ONE", D(2025, 11, 29), "保养", km=1000, recommended="轮胎")])
    kinds = set(message_items(built, settings, TODAY)["kind"])
    assert kinds == {"首保提醒", "质保到期", "保养提醒"}  # 维修建议跟进 and 提醒后未回厂 are calls, not messages


# --- 回厂率 by 车龄, by hand -------------------------------------------------------------------

def test_return_rate_by_car_age_on_ten_cars(settings):
    # at 2026-11-24: 1年内 (delivered after 2025-11-24), 1-2年, 2-3年, 3-5年, 5年以上; an order in the 12 months
    # ending 2026-11-24 (after 2025-11-24) makes a car "returned".
    cars = [
        ("A1", D(2026, 3, 1), [D(2026, 9, 1)]),    # 1年内, returned
        ("A2", D(2026, 6, 1), []),                 # 1年内
        ("B1", D(2025, 6, 1), [D(2025, 10, 1)]),   # 1-2年, order 13 months ago: not returned
        ("B2", D(2025, 1, 1), [D(2026, 1, 5)]),    # 1-2年, returned
        ("B3", D(2025, 11, 24), [D(2025, 11, 25)]),  # 1-2年 (a full year on the day), returned the next day
        ("C1", D(2024, 2, 1), [D(2026, 11, 24)]),  # 2-3年, returned today
        ("D1", D(2023, 1, 1), [D(2024, 5, 1)]),    # 3-5年, not returned
        ("D2", D(2022, 1, 1), [D(2026, 2, 2), D(2026, 3, 3)]),  # 3-5年, returned (twice: one car)
        ("E1", D(2020, 5, 5), [D(2026, 11, 25)]),  # 5年以上, the order is after the as-of day: not counted
        ("E2", D(2019, 5, 5), [D(2025, 12, 1)]),   # 5年以上, returned
    ]
    built = frames(customers=OWNER, vehicles=[_car(v, d) for v, d, _ in cars],
                   services=[_order(f"{v}-{i}", v, day, "维修") for v, _, days in cars for i, day in enumerate(days)])
    values = customer_value(built, settings, TODAY)
    analysis = customer_analysis(built, values, settings, TODAY)
    by_age = analysis[analysis["dimension"] == "车龄"].set_index("value")
    assert list(by_age.index) == ["1年内", "1-2年", "2-3年", "3-5年", "5年以上"]
    assert list(by_age["vehicles"]) == [2, 3, 1, 2, 2]
    assert list(by_age["return_rate"]) == pytest.approx([1 / 2, 2 / 3, 1.0, 1 / 2, 1 / 2])
    overall = analysis.iloc[0]
    assert overall["dimension"] == "全部" and overall["return_rate"] == pytest.approx(6 / 10)


def test_the_monthly_report_gives_the_return_rate_at_each_months_end(settings):
    from csxl.reports.monthly import month_figures
    from csxl.rules.followups import followup_tasks

    built = frames(customers=OWNER, vehicles=[_car("A1", D(2025, 1, 1)), _car("A2", D(2025, 1, 1)), _car("A3", D(2026, 10, 15))],
                   services=[_order("W1", "A1", D(2025, 10, 20), "维修"), _order("W2", "A2", D(2026, 10, 20), "维修")])
    tasks = followup_tasks(built, settings, TODAY)
    october = month_figures("2026-10", tasks, built, settings, TODAY, pd.DataFrame(columns=["kind", "sent_day"]), WorkCalendar())
    september = month_figures("2026-09", tasks, built, settings, TODAY, pd.DataFrame(columns=["kind", "sent_day"]), WorkCalendar())
    assert october["回厂率"] == pytest.approx(1 / 3)  # 12 months to 2026-10-31: A2 returned; A1's 2025-10-20 is too early; A3 not
    assert september["回厂率"] == pytest.approx(1 / 2)  # to 2026-09-30: A1 returned (2025-10-20), A2 not yet; A3 not delivered
