"""The contact policy on its own: a pure function of the plan, the sent messages, the settings and the moment."""

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from csxl import jobs
from csxl.messages.journal import Journal
from csxl.messages.plan import HELD_OVER_CAP, NO_CONSENT, OUTSIDE_HOURS, SEND, SKIP, Decision
from csxl.messages.policy import apply_contact_policy
from csxl.settings import Settings
from csxl.workbook.template import build_template

D = dt.date
CHINA = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 11, 24, 12, 0, tzinfo=CHINA)


def decision(customer, kind, occasion=D(2026, 11, 28), medium="sms", consent=None):
    return Decision(key=f"{customer}||{kind}|{occasion}", action=SEND, reason=None, customer_id=customer, vin=None, kind=kind,
                    occasion=occasion, first_due=D(2026, 11, 24), to="13800000000", medium=medium, consent=consent)


def sent(*rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "sent_day"])
    frame["sent_day"] = pd.to_datetime(frame["sent_day"])
    return frame


def outcome(decisions):
    return [(d.customer_id, d.kind, d.action, d.reason) for d in decisions]


def test_weekly_cap_counts_every_kind_and_channel_together():
    plan = [decision("C1", "节日问候"), decision("C1", "续保提醒", medium="email"), decision("C1", "生日关怀")]
    history = sent(("C1", "2026-11-20"))  # one message already this week
    result = apply_contact_policy(plan, history, Settings(), NOON)
    assert outcome(result) == [
        ("C1", "节日问候", SKIP, HELD_OVER_CAP), ("C1", "续保提醒", SEND, None), ("C1", "生日关怀", SKIP, HELD_OVER_CAP)]


def test_service_reminders_go_before_birthdays_before_greetings():
    plan = [decision("C1", "节日问候"), decision("C1", "生日关怀"), decision("C1", "保养提醒"), decision("C1", "质保到期")]
    result = apply_contact_policy(plan, sent(), Settings(), NOON)
    assert [d.kind for d in result if d.action == SEND] == ["保养提醒", "质保到期"]
    result = apply_contact_policy(plan[:2], sent(), replace(Settings(), weekly_contact_cap=1), NOON)
    assert [d.kind for d in result if d.action == SEND] == ["生日关怀"]


def test_monthly_cap_and_the_window_of_days():
    history = sent(("C1", "2026-10-26"), ("C1", "2026-11-01"), ("C1", "2026-11-05"), ("C1", "2026-11-10"), ("C2", "2026-10-25"))
    plan = [decision("C1", "年审提醒"), decision("C2", "年审提醒")]
    result = apply_contact_policy(plan, history, Settings(), NOON)
    # C1 had four in the last 30 days (10-26 is day 30); C2's one is 31 days back and no longer counts
    assert outcome(result) == [("C1", "年审提醒", SKIP, HELD_OVER_CAP), ("C2", "年审提醒", SEND, None)]
    assert outcome(apply_contact_policy(plan, history, Settings(), NOON + dt.timedelta(days=1)))[0][2] == SEND


@pytest.mark.parametrize(("hour", "minute", "allowed"), [(7, 59, False), (8, 0, True), (20, 59, True), (21, 0, True), (21, 1, False)])
def test_messages_go_only_inside_the_sending_hours(hour, minute, allowed):
    plan = [decision("C1", "续保提醒")]
    result = apply_contact_policy(plan, sent(), Settings(), NOON.replace(hour=hour, minute=minute))
    assert outcome(result) == [("C1", "续保提醒", SEND, None) if allowed else ("C1", "续保提醒", SKIP, OUTSIDE_HOURS)]


def test_greetings_need_consent_when_the_setting_says_so():
    plan = [decision("C1", "生日关怀", consent="是"), decision("C2", "生日关怀", consent="否"), decision("C3", "节日问候"),
            decision("C3", "续保提醒")]
    assert all(d.action == SEND for d in apply_contact_policy(plan, sent(), Settings(), NOON))
    result = apply_contact_policy(plan, sent(), replace(Settings(), marketing_needs_consent="是"), NOON)
    assert outcome(result) == [("C1", "生日关怀", SEND, None), ("C2", "生日关怀", SKIP, NO_CONSENT),
                               ("C3", "节日问候", SKIP, NO_CONSENT), ("C3", "续保提醒", SEND, None)]


def test_a_held_message_waits_for_the_next_allowed_day_and_is_skipped_as_over_the_cap_once_its_occasion_passes(tmp_path):
    """Through the real planner and journal: cap 1 a week, a car's renewal and the owner's birthday due the same days."""
    customers = [{"customer_id": "C1", "name": "王一", "birthday": D(1990, 11, 29), "phone": "13800000001"}]
    vehicles = [{"vin": "V1", "customer_id": "C1", "plate": "粤B1", "insurance_due": D(2026, 11, 28)}]
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": customers, "vehicles": vehicles},
                          settings={"send_channel": "短信优先", "weekly_contact_cap": "1"})
    first = jobs.remind(path, D(2026, 11, 24), send=True)
    assert sorted(outcome(first.decisions)) == [("C1", "生日关怀", SKIP, HELD_OVER_CAP), ("C1", "续保提醒", SEND, None)]
    with Journal.beside(path) as journal:
        assert journal.state("C1||生日关怀|2026-11-29") == ("skipped", HELD_OVER_CAP)
    second = jobs.remind(path, D(2026, 11, 27), send=True)  # still held: the birthday wish waits
    assert [(d.kind, d.reason) for d in second.decisions] == [("生日关怀", HELD_OVER_CAP)]
    third = jobs.remind(path, D(2026, 11, 30), send=True)  # the birthday has passed while it waited
    assert [(d.kind, d.reason) for d in third.decisions] == [("生日关怀", "over_cap")]
    with Journal.beside(path) as journal:
        assert journal.state("C1||生日关怀|2026-11-29") == ("skipped", "over_cap")
    assert jobs.remind(path, D(2026, 12, 1), send=True).decisions == []  # final: never looked at again
    sent_files = sorted((tmp_path / "outbox").glob("*.sms.txt"))
    assert len(sent_files) == 1


def test_a_held_message_goes_once_the_week_allows(tmp_path):
    customers = [{"customer_id": "C1", "name": "王一", "birthday": D(1990, 12, 3), "phone": "13800000001"}]
    vehicles = [{"vin": "V1", "customer_id": "C1", "plate": "粤B1", "insurance_due": D(2026, 11, 28)}]
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": customers, "vehicles": vehicles},
                          settings={"send_channel": "短信优先", "weekly_contact_cap": "1"})

    def send_on(day):  # as the scheduler runs, judged at 设置 发送时间: on the real today the clock's hour would decide
        return jobs.remind(path, day, send=True, scheduled=True)

    assert sorted(outcome(send_on(D(2026, 11, 26)).decisions)) == [
        ("C1", "生日关怀", SKIP, HELD_OVER_CAP), ("C1", "续保提醒", SEND, None)]
    later = send_on(D(2026, 12, 1))  # 11-26 is still within 7 days: held
    assert [(d.kind, d.reason) for d in later.decisions] == [("生日关怀", HELD_OVER_CAP)]
    sent_day = send_on(D(2026, 12, 3))  # 11-26 + 7 days: the cap frees, the wish goes on the day
    assert [(d.kind, d.action) for d in sent_day.decisions] == [("生日关怀", SEND)]
    assert len(list((tmp_path / "outbox").glob("*.sms.txt"))) == 2
