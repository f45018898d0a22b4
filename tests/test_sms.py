"""SMS end to end: a real workbook and journal, the providers' real SDKs, and a fake of each provider on loopback."""

import datetime as dt
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass

import openpyxl
import pytest
from sms_fakes import FakeAliyun, FakeTencent

from csxl import jobs
from csxl.console import remind_lines
from csxl.messages.journal import Journal
from csxl.messages.providers import is_opt_out
from csxl.messages.sms import parameter_names, segments
from csxl.messages.templates import default_rows
from csxl.workbook.template import build_template

D = dt.date
TODAY = D(2026, 11, 24)
SIGNATURE = "某某汽车"
KEY_ID, SECRET = "LTAI-test-key", "test-secret-不外传"
APP_ID = "1400123456"
SECRETS = {
    "阿里云": {"ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET},
    "腾讯云": {"TENCENTCLOUD_SECRET_ID": KEY_ID, "TENCENTCLOUD_SECRET_KEY": SECRET},
}


def template_id(provider: str, n: int) -> str:
    return f"SMS_{1000 + n}" if provider == "阿里云" else str(2000 + n)


def approved_text(provider: str, body: str) -> str:
    """The provider-approved form of a csxl template body: ${name} for 阿里云, {1}, {2}, … for 腾讯云."""
    names = parameter_names(body)
    from csxl.messages.templates import PLACEHOLDERS

    def swap(match):
        name = PLACEHOLDERS.get(match.group(1), match.group(1))
        return "${%s}" % name if provider == "阿里云" else "{%d}" % (names.index(name) + 1)

    return re.sub(r"\{\{\s*([^\s}]+)\s*\}\}", swap, body)


@dataclass
class Desk:
    provider: str
    fake: object
    templates: dict  # (kind, holiday) → template id

    def book(self, tmp_path, customers, vehicles=(), **settings):
        rows = []
        for n, row in enumerate(default_rows("zh")):
            rows.append({**row, "sms_template_id": template_id(self.provider, n)})
        chosen = {"sms_provider": self.provider, "sms_signature": SIGNATURE, "sms_app_id": APP_ID,
                  "sms_endpoint": self.fake.endpoint, **settings}
        return build_template(tmp_path / "台账.xlsx", rows={"customers": customers, "vehicles": list(vehicles), "templates": rows},
                              settings=chosen)


def _fake(provider: str):
    texts = {template_id(provider, n): approved_text(provider, row["body"]) for n, row in enumerate(default_rows("zh"))}
    if provider == "阿里云":
        return FakeAliyun(KEY_ID, SECRET, {SIGNATURE}, texts)
    return FakeTencent(KEY_ID, SECRET, {SIGNATURE}, texts, APP_ID)


@pytest.fixture(params=["阿里云", "腾讯云"])
def desk(request, monkeypatch):
    for name, value in SECRETS[request.param].items():
        monkeypatch.setenv(name, value)
    with _fake(request.param) as fake:
        yield Desk(request.param, fake, {})


@pytest.fixture
def tencent(monkeypatch):
    for name, value in SECRETS["腾讯云"].items():
        monkeypatch.setenv(name, value)
    with _fake("腾讯云") as fake:
        yield Desk("腾讯云", fake, {})


def customers(n, **extra):
    return [{"customer_id": f"C{i:03d}", "name": f"王{'一二三四五六七八'[i % 8]}{i}", "gender": "男" if i % 2 else "女",
             "birthday": D(1990, 11, 28), "phone": f"138{i:08d}", **extra} for i in range(1, n + 1)]


def sent_log(path):
    rows = list(openpyxl.load_workbook(path)["发送记录"].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:]]


def test_dry_run_counts_segments_and_cost_and_asks_the_provider_nothing(tmp_path, desk):
    path = desk.book(tmp_path, customers(3))
    result = jobs.remind(path, TODAY)
    sends = [d for d in result.decisions if d.action == "send"]
    assert len(sends) == 3 and {d.medium for d in sends} == {"sms"}
    assert all(d.sms.text.startswith(f"【{SIGNATURE}】尊敬的王") for d in sends)
    assert sum(desk.fake.requests.values()) == 0  # a dry run sends nothing and asks nothing
    total = sum(d.segments for d in sends)
    assert total == sum(segments(d.sms.text) for d in sends) >= 3
    lines = remind_lines(result, "zh", tmp_path / "outbox")
    name = "阿里云短信" if desk.provider == "阿里云" else "腾讯云短信"
    assert f"  短信 3 条，计费 {total} 条，估计 {total * 0.045:.2f} 元 → {name}" in lines


def test_send_then_receipts_fill_the_sent_log(tmp_path, desk):
    path = desk.book(tmp_path, customers(3))
    result = jobs.remind(path, TODAY, send=True)
    assert result.counts["sent"] == 3, result.failure
    assert desk.fake.refused == []  # every request carried a signature the fake recomputed from the test secret
    accepted = desk.fake.accepted
    assert len(accepted) == 3
    planned = {d.to: d for d in result.decisions if d.action == "send"}
    for message in accepted:
        decision = planned[message["number"]]
        assert message["text"] == decision.sms.text  # what the handset shows is what csxl showed in the dry run
    with Journal.beside(path) as journal:
        refs = {row[0] for row in journal._db.execute("SELECT ref FROM messages WHERE state = 'sent'")}
    assert {m["context"] for m in accepted} == refs  # the journal key's ref went as OutId / SessionContext
    desk.fake.fail_number(accepted[0]["number"], "停机")  # too late for it: its receipt is already written as delivered
    pulled = jobs.receipts(path)
    assert (pulled.delivered, pulled.undelivered) == (3, 0)
    jobs.refresh(path, TODAY)
    assert sorted(r["送达"] for r in sent_log(path)) == ["已送达"] * 3
    assert {r["渠道"] for r in sent_log(path)} == {"短信(阿里云)" if desk.provider == "阿里云" else "短信(腾讯云)"}


def test_a_number_that_cannot_receive_becomes_a_data_problem_on_that_phone(tmp_path, desk):
    path = desk.book(tmp_path, customers(2))
    desk.fake.fail_number("13800000002", "MOBILE_NOT_ON_SERVICE 停机")
    jobs.remind(path, TODAY, send=True)
    pulled = jobs.receipts(path)
    assert (pulled.delivered, pulled.undelivered) == (1, 1)
    again = jobs.receipts(path)
    assert (again.delivered, again.undelivered) == (0, 0)  # the same reports again change nothing
    problems = [p for p in jobs.check(path, TODAY).problems if p.sheet == "客户档案"]
    assert [(p.row, p.column, str(p.value)) for p in problems] == [(3, "手机", "13800000002")]
    assert "停机" in problems[0].message
    jobs.refresh(path, TODAY)
    failed = [r for r in sent_log(path) if r["送达"] == "发送失败"]
    assert len(failed) == 1 and "停机" in failed[0]["原因"]


def test_receipts_and_replies_handed_out_twice_count_once(tmp_path, tencent):
    path = tencent.book(tmp_path, customers(3))
    tencent.fake.duplicate_queues = True
    jobs.remind(path, TODAY, send=True)
    tencent.fake.reply("13800000001", "TD")
    tencent.fake.reply("13800000002", "谢谢，收到")
    first = jobs.receipts(path)
    second = jobs.receipts(path)
    assert (first.delivered, first.replies, first.opt_outs) == (3, 2, 1)
    assert (second.delivered, second.replies, second.opt_outs) == (0, 0, 0)
    assert second.duplicates == 5  # the fake handed every report and reply out a second time
    with Journal.beside(path) as journal:
        assert list(journal.opt_outs()["customer_id"]) == ["C001"]


def test_a_td_reply_stops_every_message_at_once_and_asks_the_clerk_to_mark_the_sheet(tmp_path, tencent):
    vehicles = [{"vin": "V1", "customer_id": "C001", "plate": "粤B12345", "insurance_due": D(2026, 11, 30)}]
    path = tencent.book(tmp_path, customers(2, birthday=D(1990, 12, 20)), vehicles)
    tencent.fake.reply("13800000001", "退订")
    jobs.remind(path, TODAY - dt.timedelta(days=10), send=True)  # nothing due yet: the journal exists
    jobs.receipts(path)
    result = jobs.remind(path, TODAY, send=True)
    skipped = {d.customer_id: d.reason for d in result.decisions if d.action != "send"}
    assert skipped == {"C001": "replied_opt_out"}
    assert tencent.fake.sent_to("13800000001") == []
    due = jobs.check(path, TODAY).due
    marks = due[due["kind"] == "标记拒收"]
    assert list(marks["customer_id"]) == ["C001"] and "拒收提醒" in marks["note"].iloc[0]
    wb = openpyxl.load_workbook(path)
    for row in wb["客户档案"].iter_rows(min_row=2):
        if row[0].value == "C001":
            row[[c.value for c in wb["客户档案"][1]].index("拒收提醒")].value = "是"
    wb.save(path)
    due = jobs.check(path, TODAY).due
    assert "标记拒收" not in set(due["kind"])  # done once the sheet says so


@pytest.fixture
def one_second_timeout(monkeypatch):
    """The provider channel csxl builds, with a 1-second time-out instead of 10 (the fake stalls past it)."""
    from csxl.messages import providers

    build = providers.sms_provider

    def quick(settings):
        channel = build(settings)
        channel.__init__(settings, KEY_ID, SECRET, timeout_seconds=1)
        return channel

    monkeypatch.setattr(providers, "sms_provider", quick)


def test_a_time_out_after_the_request_left_is_settled_by_asking_not_by_sending_again(tmp_path, desk, one_second_timeout):
    path = desk.book(tmp_path, customers(2))
    desk.fake.stall_next(4)  # the fake takes the first message, then answers after the client's time-out
    result = jobs.remind(path, TODAY, send=True, sleep=lambda s: None)
    assert result.counts["sent"] == 2, result.failure
    assert len(desk.fake.accepted) == 2  # each customer got exactly one message
    assert sorted(m["number"] for m in desk.fake.accepted) == ["13800000001", "13800000002"]
    asked = "QuerySendDetails" if desk.provider == "阿里云" else "PullSmsSendStatusByPhoneNumber"
    assert desk.fake.requests[asked] == 1


def test_when_the_provider_cannot_say_the_message_waits_pending_and_is_never_sent_blind(tmp_path, desk, one_second_timeout):
    path = desk.book(tmp_path, customers(1))
    desk.fake.stall_next(4)
    desk.fake.queries_fail = True
    first = jobs.remind(path, TODAY, send=True, sleep=lambda s: None)
    assert (first.counts.get("unknown"), first.counts.get("sent")) == (1, None)
    with Journal.beside(path) as journal:
        assert journal.counts()["pending"] == 1
    again = jobs.remind(path, TODAY, send=True, sleep=lambda s: None)  # still cannot ask: nothing is sent again
    assert again.decisions == [] and len(desk.fake.accepted) == 1
    desk.fake.queries_fail = False
    settled = jobs.remind(path, TODAY, send=True, sleep=lambda s: None)  # it can ask now: the message went, so it is sent
    assert settled.recovered == 1 and len(desk.fake.accepted) == 1
    with Journal.beside(path) as journal:
        assert journal.counts()["sent"] == 1 and journal.counts()["pending"] == 0


def test_an_unapproved_template_stops_the_channel_after_one_request(tmp_path, desk):
    path = desk.book(tmp_path, customers(4))
    desk.fake.templates.clear()  # as if the provider withdrew its approval
    result = jobs.remind(path, TODAY, send=True, sleep=lambda s: None)
    assert result.counts == {"failed": 4}
    assert sum(desk.fake.requests.values()) == 1
    assert "模板" in result.failure and ("SMS_TEMPLATE_ILLEGAL" in result.failure or "TemplateIncorrectOrUnapproved" in result.failure)


def test_a_wrong_secret_is_one_line(tmp_path, desk, monkeypatch):
    path = desk.book(tmp_path, customers(1))
    for name in SECRETS[desk.provider]:
        if "SECRET" in name or name.endswith("KEY"):
            monkeypatch.setenv(name, "wrong")
    result = jobs.remind(path, TODAY, send=True, sleep=lambda s: None)
    assert result.counts == {"failed": 1} and "访问密钥错误" in result.failure
    assert desk.fake.accepted == []


def test_the_providers_day_cap_is_a_failure_retried_tomorrow(tmp_path, desk):
    vehicles = [{"vin": f"V{n}", "customer_id": "C001", "plate": f"粤B1234{n}", "insurance_due": D(2026, 11, 30)} for n in range(2)]
    path = desk.book(tmp_path, customers(1, birthday=D(1990, 6, 1)), vehicles)
    desk.fake.daily_cap = 1  # 50 in real life; one here, to reach it with two cars
    result = jobs.remind(path, TODAY, send=True, sleep=lambda s: None)
    assert (result.counts.get("sent"), result.counts.get("failed")) == (1, 1)
    assert "BUSINESS_LIMIT_CONTROL" in result.failure or "PhoneNumberDailyLimit" in result.failure


def test_missing_secrets_are_one_line(tmp_path, csxl_cmd):
    with _fake("腾讯云") as fake:
        path = Desk("腾讯云", fake, {}).book(tmp_path, customers(1))
        env = {k: v for k, v in os.environ.items() if not k.startswith("TENCENTCLOUD")}
        done = subprocess.run([*csxl_cmd, "remind", str(path), "--today", str(TODAY)], capture_output=True, text=True,
                              env={**env, "CSXL_LANG": "zh", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"})
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "Error: 没有找到短信服务商的访问密钥：请设置环境变量 TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY，"
        "或用 python -m keyring set csxl 变量名 存入密钥环（不要写进工作簿）")


def test_without_a_provider_each_sms_is_a_file_in_the_outbox(tmp_path):
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": customers(2) + [
        {"customer_id": "C009", "name": "李九", "birthday": D(1990, 11, 28), "phone": "0755-8888888", "email": "li@example.com"}]},
        settings={"send_channel": "短信优先", "sms_signature": SIGNATURE})
    result = jobs.remind(path, TODAY, send=True)
    assert result.counts["sent"] == 3
    files = sorted(p.name.split(".", 1)[1] for p in (tmp_path / "outbox").iterdir())
    assert files == ["eml", "sms.txt", "sms.txt"]  # the landline customer gets an e-mail
    text = next((tmp_path / "outbox").glob("*.sms.txt")).read_text(encoding="utf-8")
    decision = next(d for d in result.decisions if d.sms and d.sms.text in text)
    assert f"To: {decision.to}\n" in text and f"Segments: {decision.segments} " in text
    assert "salutation = 王" in text and text.rstrip().endswith("本店客服中心")


@pytest.mark.parametrize(("length", "parts"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
def test_segments_are_70_then_67_each(length, parts):
    assert segments("字" * length) == parts


@pytest.mark.parametrize(("text", "stop"), [
    ("TD", True), ("td", True), (" T ", True), ("退订", True), ("n", True), ("R", True), ("TD。", True), ("拒收", True),
    ("Thanks", False), ("好的", False), ("TD 谢谢", False), ("", False),
])
def test_which_replies_opt_out(text, stop):
    assert is_opt_out(text) is stop


def test_kill_9_mid_batch_then_rerun_sends_each_sms_exactly_once(tmp_path, tencent, csxl_cmd, campaign):
    path = tencent.book(tmp_path, customers(40))
    tencent.fake.stall_next(0.15, count=10**6)  # each answer takes a while, so a kill lands mid-batch
    env = {**os.environ, "CSXL_LANG": "zh"}
    kills = 0
    for _ in range(4):
        child = subprocess.Popen([*csxl_cmd, "remind", str(path), "--today", str(TODAY), "--send"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        start = len(tencent.fake.accepted)
        deadline = time.monotonic() + 60
        while len(tencent.fake.accepted) < start + 5 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait()
    tencent.fake.stall_next(0, count=0)
    final = subprocess.run([*csxl_cmd, "remind", str(path), "--today", str(TODAY), "--send"], env=env, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    contexts = [m["context"] for m in tencent.fake.accepted]
    numbers = sorted(m["number"] for m in tencent.fake.accepted)
    with Journal.beside(path) as journal:
        counts = journal.counts()
    campaign(f"SMS remind --send through the 腾讯云 fake, kill -9: {kills} kills, {len(set(numbers))} customers reached of 40, "
             f"{len(contexts) - len(set(contexts))} duplicates, journal {counts}")
    assert kills >= 3
    assert len(contexts) == len(set(contexts)) == 40  # every customer once, none twice
    assert counts["sent"] == 40 and counts["pending"] == 0
    log = (tmp_path / "csxl.log")
    if log.exists():
        text = log.read_text(encoding="utf-8")
        assert SECRET not in text and "138000000" not in text and "尊敬的" not in text


def test_the_daily_job_pulls_receipts_before_it_refreshes(tmp_path, desk, caplog):
    import logging

    from csxl.messages.config import MailConfig
    from csxl.scheduler import DailyJob

    path = desk.book(tmp_path, customers(2))
    with caplog.at_level(logging.INFO, logger="csxl"):
        counts = DailyJob(path, MailConfig())(TODAY)
    assert counts["sent"] == 2
    assert "receipts: 2 delivered, 0 not delivered" in caplog.text
    assert sorted(r["送达"] for r in sent_log(path)) == ["已送达", "已送达"]
    # what the unattended log may never hold: the numbers, the keys, what the customers read
    assert "1380000000" not in caplog.text and SECRET not in caplog.text and "尊敬的" not in caplog.text


def test_cli_receipts_and_the_customer_card(tmp_path, tencent, csxl_cmd):
    path = tencent.book(tmp_path, customers(2) + [{"customer_id": "C009", "name": "赵九", "birthday": D(1990, 11, 28)}])  # no phone
    tencent.fake.fail_number("13800000002", "空号")
    env = {**os.environ, "CSXL_LANG": "zh"}
    sent = subprocess.run([*csxl_cmd, "remind", str(path), "--today", str(TODAY), "--send"], env=env, capture_output=True, text=True)
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.splitlines()[0].startswith("2026-11-24：已发送 2（短信计费 ")
    tencent.fake.reply("13800000002", "T")
    pulled = subprocess.run([*csxl_cmd, "receipts", str(path)], env=env, capture_output=True, text=True)
    assert pulled.returncode == 0, pulled.stderr
    assert pulled.stdout.splitlines()[0] == "回执：已送达 1，发送失败 1（2 条待回执）；回复 1 条，其中退订 1；重复 0"
    card = subprocess.run([*csxl_cmd, "search", str(path), "C002", "--card"], env=env, capture_output=True, text=True)
    line = next(l for l in card.stdout.splitlines() if "生日关怀" in l and "短信" in l)
    assert "发送失败" in line and "空号" in line
    card = subprocess.run([*csxl_cmd, "search", str(path), "C001", "--card"], env=env, capture_output=True, text=True)
    assert "已送达" in next(l for l in card.stdout.splitlines() if "生日关怀" in l and "短信" in l)
