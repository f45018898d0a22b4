"""The scheduler's jobs driven with a given day, not by sleeping; config, logs and the CLI faces."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from cli_runs import run as _run

from csxl.errors import BadMailConfig, MissingPassword
from csxl.logs import redact, setup_logging
from csxl.messages.config import MailConfig, load_config
from csxl.messages.journal import Journal
from csxl.scheduler import DailyJob, missed_today, next_run
from csxl.workbook.template import build_template

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
CUSTOMERS = [
    {"customer_id": "C1", "name": "张三", "birthday": D(1990, 11, 28), "email": "c1@example.com", "phone": "13800138000"},
    {"customer_id": "C2", "name": "李四", "birthday": D(1990, 11, 29), "phone": "13900139000"},
]


@pytest.fixture
def book(tmp_path):
    return build_template(tmp_path / "台账.xlsx", rows={"customers": CUSTOMERS})


def test_daily_job_sends_and_refreshes(book):
    counts = DailyJob(book, MailConfig())(D(2026, 11, 24))
    assert counts == {"sent": 1, "skipped": 1}
    import openpyxl

    wb = openpyxl.load_workbook(book)
    assert wb["发送记录"].max_row == 3
    assert [r[1] for r in wb["今日待办"].iter_rows(min_row=2, values_only=True)] == ["C2"]


def test_daily_job_refreshes_the_reports_and_announces_the_weekly_one_on_mondays(book, caplog):
    import openpyxl

    with caplog.at_level(logging.INFO, logger="csxl"):
        DailyJob(book, MailConfig())(D(2026, 11, 24))  # a Tuesday
    assert "weekly follow-up report" not in caplog.text
    assert openpyxl.load_workbook(book)["回访周报"]["A2"].value == "2026-W41"
    with caplog.at_level(logging.INFO, logger="csxl"):
        DailyJob(book, MailConfig())(D(2026, 11, 30))  # a Monday
    assert "weekly follow-up report for 2026-W48 is ready" in caplog.text


def test_daily_job_still_sends_when_the_workbook_is_open_in_excel(book, caplog):
    lock = book.with_name("~$" + book.name)
    lock.write_bytes(b"x")
    before = book.read_bytes()
    with caplog.at_level(logging.INFO, logger="csxl"):
        counts = DailyJob(book, MailConfig())(D(2026, 11, 24))
    assert counts == {"sent": 1, "skipped": 1}
    assert book.read_bytes() == before
    assert "open in Excel" in caplog.text


def test_daily_job_on_a_read_only_workbook_sends_and_says_only_the_tabs_were_not_written(book, caplog):
    import os

    before = book.read_bytes()
    os.chmod(book, 0o444)
    with caplog.at_level(logging.INFO, logger="csxl"):
        counts = DailyJob(book, MailConfig())(D(2026, 11, 24))
    assert counts == {"sent": 1, "skipped": 1}
    assert book.read_bytes() == before
    assert "messages sent, tabs not refreshed: the workbook is marked read-only" in caplog.text
    assert "daily job failed" not in caplog.text


def test_a_failing_job_is_logged_and_the_loop_lives_on(tmp_path, caplog):
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    job = DailyJob(broken, MailConfig())
    with caplog.at_level(logging.ERROR, logger="csxl"):
        assert job(D(2026, 11, 24)) is None
        assert job(D(2026, 11, 25)) is None  # and again the next day
    assert caplog.text.count("daily job failed") == 2


def test_stop_request_stops_before_the_next_message(book):
    job = DailyJob(book, MailConfig())
    job.stop_requested.set()
    assert job(D(2026, 11, 24)) == {"stopped": 2}
    with Journal.beside(book) as journal:
        assert journal.counts()["sent"] == 0
        assert journal.last_completed_day() is None  # a stopped run is caught up next time


@pytest.mark.parametrize(
    "now, expected",
    [
        (dt.datetime(2026, 11, 24, 8, 59, tzinfo=SHANGHAI), dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)),
        (dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI), dt.datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)),
        (dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.timezone.utc), dt.datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)),
    ],
)
def test_next_run_in_the_configured_time_zone(now, expected):
    assert next_run("09:00", "Asia/Shanghai", now) == expected


def test_a_missed_run_is_caught_up_at_start(book):
    morning = dt.datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)
    noon = dt.datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)
    assert not missed_today(book, "09:00", "Asia/Shanghai", morning)
    assert missed_today(book, "09:00", "Asia/Shanghai", noon)
    DailyJob(book, MailConfig())(D(2026, 11, 24))
    assert not missed_today(book, "09:00", "Asia/Shanghai", noon)


def test_log_file_keeps_no_phone_numbers_or_addresses(book):
    path = setup_logging(book, to_stderr=False)
    logging.getLogger("csxl.test").info("customer 13800138000 <c1@example.com> 0755-12345678 on 2026-11-24 C00012")
    for handler in logging.getLogger("csxl").handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "13800138000" not in text and "c1@example.com" not in text and "12345678" not in text
    assert "2026-11-24 C00012" in text
    DailyJob(book, MailConfig())(D(2026, 11, 24))
    logged = path.read_text(encoding="utf-8")
    assert "sent 生日关怀" in logged and "c1@example.com" not in logged and "13800138000" not in logged


def test_redact_keeps_dates_and_ids():
    assert redact("2026-11-24 C00012 VIN LSVAB12345678901 电话13800138000") == "2026-11-24 C00012 VIN LSVAB12345678901 电话[phone]"


def test_provider_preset_and_password_from_the_environment(tmp_path, monkeypatch):
    cfg = tmp_path / "csxl.toml"
    cfg.write_text('[mail]\nprovider = "qq"\nuser = "kefu@qq.com"\n', encoding="utf-8")
    config = load_config(tmp_path / "x.xlsx")  # found beside the workbook
    assert (config.channel, config.host, config.port, config.security, config.sender) == ("smtp", "smtp.qq.com", 465, "ssl", "kefu@qq.com")
    monkeypatch.setenv("CSXL_SMTP_PASSWORD", "授权码abc")
    assert config.password() == "授权码abc"
    monkeypatch.delenv("CSXL_SMTP_PASSWORD")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with pytest.raises(MissingPassword) as raised:
        config.password()
    assert raised.value.message() == "没有找到邮箱 kefu@qq.com 的密码或授权码：请设置环境变量 CSXL_SMTP_PASSWORD，或运行 python -m keyring set csxl kefu@qq.com"


@pytest.mark.parametrize(
    "text, reason",
    [('[mail]\nprovider = "gmail"\nuser = "a@b.c"\n', "provider must be one of"), ("[mail]\nuser = 'a@b.c'\n", "needs provider or host"),
     ('[mail]\nhost = "h"\n', "needs user"), ("[mail\n", "")],
)
def test_bad_mail_config_names_the_file_and_the_fix(tmp_path, text, reason):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(BadMailConfig) as raised:
        load_config(tmp_path / "x.xlsx", cfg)
    assert str(cfg) in raised.value.message() and reason in raised.value.message()


def test_no_config_means_the_outbox(tmp_path):
    assert load_config(tmp_path / "x.xlsx").channel == "outbox"


def test_cli_remind_dry_run_then_send_then_status(csxl_cmd, book):
    dry = _run(csxl_cmd, "remind", book, "--today", "2026-11-24")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "2026-11-24：应发送 1 条，跳过 1（无邮箱 1）——试运行，加 --send 才会发送",
        f"  邮件 1 封 → 发件箱 {book.parent / 'outbox'}",
        "  生日关怀  2026-11-28  C1  c***@example.com  「本店祝您生日快乐」",  # masked on screen
    ]
    assert sorted(p.name for p in book.parent.iterdir()) == ["台账.xlsx"]  # a dry run leaves nothing behind
    sent = _run(csxl_cmd, "remind", book, "--today", "2026-11-24", "--send")
    assert sent.stdout.splitlines()[0] == f"2026-11-24：已发送 1，失败 0，跳过 1（无邮箱 1）→ 发件箱 {book.parent / 'outbox'}"
    status = _run(csxl_cmd, "status", book).stdout.splitlines()
    assert status[0].startswith("上次运行：2026-11-24（") and status[0].endswith("已发送 1，失败 0，跳过 1")
    assert status[1] == "消息：待发送 0，已发送 1，失败 0，跳过 1"
    assert status[2].startswith("下次运行：") and status[2].endswith("09:00 Asia/Shanghai")


def test_cli_bad_config_is_one_line(csxl_cmd, book, tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[mail]\nhost = 'h'\n", encoding="utf-8")
    result = _run(csxl_cmd, "remind", book, "--config", cfg)
    assert result.returncode == 3
    assert result.stderr.strip() == f"Error: 邮件配置有误：{cfg}: [mail] needs user (or sender): the mailbox messages are sent from"
