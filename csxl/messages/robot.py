"""The 企业微信 group robot: after each daily run, the day's 今日待办 counts go to the team's group chat.

Counts per kind, how many overdue, and the longest-overdue few by masked name — never a
phone number.  The webhook URL is a secret (anyone holding it can post to the group):
it comes from CSXL_WECOM_WEBHOOK or the keyring, never the workbook.
Message format: https://developer.work.weixin.qq.com/document/path/91770 (markdown, at most 4096 bytes).
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request

import pandas as pd

from .providers import secret

WEBHOOK_VARIABLE = "CSXL_WECOM_WEBHOOK"
MAX_BYTES = 4096
SHOWN_OVERDUE = 5


class RobotPostFailed(Exception):
    pass


def webhook_url() -> str | None:
    return secret(WEBHOOK_VARIABLE)


def masked_name(name) -> str:
    """王** for 王小明: enough for the team to know whom, not enough to identify outside it."""
    text = "" if name is None or (not isinstance(name, str) and pd.isna(name)) else str(name).strip()
    return (text[0] + "*" * max(len(text) - 1, 1)) if text else "—"


def daily_summary(due: pd.DataFrame, today: dt.date, branch: str, lang: str = "zh") -> str:
    """The markdown the robot posts: per kind the count and how many are overdue, then the longest overdue."""
    zh = lang == "zh"
    title = f"**{branch} 今日待办 {today:%Y-%m-%d}**" if zh else f"**{branch} due list {today:%Y-%m-%d}**"
    if due.empty:
        return title + ("\n今天没有待办事项" if zh else "\nnothing due today")
    counts = due.groupby("kind", sort=False).agg(total=("kind", "size"), overdue=("days_overdue", lambda d: int((d > 0).sum())))
    lines = [title, (f"共 {len(due)} 项，逾期 {int((due['days_overdue'] > 0).sum())} 项" if zh
                     else f"{len(due)} items, {int((due['days_overdue'] > 0).sum())} overdue")]
    for kind, row in counts.iterrows():
        late = (f"，<font color=\"warning\">逾期 {row.overdue}</font>" if zh else f", <font color=\"warning\">{row.overdue} overdue</font>") \
            if row.overdue else ""
        lines.append(f"> {kind}：{row.total}{late}" if zh else f"> {kind}: {row.total}{late}")
    worst = due[due["days_overdue"] > 0].sort_values("days_overdue", ascending=False).head(SHOWN_OVERDUE)
    if not worst.empty:
        lines.append("逾期最久：" if zh else "longest overdue:")
        lines += [f"- {masked_name(r['name'])} {r['kind']} {int(r['days_overdue'])} 天" if zh
                  else f"- {masked_name(r['name'])} {r['kind']} {int(r['days_overdue'])} days" for _, r in worst.iterrows()]
    text = "\n".join(lines)
    while len(text.encode("utf-8")) > MAX_BYTES:
        text = text[: text.rfind("\n")]
    return text


def post(url: str, text: str, timeout: float = 10) -> None:
    body = json.dumps({"msgtype": "markdown", "markdown": {"content": text}}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise RobotPostFailed(type(exc).__name__) from None  # the URL holds the robot's key: never repeat it
    if answer.get("errcode") != 0:
        raise RobotPostFailed(f"errcode {answer.get('errcode')}: {answer.get('errmsg')}")
