import pandas as pd
import pytest
from conftest import D, frames

from csxl.rules.greetings import holiday_greetings
from csxl.rules.renewals import renewal_reminders

CUSTOMERS = [{"customer_id": "C1", "name": "张三"}, {"customer_id": "C2", "name": "李四"}]


@pytest.mark.parametrize(
    "today, holiday, day",
    [
        (D(2026, 12, 31), "元旦", D(2027, 1, 1)),  # next year's holiday, seen on New Year's Eve
        (D(2026, 2, 13), "情人节", D(2026, 2, 14)),
        (D(2026, 2, 16), "春节", D(2026, 2, 17)),  # lunar 正月初一, computed
        (D(2027, 2, 5), "春节", D(2027, 2, 6)),
        (D(2026, 4, 30), "劳动节", D(2026, 5, 1)),
        (D(2026, 9, 24), "中秋节", D(2026, 9, 25)),  # lunar 八月十五, computed
        (D(2027, 9, 14), "中秋节", D(2027, 9, 15)),
        (D(2026, 9, 30), "国庆节", D(2026, 10, 1)),
    ],
)
def test_holiday_greeting_is_due_the_day_before(settings, today, holiday, day):
    f = frames(customers=CUSTOMERS)
    items = holiday_greetings(f["customers"], f["visits"], None, settings, today)
    assert sorted(items["customer_id"]) == ["C1", "C2"]
    assert set(items["occasion"]) == {pd.Timestamp(day)}
    assert items["note"].iloc[0] == f"{holiday} {day.isoformat()}"


@pytest.mark.parametrize("today", [D(2026, 9, 23), D(2026, 9, 25), D(2026, 10, 1), D(2026, 11, 24)])
def test_no_greeting_on_other_days(settings, today):
    f = frames(customers=CUSTOMERS)
    assert holiday_greetings(f["customers"], f["visits"], None, settings, today).empty


def test_a_holiday_call_logged_closes_the_greeting(settings):
    f = frames(customers=CUSTOMERS, visits=[{"visit_date": D(2026, 9, 30), "customer_id": "C1", "kind": "节日"}])
    items = holiday_greetings(f["customers"], f["visits"], None, settings, D(2026, 9, 30))
    assert list(items["customer_id"]) == ["C2"]


VEHICLE = {"vin": "V1", "customer_id": "C1", "plate": "粤B12345"}


@pytest.mark.parametrize(
    "column, kind",
    [("insurance_due", "续保提醒"), ("inspection_due", "年审提醒"), ("maintenance_due", "保养提醒"), ("vehicle_tax_due", "车船税提醒")],
)
@pytest.mark.parametrize(
    "due, listed",
    [(D(2026, 11, 24), True), (D(2026, 12, 1), True), (D(2026, 12, 2), False), (D(2026, 11, 23), False)],
)
def test_reminders_within_the_next_7_days(settings, column, kind, due, listed):
    f = frames(customers=CUSTOMERS[:1], vehicles=[{**VEHICLE, column: due}])
    items = renewal_reminders(f["vehicles"], None, settings, D(2026, 11, 24))
    assert list(items["kind"]) == ([kind] if listed else [])
    if listed:
        assert items["occasion"].iloc[0] == pd.Timestamp(due)
