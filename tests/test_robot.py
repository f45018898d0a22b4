"""The 企业微信 group robot: what the daily job posts, to a webhook on loopback that answers as 企业微信 does."""

import datetime as dt
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
from leaks import MOBILE

from csxl.messages.config import MailConfig
from csxl.messages.robot import daily_summary, masked_name
from csxl.scheduler import DailyJob
from csxl.workbook.template import build_template

D = dt.date


class Webhook:
    """企业微信's group-robot webhook: JSON in, {"errcode": 0, "errmsg": "ok"} out (errcode 93000 for a bad key)."""

    def __init__(self, errcode: int = 0):
        self.posts: list[dict] = []
        self.errcode = errcode
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.posts.append(json.loads(body))
                answer = json.dumps({"errcode": hook.errcode, "errmsg": "ok" if hook.errcode == 0 else "invalid webhook url"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test-robot-key"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


def _book(tmp_path):
    customers = [{"customer_id": f"C{n}", "name": name, "birthday": D(1990, 11, 28), "email": f"c{n}@example.com",
                  "phone": f"1380013800{n}"} for n, name in enumerate(("张三丰", "李四", "王五"), 1)]
    vehicles = [{"vin": "V1", "customer_id": "C1", "plate": "粤B1", "delivery_date": D(2026, 11, 1)}]
    return build_template(tmp_path / "台账.xlsx", rows={"customers": customers, "vehicles": vehicles})


def test_the_daily_job_posts_counts_and_masked_names_never_a_phone(tmp_path, webhook, monkeypatch, caplog):
    monkeypatch.setenv("CSXL_WECOM_WEBHOOK", webhook.url)
    with caplog.at_level(logging.INFO, logger="csxl"):
        counts = DailyJob(_book(tmp_path), MailConfig())(D(2026, 11, 24))
    assert counts["sent"] == 3
    (post,) = webhook.posts
    assert post["msgtype"] == "markdown"
    text = post["markdown"]["content"]
    assert "今日待办 2026-11-24" in text and "> 7DC回访：1，<font color=\"warning\">逾期 1</font>" in text
    assert "张**" in text and "张三丰" not in text  # the overdue call's customer, masked
    assert not MOBILE.search(text) and "@" not in text
    assert "posted today's due counts" in caplog.text and "test-robot-key" not in caplog.text


def test_a_refused_post_is_logged_and_stops_nothing(tmp_path, webhook, monkeypatch, caplog):
    webhook.errcode = 93000
    monkeypatch.setenv("CSXL_WECOM_WEBHOOK", webhook.url)
    path = _book(tmp_path)
    with caplog.at_level(logging.INFO, logger="csxl"):
        counts = DailyJob(path, MailConfig())(D(2026, 11, 24))
    assert counts["sent"] == 3 and len(list((tmp_path / "outbox").glob("*.eml"))) == 3
    assert "企业微信 post failed: errcode 93000" in caplog.text
    assert "test-robot-key" not in caplog.text  # the URL is the robot's secret


def test_an_unreachable_webhook_is_logged_without_its_url(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("CSXL_WECOM_WEBHOOK", "http://127.0.0.1:9/cgi-bin/webhook/send?key=secret-key-1")
    with caplog.at_level(logging.INFO, logger="csxl"):
        counts = DailyJob(_book(tmp_path), MailConfig())(D(2026, 11, 24))
    assert counts["sent"] == 3
    assert "企业微信 post failed" in caplog.text and "secret-key-1" not in caplog.text


def test_no_webhook_no_post(tmp_path, webhook, monkeypatch):
    monkeypatch.delenv("CSXL_WECOM_WEBHOOK", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    DailyJob(_book(tmp_path), MailConfig())(D(2026, 11, 24))
    assert webhook.posts == []


def test_summary_counts_per_kind_and_overdue():
    due = pd.DataFrame({"kind": ["3DC回访", "3DC回访", "投诉超期", "保养提醒"], "name": ["赵一", "钱二", "孙三", None],
                        "days_overdue": [0, 4, 9, 0]})
    text = daily_summary(due, D(2026, 11, 24), "城东店")
    assert text.splitlines() == [
        "**城东店 今日待办 2026-11-24**", "共 4 项，逾期 2 项",
        "> 3DC回访：2，<font color=\"warning\">逾期 1</font>", "> 投诉超期：1，<font color=\"warning\">逾期 1</font>", "> 保养提醒：1",
        "逾期最久：", "- 孙* 投诉超期 9 天", "- 钱* 3DC回访 4 天",
    ]
    assert masked_name(None) == "—" and masked_name("欧阳娜娜") == "欧***"
    assert daily_summary(due.iloc[0:0], D(2026, 11, 24), "城东店").endswith("今天没有待办事项")
