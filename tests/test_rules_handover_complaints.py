import pandas as pd
import pytest
from conftest import D, frames

from csxl.calendars.workdays import WorkCalendar
from csxl.jobs import compute_due
from csxl.rules.complaints import overdue_complaints
from csxl.rules.handover import overdue_handovers


def test_make_up_sunday_is_a_working_day(calendar):
    assert calendar.is_workday(D(2026, 9, 20))  # 调休: a Sunday worked before National Day
    assert not calendar.is_workday(D(2026, 9, 19))  # an ordinary Saturday
    assert calendar.is_workday(D(2026, 10, 10))  # the make-up Saturday after it
    assert not any(calendar.is_workday(D(2026, 10, d)) for d in range(1, 8))


CAR = dict(customers=[{"customer_id": "C1", "name": "张三"}], vehicles=[{"vin": "V1", "customer_id": "C1"}])


@pytest.mark.parametrize(
    "event, event_date, deadline",
    [
        ("新车交车", D(2026, 9, 18), D(2026, 9, 21)),  # Fri → Sun 9/20 (worked) → Mon 9/21
        ("维修交车", D(2026, 9, 18), D(2026, 9, 20)),  # the make-up Sunday counts
        ("新车交车", D(2026, 9, 30), D(2026, 10, 9)),  # across the National Day week
        ("维修交车", D(2026, 9, 30), D(2026, 10, 8)),
        ("维修交车", D(2026, 11, 20), D(2026, 11, 23)),  # ordinary weekend
    ],
)
def test_handover_deadline_in_chinese_working_days(settings, calendar, event, event_date, deadline):
    f = frames(**CAR, handover=[{"vin": "V1", "event": event, "event_date": event_date, "clerk": "刘敏"}])
    assert overdue_handovers(f["handover"], settings, deadline, calendar).empty  # the deadline itself is on time
    items = overdue_handovers(f["handover"], settings, deadline + pd.Timedelta(days=1), calendar)
    assert list(items["due_date"]) == [pd.Timestamp(deadline)]
    assert "刘敏" in items["note"].iloc[0]


def test_handed_over_documents_are_not_listed(settings, calendar):
    f = frames(**CAR, handover=[{"vin": "V1", "event": "新车交车", "event_date": D(2026, 9, 18), "submitted_date": D(2026, 9, 25)}])
    assert overdue_handovers(f["handover"], settings, D(2026, 11, 24), calendar).empty


def test_year_beyond_the_calendar_library_falls_back_to_weekends_and_statutory_holidays(settings):
    calendar = WorkCalendar()
    f = frames(**CAR, handover=[{"vin": "V1", "event": "维修交车", "event_date": D(2027, 9, 30)}])
    # 2027-10-01..03 are statutory (Fri–Sun), so the next working day is Mon 10-04.
    items = overdue_handovers(f["handover"], settings, D(2027, 10, 6), calendar)
    assert list(items["due_date"]) == [pd.Timestamp("2027-10-04")]
    assert calendar.fallback_years == {2027}


def test_manager_adjustments_override_and_cover_the_year(settings):
    calendar = WorkCalendar({D(2027, 10, 2): True})
    f = frames(**CAR, handover=[{"vin": "V1", "event": "维修交车", "event_date": D(2027, 9, 30)}])
    items = overdue_handovers(f["handover"], settings, D(2027, 10, 6), calendar)
    assert list(items["due_date"]) == [pd.Timestamp("2027-10-02")]
    assert calendar.fallback_years == set()


def test_fallback_is_reported_once_in_data_problems(tmp_path):
    from csxl.workbook.reader import read_book
    from csxl.workbook.template import build_template

    rows = {
        "vehicles": [{"vin": "V1", "customer_id": "C1"}],
        "customers": [{"customer_id": "C1", "name": "张三"}],
        "handover": [
            {"vin": "V1", "event": "维修交车", "event_date": D(2027, 9, 30)},
            {"vin": "V1", "event": "新车交车", "event_date": D(2027, 3, 1)},
        ],
    }
    path = build_template(tmp_path / "b.xlsx", rows=rows)
    result = compute_due(read_book(path), D(2027, 10, 8))
    notes = [p for p in result.problems if "2027" in p.message]
    assert len(notes) == 1 and notes[0].sheet == "工作日调整"
    assert len(result.due[result.due["kind"] == "资料交接超期"]) == 2


COMPLAINT = {"complaint_id": "TS1", "received_date": D(2026, 11, 18), "customer_id": "C1", "category": "服务质量"}


@pytest.mark.parametrize(
    "extra, today, listed",
    [
        ({}, D(2026, 11, 21), False),  # received + 3 days, on the limit
        ({}, D(2026, 11, 22), True),
        ({"status": "处理中"}, D(2026, 11, 22), True),
        ({"status": "已解决"}, D(2026, 11, 30), False),
        ({"status": "已关闭"}, D(2026, 11, 30), False),
        ({"due_date": D(2026, 11, 25)}, D(2026, 11, 24), False),  # its own limit wins
        ({"due_date": D(2026, 11, 25)}, D(2026, 11, 26), True),
    ],
)
def test_open_complaints_past_their_limit(settings, extra, today, listed):
    f = frames(**CAR, complaints=[{**COMPLAINT, **extra}])
    items = overdue_complaints(f["complaints"], settings, today)
    assert (len(items) == 1) is listed
    if listed:
        assert "TS1" in items["note"].iloc[0]


def _complaint(**extra):
    return {"complaint_id": "T1", "received_date": D(2026, 9, 18), "customer_id": "C1", **extra}


@pytest.mark.parametrize(
    "confirmed, today, listed",
    [
        (None, D(2026, 9, 20), False),  # received Fri; the next working day is the make-up Sunday 9/20
        (None, D(2026, 9, 21), True),
        (D(2026, 9, 20), D(2026, 9, 30), False),
    ],
)
def test_complaint_waiting_for_confirmation(settings, calendar, confirmed, today, listed):
    from csxl.rules.complaints import unconfirmed_complaints

    f = frames(**CAR, complaints=[_complaint(confirmed_date=confirmed, status="处理中")])
    items = unconfirmed_complaints(f["complaints"], settings, today, calendar)
    assert (list(items["kind"]) == ["投诉待确认"]) is listed
    if listed:
        assert items["due_date"].iloc[0] == pd.Timestamp("2026-09-20")


@pytest.mark.parametrize(
    "closed, feedback, today, listed",
    [
        (D(2026, 9, 30), None, D(2026, 10, 8), False),  # closed before National Day: feedback due 10/8 (first working day)
        (D(2026, 9, 30), None, D(2026, 10, 9), True),
        (D(2026, 9, 30), D(2026, 10, 9), D(2026, 10, 20), False),
    ],
)
def test_complaint_waiting_for_feedback(settings, calendar, closed, feedback, today, listed):
    from csxl.rules.complaints import feedback_due_complaints

    f = frames(**CAR, complaints=[_complaint(status="已解决", confirmed_date=D(2026, 9, 18), closed_date=closed, feedback_date=feedback)])
    items = feedback_due_complaints(f["complaints"], settings, today, calendar)
    assert (list(items["kind"]) == ["投诉待反馈"]) is listed
