from conftest import D, frames

from csxl.rules import due_items, due_today


def _people():
    return frames(
        customers=[
            {"customer_id": "C1", "name": "张三", "phone": "075512345678", "birthday": D(1990, 11, 28)},
            {"customer_id": "C2", "name": "李四", "birthday": D(1990, 11, 28), "opt_out_greetings": "是"},
            {"customer_id": "C3", "name": "王五", "birthday": D(1990, 11, 28), "opt_out": "是"},
        ],
        vehicles=[
            {"vin": f"V{n}", "customer_id": f"C{n}", "plate": f"粤B0000{n}", "insurance_due": D(2026, 11, 30), "delivery_date": D(2026, 11, 17)}
            for n in (1, 2, 3)
        ],
    )


def test_due_today_carries_name_phone_and_plate(settings, calendar):
    due = due_today(_people(), settings, D(2026, 11, 24), calendar)
    row = due[(due["customer_id"] == "C1") & (due["kind"] == "续保提醒")].iloc[0]
    assert (row["name"], row["phone"], row["plate"], row["vin"]) == ("张三", "075512345678", "粤B00001", "V1")


def test_opt_out_of_greetings_keeps_service_reminders(settings, calendar):
    due = due_today(_people(), settings, D(2026, 11, 24), calendar)
    kinds = {c: set(due.loc[due["customer_id"] == c, "kind"]) for c in ("C1", "C2", "C3")}
    assert kinds["C1"] == {"生日关怀", "续保提醒", "7DC回访"}
    assert kinds["C2"] == {"续保提醒", "7DC回访"}  # greetings refused, renewal still reminded
    assert kinds["C3"] == {"7DC回访"}  # refuses every message; the follow-up call is still staff's to do


def test_due_items_keeps_refused_messages_for_the_journal(settings, calendar):
    items = due_items(_people(), settings, D(2026, 11, 24), calendar)
    assert set(items.loc[items["customer_id"] == "C3", "kind"]) == {"生日关怀", "续保提醒", "7DC回访"}


def test_most_overdue_first(settings, calendar):
    f = frames(
        customers=[{"customer_id": "C1", "name": "张三"}],
        vehicles=[{"vin": "V1", "customer_id": "C1", "delivery_date": D(2026, 11, 10), "insurance_due": D(2026, 11, 25)}],
        complaints=[{"complaint_id": "T1", "received_date": D(2026, 11, 1), "confirmed_date": D(2026, 11, 2), "customer_id": "C1"}],
    )
    due = due_today(f, settings, D(2026, 11, 24), calendar)
    assert list(due["kind"]) == ["投诉超期", "7DC回访", "续保提醒"]
    assert list(due["days_overdue"]) == [20, 7, 0]
