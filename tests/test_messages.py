"""Messages end to end: real workbook, real SQLite journal, real SMTP server on loopback."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from email.utils import parseaddr

import pytest
from smtp_server import free_port

from csxl import jobs
from csxl.messages.config import load_config
from csxl.messages.journal import Journal
from csxl.workbook.template import build_template

D = dt.date
TODAY = D(2026, 11, 24)


def _customers(n, birthday=D(1990, 11, 28), **extra):
    return [
        {"customer_id": f"C{i:03d}", "name": f"张{'三四五六七八九十'[i % 8]}{i}", "gender": "男" if i % 2 else "女",
         "birthday": birthday, "email": f"c{i:03d}@example.com", **extra}
        for i in range(1, n + 1)
    ]


def _book(tmp_path, customers, vehicles=(), settings=None):
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": customers, "vehicles": list(vehicles)})
    if settings:
        import openpyxl

        wb = openpyxl.load_workbook(path)
        for row in wb["设置"].iter_rows(min_row=2):
            if row[0].value in settings:
                row[1].value = str(settings[row[0].value])
        wb.save(path)
    return path


def _config(tmp_path, server, **extra):
    cfg = tmp_path / "csxl.toml"
    cfg.write_text(server.config_toml(**extra), encoding="utf-8")
    return load_config(tmp_path / "台账.xlsx", cfg)


def test_mail_arrives_with_decoded_chinese_sender_subject_and_body(tmp_path, smtp_server):
    vehicles = [{"vin": "V1", "customer_id": "C001", "plate": "粤B12345", "model": "朗逸", "insurance_due": D(2026, 11, 30)}]
    path = _book(tmp_path, _customers(2), vehicles)
    result = jobs.remind(path, TODAY, send=True, config=_config(tmp_path, smtp_server))
    assert result.counts == {"sent": 3}
    received = {(tuple(rcpt), m["Subject"]) for rcpt, m in smtp_server.recorder.messages}
    assert received == {
        (("c001@example.com",), "本店祝您生日快乐"),
        (("c002@example.com",), "本店祝您生日快乐"),
        (("c001@example.com",), "续保提醒：粤B12345"),
    }
    _, renewal = next(m for m in smtp_server.recorder.messages if "续保" in m[1]["Subject"])
    assert parseaddr(renewal["From"]) == ("客服中心", "kefu@dealer.example")
    assert renewal["To"] == "c001@example.com"
    body = renewal.get_body(("plain",)).get_content()
    assert "尊敬的张先生" in body and "您的爱车（粤B12345）车险将于 2026-11-30 到期" in body
    assert "<br>" not in body


def test_a_second_send_sends_nothing(tmp_path, smtp_server):
    path = _book(tmp_path, _customers(3))
    config = _config(tmp_path, smtp_server)
    assert jobs.remind(path, TODAY, send=True, config=config).counts == {"sent": 3}
    again = jobs.remind(path, TODAY, send=True, config=config)
    later = jobs.remind(path, TODAY + dt.timedelta(days=2), send=True, config=config)
    assert again.counts == {} and later.counts == {}
    assert len(smtp_server.recorder.messages) == 3


def test_opted_out_and_missing_addresses_are_skipped_with_reasons(tmp_path):
    customers = _customers(4)
    customers[0]["opt_out"] = "是"
    customers[1]["opt_out_greetings"] = "是"
    customers[2]["email"] = None
    vehicles = [{"vin": "V2", "customer_id": "C002", "plate": "粤B2", "inspection_due": D(2026, 11, 26)}]
    path = _book(tmp_path, customers, vehicles)
    result = jobs.remind(path, TODAY, send=True)  # no config: the outbox
    assert result.counts == {"sent": 2, "skipped": 3}
    with Journal.beside(path) as journal:
        states = {(k.split("|")[0], k.split("|")[2]): v for k, v in journal.states().items()}
    assert states == {
        ("C001", "生日关怀"): ("skipped", "opted_out"),
        ("C002", "生日关怀"): ("skipped", "opted_out"),  # greetings refused …
        ("C002", "年审提醒"): ("sent", None),  # … the inspection reminder still goes
        ("C003", "生日关怀"): ("skipped", "no_address"),
        ("C004", "生日关怀"): ("sent", None),
    }
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
    # the customer without an address is on the call list instead
    due = jobs.check(path, TODAY).due
    assert set(due.loc[due["kind"] == "生日关怀", "customer_id"]) == {"C003"}


def test_an_address_added_later_is_still_sent_within_the_window(tmp_path):
    customers = _customers(1, email=None)
    path = _book(tmp_path, customers)
    assert jobs.remind(path, TODAY, send=True).counts == {"skipped": 1}
    path.unlink()
    _book(tmp_path, _customers(1))
    assert jobs.remind(path, TODAY + dt.timedelta(days=1), send=True).counts == {"sent": 1}


def test_server_refusing_leaves_failed_and_the_next_run_sends(tmp_path, smtp_server):
    path = _book(tmp_path, _customers(3))
    config = _config(tmp_path, smtp_server)
    smtp_server.recorder.reply = "451 try later"
    first = jobs.remind(path, TODAY, send=True, config=config, sleep=lambda s: None)
    assert first.counts == {"failed": 3}
    with Journal.beside(path) as journal:
        assert journal.counts()["failed"] == 3
    smtp_server.recorder.reply = "250 OK"
    second = jobs.remind(path, TODAY + dt.timedelta(days=1), send=True, config=config)
    assert second.counts == {"sent": 3}
    assert sorted(r[0] for r, _ in smtp_server.recorder.messages) == ["c001@example.com", "c002@example.com", "c003@example.com"]


def test_server_down_leaves_failed_with_backoff_and_the_next_run_sends(tmp_path, smtp_server):
    path = _book(tmp_path, _customers(2))
    cfg = tmp_path / "down.toml"
    cfg.write_text(smtp_server.config_toml().replace(f"port = {smtp_server.port}", f"port = {free_port()}"), encoding="utf-8")
    waits = []
    first = jobs.remind(path, TODAY, send=True, config=load_config(path, cfg), sleep=waits.append)
    assert first.counts == {"failed": 2}
    assert waits == [0.01]  # one retry after the backoff, then every message is left failed
    second = jobs.remind(path, TODAY, send=True, config=_config(tmp_path, smtp_server))
    assert second.counts == {"sent": 2}


def test_catch_up_after_three_days_off_sends_what_is_in_window_and_skips_what_expired(tmp_path):
    customers = [
        {"customer_id": "C1", "name": "甲", "birthday": D(1990, 11, 23), "email": "c1@example.com"},  # due 11-21, gone by 11-24
        {"customer_id": "C2", "name": "乙", "birthday": D(1990, 11, 25), "email": "c2@example.com"},  # due 11-23, still ahead
        {"customer_id": "C3", "name": "丙", "birthday": D(1990, 11, 26), "email": "c3@example.com"},  # due today
    ]
    path = _book(tmp_path, customers, settings={"生日提前最多天数": 2})
    assert jobs.remind(path, D(2026, 11, 20), send=True).counts == {}  # last run before the PC went off
    result = jobs.remind(path, D(2026, 11, 24), send=True)  # off on 11-21, 11-22, 11-23
    assert result.days == [D(2026, 11, 21), D(2026, 11, 22), D(2026, 11, 23), D(2026, 11, 24)]
    assert result.counts == {"sent": 2, "skipped": 1}
    with Journal.beside(path) as journal:
        states = {k.split("|")[0]: v for k, v in journal.states().items()}
    assert states == {"C1": ("skipped", "expired"), "C2": ("sent", None), "C3": ("sent", None)}


def test_a_failed_message_is_retried_even_after_it_left_the_rules_window(tmp_path, smtp_server):
    path = _book(tmp_path, [{"customer_id": "C1", "name": "甲", "birthday": D(1990, 11, 26), "email": "c1@example.com"}])
    config = _config(tmp_path, smtp_server)
    smtp_server.recorder.reply = "451 later"
    assert jobs.remind(path, TODAY, send=True, config=config, sleep=lambda s: None).counts == {"failed": 1}
    smtp_server.recorder.reply = "250 OK"
    # on 11-25 the birthday is 1 day ahead: outside the 2–7 day window, but the failed message is still valid
    assert jobs.remind(path, D(2026, 11, 25), send=True, config=config).counts == {"sent": 1}


CRASH_CUSTOMERS = 30
KILL_AT = 11


def test_killed_mid_batch_and_restarted_sends_each_message_exactly_once(tmp_path, smtp_server):
    path = _book(tmp_path, _customers(CRASH_CUSTOMERS))
    cfg = tmp_path / "csxl.toml"
    cfg.write_text(smtp_server.config_toml(), encoding="utf-8")
    command = [sys.executable, "-m", "csxl", "remind", str(path), "--send", "--today", TODAY.isoformat()]
    env = {**os.environ, "CSXL_LANG": "en"}

    smtp_server.recorder.hold_at = KILL_AT  # the server stalls on message 11 …
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert smtp_server.recorder.holding.wait(60), first.communicate()
    os.kill(first.pid, signal.SIGKILL)  # … and the sender dies mid-transaction
    first.wait(30)
    smtp_server.recorder.release.set()
    time.sleep(0.2)
    delivered_before_restart = len(smtp_server.recorder.messages)
    with Journal.beside(path) as journal:
        assert journal.counts()["pending"] == 1  # the message in flight

    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    recipients = [r[0] for r, _ in smtp_server.recorder.messages]
    duplicates = len(recipients) - len(set(recipients))
    lost = CRASH_CUSTOMERS - len(set(recipients))
    print(f"crash-and-restart: messages={CRASH_CUSTOMERS} before_kill={delivered_before_restart} "
          f"sent={len(set(recipients))} duplicates={duplicates} lost={lost}")
    assert delivered_before_restart == KILL_AT - 1
    assert (duplicates, lost) == (0, 0)
    with Journal.beside(path) as journal:
        assert journal.counts() == {"pending": 0, "sent": CRASH_CUSTOMERS, "failed": 0, "skipped": 0}


def test_outbox_pending_left_by_a_crash_is_resolved_from_the_file(tmp_path):
    path = _book(tmp_path, _customers(2))
    jobs.remind(path, TODAY, send=True)
    key = next(iter(Journal.beside(path).states()))
    with Journal.beside(path) as journal:  # as if the process died after writing the file, before recording it
        journal._db.execute("UPDATE messages SET state = 'pending' WHERE key = ?", (key,))
    result = jobs.remind(path, TODAY, send=True)
    assert result.recovered == 1 and result.counts == {}
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2


def test_refresh_mirrors_the_journal_into_the_sent_log_tab(tmp_path):
    import openpyxl

    customers = _customers(2)
    customers[1]["email"] = None
    path = _book(tmp_path, customers)
    jobs.remind(path, TODAY, send=True)
    jobs.refresh(path, TODAY)
    rows = list(openpyxl.load_workbook(path)["发送记录"].iter_rows(values_only=True))
    assert rows[0][:7] == ("时间", "客户编号", "车架号", "事项类型", "场合日期", "渠道", "状态")
    assert rows[0][7:9] == ("送达", "原因")
    # an e-mail has no delivery report: 送达 stays empty rather than claim 未知 for ever
    assert sorted((r[1], r[6], r[7], r[8]) for r in rows[1:]) == [("C001", "已发送", None, None), ("C002", "跳过", None, "无邮箱，请电话联系")]
    due = [r for r in openpyxl.load_workbook(path)["今日待办"].iter_rows(values_only=True)][1:]
    assert [(r[0], r[1]) for r in due] == [("生日关怀", "C002")]  # the sent greeting left the to-do list


@pytest.mark.parametrize(
    "body, problem",
    [("您好{{姓名}}，{{门店}}祝您生日快乐", None), ("您好{{姓名}}{{优惠券}}", "优惠券"), ("您好{{姓名", "unexpected")],
)
def test_templates_from_the_sheet(tmp_path, body, problem):
    import openpyxl

    path = _book(tmp_path, [{"customer_id": "C1", "name": "王芳", "gender": "女", "birthday": D(1990, 11, 28), "email": "w@example.com"}])
    wb = openpyxl.load_workbook(path)
    ws = wb["消息模板"]
    ws.append(["生日关怀", None, "生日快乐，{{称呼}}", body])
    wb.save(path)
    result = jobs.remind(path, TODAY)
    sent = result.decisions[0]
    problems = [p for p in jobs.check(path, TODAY).problems if p.sheet == "消息模板"]
    if problem is None:
        assert (sent.subject, sent.body) == ("生日快乐，王女士", "您好王芳，本店祝您生日快乐")
        assert problems == []
    else:
        assert sent.subject == "本店祝您生日快乐"  # the default is used
        assert len(problems) == 1 and problems[0].row == ws.max_row and problem in problems[0].message


def test_english_workbook_sends_english_messages(tmp_path):
    path = build_template(tmp_path / "en.xlsx", lang="en", rows={"customers": [
        {"customer_id": "C1", "name": "Li Lei", "birthday": D(1990, 11, 28), "email": "li@example.com"}]})
    decision = jobs.remind(path, TODAY).decisions[0]
    assert decision.subject == "Happy birthday from our dealership"
    assert decision.body.startswith("Dear Li Lei,")
