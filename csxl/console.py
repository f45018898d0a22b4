"""Plain-text renderings for the terminal (the CLI and the scheduler's log)."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pandas as pd

from .privacy import mask
from .problems import Problem
from .schema import (
    COMPLAINTS, CUSTOMERS, DUE, DUE_KINDS, MONTHLY_REPORT, SCORE_COLUMNS, SERVICES, VEHICLES, VISITS, ColumnType, choice_label,
)


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return mask(str(value))


def problem_lines(problems: list[Problem]) -> list[str]:
    """Each problem as a line, its value masked if it holds a phone number or an address (the message is ours)."""
    return [str(replace(p, value=mask(p.value)) if isinstance(p.value, str) else p) for p in problems]


def due_summary(due: pd.DataFrame, lang: str) -> list[str]:
    """One line per kind with how many are due and how many of those are overdue."""
    if due.empty:
        return ["今日无待办" if lang == "zh" else "nothing due today"]
    lines = []
    for choice in DUE_KINDS:
        rows = due[due["kind"] == choice.zh]
        if rows.empty:
            continue
        overdue = int((rows["days_overdue"] > 0).sum())
        label = choice_label(DUE_KINDS, choice.zh, lang)
        suffix = (f"（其中逾期 {overdue}）" if lang == "zh" else f" ({overdue} overdue)") if overdue else ""
        lines.append(f"  {label:<12} {len(rows):>5}{suffix}")
    return lines


def due_table(due: pd.DataFrame, lang: str, limit: int = 20) -> list[str]:
    columns = ["kind", "name", "plate", "due_date", "days_overdue", "note"]
    header = "  ".join(DUE.column(c).header(lang) for c in columns)
    lines = [header]
    for _, row in due.head(limit).iterrows():
        values = [_cell(choice_label(DUE_KINDS, row["kind"], lang)), *(_cell(row[c]) for c in columns[1:])]
        lines.append("  ".join(values))
    if len(due) > limit:
        lines.append(f"… 另有 {len(due) - limit} 项" if lang == "zh" else f"… and {len(due) - limit} more")
    return lines


def _figure(value, kind) -> str:
    if value is None or pd.isna(value):
        return "—"
    if kind is ColumnType.PERCENT:
        return f"{value:.0%}"
    if kind is ColumnType.DECIMAL:
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _left(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _right(text: str, width: int) -> str:
    return " " * max(0, width - _width(text)) + text


def monthly_report_lines(out, tabs: dict, lang: str) -> list[str]:
    """The 客服月报 as a small table, and where the workbook went."""
    frame = tabs[MONTHLY_REPORT]
    kinds = frame.attrs.get("row_kinds") or [ColumnType.DECIMAL] * len(frame)
    headers = [MONTHLY_REPORT.column(c).header(lang) for c in MONTHLY_REPORT.keys]
    width = max(_width(str(i)) for i in frame["item"]) + 2
    lines = [_left(headers[0], width) + "".join(_right(h, 12) for h in headers[1:])]
    for (_, row), kind in zip(frame.iterrows(), kinds):
        change = _figure(row["change"], kind)
        if not pd.isna(row["change"]) and row["change"] > 0:
            change = "+" + change
        cells = [_figure(row["this_month"], kind), _figure(row["last_month"], kind), change]
        lines.append(_left(str(row["item"]), width) + "".join(_right(c, 12) for c in cells))
    lines.append(f"→ {out}" if lang != "zh" else f"已写入 {out}")
    return lines


def search_lines(results, lang: str, limit: int = 20) -> list[str]:
    if not results:
        return ["未找到" if lang == "zh" else "no match"]
    lines = []
    for person, vehicles in results[:limit]:
        lines.append("  ".join(_cell(person[c]) for c in ("customer_id", "name", "phone", "email", "member_tier")).rstrip())
        for _, car in vehicles.iterrows():
            delivered = _cell(car["delivery_date"])
            label = VEHICLES.column("delivery_date").header(lang)
            lines.append("    " + "  ".join(_cell(car[c]) for c in ("plate", "vin", "model")) + (f"  {label} {delivered}" if delivered else ""))
        if vehicles.empty:
            lines.append("    （无车辆）" if lang == "zh" else "    (no vehicles)")
    if len(results) > limit:
        more = len(results) - limit
        lines.append(f"… 另有 {more} 位客户，请输入更多内容缩小范围" if lang == "zh" else f"… and {more} more customers; type more to narrow it down")
    return lines


def _row_text(row: pd.Series, sheet, keys, lang: str) -> str:
    """``header value`` pairs of the non-empty cells, in the schema's words."""
    parts = []
    for key in keys:
        value = row.get(key)
        text = _cell(int(value) if isinstance(value, float) and value.is_integer() else value)
        if text:
            column = sheet.column(key)
            if column.choices:
                text = choice_label(column.choices, text, lang)
            parts.append(f"{column.header(lang)} {text}")
    return "  ".join(parts)


def card_lines(card, matches: pd.DataFrame, lang: str) -> list[str]:
    """One customer's whole file, or the customers to choose from."""
    zh = lang == "zh"
    if card is None:
        if matches.empty:
            return ["未找到" if zh else "no match"]
        lines = [f"找到 {len(matches)} 位客户，请用客户编号、手机或车牌指定一位：" if zh else f"{len(matches)} customers match; name one by id, phone or plate:"]
        lines += ["  " + "  ".join(_cell(r[c]) for c in ("customer_id", "name", "phone")) for _, r in matches.head(20).iterrows()]
        return lines
    person = card.customer
    lines = ["  ".join(_cell(person[c]) for c in ("customer_id", "name", "phone", "email", "member_tier", "branch")).rstrip()]
    more = _row_text(person, CUSTOMERS, ("gender", "birthday", "lunar_birthday", "address", "opt_out", "churn_reason", "notes"), lang)
    if more:
        lines.append("  " + more)
    sections = [
        ("车辆" if zh else "Vehicles", card.vehicles, VEHICLES, ("plate", "vin", "model", "delivery_date", "outlet_level", "insurance_due", "inspection_due", "maintenance_due")),
        ("维修" if zh else "Repairs", card.services, SERVICES, ("order_no", "vin", "date_in", "date_out", "kind", "amount", "advisor")),
        ("回访" if zh else "Calls", card.visits, VISITS, ("visit_date", "kind", "order_no", "staff", "result", *SCORE_COLUMNS, "comment", "needs_action")),
        ("投诉" if zh else "Complaints", card.complaints, COMPLAINTS, ("complaint_id", "received_date", "category", "channel", "status", "closed_date", "resolution", "satisfied")),
    ]
    for title, rows, sheet, keys in sections:
        lines.append(f"{title}（{len(rows)}）" if zh else f"{title} ({len(rows)})")
        lines += ["  " + _row_text(r, sheet, keys, lang) for _, r in rows.iterrows()]
    sent = card.messages
    lines.append(f"消息（{len(sent)}）" if zh else f"Messages ({len(sent)})")
    if not sent.empty:
        from .messages.sent_log import sent_log_frame

        shown = sent_log_frame(sent, lang)
        for _, m in shown.iterrows():  # the state and, for an SMS, whether it arrived and why not
            lines.append("  " + "  ".join(_cell(m[c]) for c in ("updated_at", "kind", "occasion", "channel", "state", "delivery", "reason", "subject")
                                          if not pd.isna(m[c])))
    return lines


def date_search_lines(found: pd.DataFrame, lang: str, limit: int = 50) -> list[str]:
    if found.empty:
        return ["未找到" if lang == "zh" else "no match"]
    lines = ["  ".join(_cell(r[c]) for c in ("date", "customer_id", "name", "phone", "plate", "vin", "detail")) for _, r in found.head(limit).iterrows()]
    if len(found) > limit:
        lines.append(f"… 另有 {len(found) - limit} 条" if lang == "zh" else f"… and {len(found) - limit} more")
    return lines


_REASONS = {
    "zh": {"opted_out": "拒收", "no_address": "无邮箱", "expired": "已过期", "no_mobile": "无手机号", "no_contact": "无手机和邮箱",
           "no_sms_template": "未设短信模板编号", "replied_opt_out": "回复退订", "held_over_cap": "超出联系上限（顺延）",
           "over_cap": "超出联系上限", "outside_hours": "不在发送时段（顺延）", "no_consent": "未同意营销消息"},
    "en": {"opted_out": "opted out", "no_address": "no address", "expired": "expired", "no_mobile": "no mobile",
           "no_contact": "no mobile or e-mail", "no_sms_template": "no SMS template id", "replied_opt_out": "replied TD",
           "held_over_cap": "over the contact cap (waits)", "over_cap": "over the contact cap", "outside_hours": "outside sending hours (waits)",
           "no_consent": "no marketing consent"},
}
_CHANNEL_NAMES = {
    "zh": {"outbox": "发件箱", "smtp": "邮件服务器", "aliyun": "阿里云短信", "tencent": "腾讯云短信"},
    "en": {"outbox": "outbox", "smtp": "mail server", "aliyun": "阿里云 SMS", "tencent": "腾讯云 SMS"},
}


def channel_lines(decisions, channels: dict[str, str], price: float, lang: str, where) -> list[str]:
    """Per channel: messages, and for SMS their segments and estimated cost."""
    from collections import Counter

    messages = Counter(d.medium for d in decisions if d.action == "send")
    segments = sum(d.segments for d in decisions if d.action == "send")
    lines = []
    for medium in ("sms", "email"):
        if not messages[medium]:
            continue
        name = _CHANNEL_NAMES[lang].get(channels[medium], channels[medium])
        target = f"{name} {where}" if channels[medium] == "outbox" else name
        if medium == "sms":
            lines.append(f"  短信 {messages[medium]} 条，计费 {segments} 条，估计 {segments * price:.2f} 元 → {target}" if lang == "zh"
                         else f"  SMS: {messages[medium]} messages, {segments} segments, about ¥{segments * price:.2f} → {target}")
        else:
            lines.append(f"  邮件 {messages[medium]} 封 → {target}" if lang == "zh" else f"  e-mail: {messages[medium]} → {target}")
    return lines


def remind_lines(result, lang: str, where, limit: int = 15) -> list[str]:
    """What a `remind` run planned (dry run) or did (--send)."""
    from collections import Counter

    sends = [d for d in result.decisions if d.action == "send"]
    skips = Counter(d.reason for d in result.decisions if d.action != "send")
    skip_text = "，".join(f"{_REASONS[lang].get(r, r)} {n}" for r, n in skips.items()) if lang == "zh" else \
        ", ".join(f"{_REASONS[lang].get(r, r)} {n}" for r, n in skips.items())
    span = f"{result.days[0]}" if len(result.days) == 1 else f"{result.days[0]}..{result.days[-1]}"
    price = result.book.settings.sms_price
    lines = []
    if result.restored:
        lines.append(f"发送记录数据库不存在，已按工作簿的「发送记录」工作表重建（{result.restored} 条已发送，不会再发）" if lang == "zh"
                     else f"the send journal was missing: rebuilt from the sent log tab ({result.restored} sent, never sent again)")
    if result.recovered:
        lines.append(f"上次中断留下 {result.recovered} 条待确认记录，已处理" if lang == "zh" else f"resolved {result.recovered} messages left pending by an interrupted run")
    if result.counts is None:
        if lang == "zh":
            lines.append(f"{span}：应发送 {len(sends)} 条，跳过 {sum(skips.values())}（{skip_text or '无'}）——试运行，加 --send 才会发送")
        else:
            lines.append(f"{span}: {len(sends)} to send, {sum(skips.values())} skipped ({skip_text or 'none'}) — dry run; add --send to send")
        lines += channel_lines(result.decisions, result.channels, price, lang, where)
        for d in sends[:limit]:
            what = f"「{d.subject}」" if d.medium == "email" else (f"短信 {d.segments} 条" if lang == "zh" else f"SMS, {d.segments} segment(s)")
            lines.append(f"  {d.kind}  {d.occasion}  {d.customer_id}  {mask(d.to or '')}  {what}")
        if len(sends) > limit:
            lines.append(f"  … 另有 {len(sends) - limit} 条" if lang == "zh" else f"  … and {len(sends) - limit} more")
        from .messages.plan import POLICY_HOLDS

        held = [d for d in result.decisions if d.reason in POLICY_HOLDS]
        if held:
            lines.append(f"联系策略暂缓 {len(held)} 条：" if lang == "zh" else f"held back by the contact policy: {len(held)}")
            lines += [f"  {d.customer_id}  {d.kind}  {d.occasion}  {_REASONS[lang][d.reason]}" for d in held[:limit]]
            if len(held) > limit:
                lines.append(f"  … 另有 {len(held) - limit} 条" if lang == "zh" else f"  … and {len(held) - limit} more")
    else:
        c = result.counts
        used = sorted({d.medium for d in sends}) or ["email"]
        names = "、".join(f"{_CHANNEL_NAMES[lang].get(result.channels[m], result.channels[m])}"
                         + (f" {where}" if result.channels[m] == "outbox" else "") for m in used)
        unknown = f"，结果未知 {c['unknown']}（下次运行先向服务商核实）" if c.get("unknown") and lang == "zh" else \
            (f", outcome unknown {c['unknown']} (the next run asks the provider first)" if c.get("unknown") else "")
        if lang == "zh":
            segments = f"（短信计费 {c['segments']} 条，约 {c['segments'] * price:.2f} 元）" if c.get("segments") else ""
            lines.append(f"{span}：已发送 {c.get('sent', 0)}{segments}，失败 {c.get('failed', 0)}{unknown}，"
                         f"跳过 {c.get('skipped', 0)}（{skip_text or '无'}）→ {names}")
            if c.get("stopped"):
                lines.append(f"已停止：{c['stopped']} 条留待下次")
        else:
            segments = f" ({c['segments']} SMS segments, about ¥{c['segments'] * price:.2f})" if c.get("segments") else ""
            lines.append(f"{span}: sent {c.get('sent', 0)}{segments}, failed {c.get('failed', 0)}{unknown}, "
                         f"skipped {c.get('skipped', 0)} ({skip_text or 'none'}) → {names}")
            if c.get("stopped"):
                lines.append(f"stopped: {c['stopped']} left for the next run")
    return lines


def status_lines(path, lang: str) -> list[str]:
    from . import clock
    from .messages.journal import STATE_LABELS, Journal, journal_path
    from .scheduler import next_run
    from .workbook.reader import read_book

    settings = read_book(path).settings
    upcoming = next_run(settings.send_time, settings.timezone, clock.now(settings.timezone))
    zh = lang == "zh"
    lines = []
    if not journal_path(path).exists():
        lines.append("尚未发送过消息" if zh else "no messages sent yet")
    else:
        with Journal.beside(path) as journal:
            last, counts = journal.last_run(), journal.counts()
        if last is None:
            lines.append("尚无运行记录" if zh else "no runs yet")
        elif last.finished_at is None:
            lines.append(f"上次运行：{last.today}，开始于 {last.started_at}，未完成" if zh else f"last run: {last.today}, started {last.started_at}, did not finish")
        else:
            lines.append(
                f"上次运行：{last.today}（{last.finished_at} 完成）已发送 {last.sent}，失败 {last.failed}，跳过 {last.skipped}" if zh
                else f"last run: {last.today} (finished {last.finished_at}) sent {last.sent}, failed {last.failed}, skipped {last.skipped}"
            )
        by_state = "，".join(f"{STATE_LABELS[s]} {n}" for s, n in counts.items()) if zh else ", ".join(f"{s} {n}" for s, n in counts.items())
        lines.append(("消息：" if zh else "messages: ") + by_state)
    lines.append((f"下次运行：{upcoming:%Y-%m-%d %H:%M} {settings.timezone}") if zh else f"next run: {upcoming:%Y-%m-%d %H:%M} {settings.timezone}")
    return lines
