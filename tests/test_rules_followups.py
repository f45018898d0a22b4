import pandas as pd
import pytest
from conftest import D, frames

from csxl.rules.followups import delivery_followups, repair_followups

CUSTOMER = [{"customer_id": "C1", "name": "张三"}]


def _car(**extra):
    return {"vin": "V1", "customer_id": "C1", **extra}


@pytest.mark.parametrize(
    "today, listed, overdue",
    [
        (D(2026, 11, 23), False, None),  # day 6: not yet
        (D(2026, 11, 24), True, 0),  # day 7: due
        (D(2026, 11, 30), True, 6),
        (D(2026, 12, 24), True, 30),  # last day kept on the list
        (D(2026, 12, 25), False, None),  # left the list (reports still count it)
    ],
)
def test_7dc_is_due_on_day_7_after_delivery(settings, today, listed, overdue):
    f = frames(customers=CUSTOMER, vehicles=[_car(delivery_date=D(2026, 11, 17))])
    items = delivery_followups(f["vehicles"], f["visits"], settings, today)
    sevens = items[items["kind"] == "7DC回访"]
    assert (len(sevens) == 1) is listed
    if listed:
        assert sevens["due_date"].iloc[0] == pd.Timestamp("2026-11-24")
        assert (pd.Timestamp(today) - sevens["due_date"].iloc[0]).days == overdue


def test_7dc_for_a_second_level_outlet_counts_10_days_from_the_invoice(settings):
    car = _car(delivery_date=D(2026, 11, 16), outlet_level="二级", invoice_date=D(2026, 11, 12))
    f = frames(customers=CUSTOMER, vehicles=[car])
    assert delivery_followups(f["vehicles"], f["visits"], settings, D(2026, 11, 21)).empty
    items = delivery_followups(f["vehicles"], f["visits"], settings, D(2026, 11, 22))
    assert list(items["kind"]) == ["7DC回访"]
    assert items["due_date"].iloc[0] == pd.Timestamp("2026-11-22")
    assert "开票 2026-11-12" in items["note"].iloc[0]


def test_7dc_is_done_once_a_7dc_visit_is_logged_for_the_vin(settings):
    f = frames(
        customers=CUSTOMER,
        vehicles=[_car(delivery_date=D(2026, 11, 17))],
        visits=[{"visit_date": D(2026, 11, 24), "vin": "V1", "kind": "7DC"}],
    )
    assert delivery_followups(f["vehicles"], f["visits"], settings, D(2026, 11, 25)).empty


def test_a_visit_of_another_kind_does_not_close_the_7dc(settings):
    f = frames(
        customers=CUSTOMER,
        vehicles=[_car(delivery_date=D(2026, 11, 17))],
        visits=[{"visit_date": D(2026, 11, 24), "vin": "V1", "kind": "月回访"}],
    )
    assert list(delivery_followups(f["vehicles"], f["visits"], settings, D(2026, 11, 25))["kind"]) == ["7DC回访"]


def test_monthly_and_yearly_calls_count_from_delivery(settings):
    f = frames(customers=CUSTOMER, vehicles=[_car(delivery_date=D(2025, 11, 24)), {"vin": "V2", "customer_id": "C1", "delivery_date": D(2026, 10, 25)}])
    items = delivery_followups(f["vehicles"], f["visits"], settings, D(2026, 11, 24))
    calls = items[items["kind"].isin(["月回访", "年回访"])]
    assert sorted(zip(calls["kind"], calls["vin"], calls["due_date"].dt.strftime("%Y-%m-%d"))) == [
        ("年回访", "V1", "2026-11-24"), ("月回访", "V2", "2026-11-24"),
    ]


def test_windows_come_from_settings(settings):
    from dataclasses import replace

    f = frames(customers=CUSTOMER, vehicles=[_car(delivery_date=D(2026, 11, 17))])
    later = replace(settings, followup_7dc_days=10)
    assert delivery_followups(f["vehicles"], f["visits"], later, D(2026, 11, 24)).empty
    assert len(delivery_followups(f["vehicles"], f["visits"], later, D(2026, 11, 27))) == 1


REPAIR = {"order_no": "WO1", "vin": "V1", "date_in": D(2026, 11, 18), "date_out": D(2026, 11, 19)}


@pytest.mark.parametrize(
    "today, listed, overdue",
    [
        (D(2026, 11, 21), False, None),  # day 2
        (D(2026, 11, 22), True, 0),  # day 3: window opens
        (D(2026, 11, 24), True, 0),  # day 5: last day of the window
        (D(2026, 11, 25), True, 1),  # overdue
    ],
)
def test_3dc_window_is_day_3_to_day_5_after_hand_back(settings, today, listed, overdue):
    f = frames(customers=CUSTOMER, vehicles=[_car()], services=[REPAIR])
    items = repair_followups(f["services"], f["visits"], settings, today)
    assert (len(items) == 1) is listed
    if listed:
        assert items["due_date"].iloc[0] == pd.Timestamp("2026-11-24")
        assert max(0, (pd.Timestamp(today) - items["due_date"].iloc[0]).days) == overdue
        assert "WO1" in items["note"].iloc[0]


@pytest.mark.parametrize(
    "visit, done",
    [
        ({"visit_date": D(2026, 11, 22), "kind": "3DC", "order_no": "WO1"}, True),
        ({"visit_date": D(2026, 11, 22), "kind": "3DC", "vin": "V1"}, True),  # by VIN, after hand-back
        ({"visit_date": D(2026, 11, 10), "kind": "3DC", "vin": "V1"}, False),  # an older repair's call
        ({"visit_date": D(2026, 11, 22), "kind": "3DC", "order_no": "WO9"}, False),
        ({"visit_date": D(2026, 11, 22), "kind": "7DC", "order_no": "WO1"}, False),
    ],
)
def test_3dc_is_done_by_a_3dc_visit_for_the_order_or_later_for_the_vin(settings, visit, done):
    f = frames(customers=CUSTOMER, vehicles=[_car()], services=[REPAIR], visits=[visit])
    assert repair_followups(f["services"], f["visits"], settings, D(2026, 11, 23)).empty is done


def test_unanswered_calls_leave_the_follow_up_due_and_are_counted(settings):
    calls = [
        {"visit_date": D(2026, 11, 24), "customer_id": "C1", "vin": "V1", "kind": "7DC", "result": "未接通"},
        {"visit_date": D(2026, 11, 25), "customer_id": "C1", "vin": "V1", "kind": "7DC", "result": "未接通"},
    ]
    f = frames(customers=CUSTOMER, vehicles=[_car(delivery_date=D(2026, 11, 17))], visits=calls)
    items = delivery_followups(f["vehicles"], f["visits"], settings, D(2026, 11, 25))
    assert list(items["kind"]) == ["7DC回访"]
    assert items["note"].iloc[0] == "提车 2026-11-17；未接通 2 次"


@pytest.mark.parametrize("result", ["成功", "拒访", None])
def test_a_reached_refused_or_blank_call_completes_it(settings, result):
    calls = [
        {"visit_date": D(2026, 11, 24), "customer_id": "C1", "vin": "V1", "kind": "7DC", "result": "未接通"},
        {"visit_date": D(2026, 11, 25), "customer_id": "C1", "vin": "V1", "kind": "7DC", "result": result},
    ]
    f = frames(customers=CUSTOMER, vehicles=[_car(delivery_date=D(2026, 11, 17))], visits=calls)
    assert delivery_followups(f["vehicles"], f["visits"], settings, D(2026, 11, 25)).empty
    # the day before the completing call, it was still due
    assert len(delivery_followups(f["vehicles"], f["visits"], settings, D(2026, 11, 24))) == 1


def test_quarterly_call_is_due_90_days_after_delivery(settings):
    f = frames(customers=CUSTOMER, vehicles=[_car(delivery_date=D(2026, 8, 26))])
    assert "季度回访" not in set(delivery_followups(f["vehicles"], f["visits"], settings, D(2026, 11, 23))["kind"])
    items = delivery_followups(f["vehicles"], f["visits"], settings, D(2026, 11, 24))
    quarterly = items[items["kind"] == "季度回访"]
    assert list(quarterly["due_date"]) == [pd.Timestamp("2026-11-24")]


def test_a_3dc_call_for_another_order_of_the_same_car_after_hand_back_counts(settings):
    f = frames(
        customers=CUSTOMER, vehicles=[_car()],
        services=[{"order_no": "W1", "vin": "V1", "date_out": D(2026, 11, 18)}],
        visits=[{"visit_date": D(2026, 11, 21), "customer_id": "C1", "vin": "V1", "kind": "3DC", "result": "未接通"}],
    )
    items = repair_followups(f["services"], f["visits"], settings, D(2026, 11, 22))
    assert items["note"].iloc[0].endswith("未接通 1 次")
