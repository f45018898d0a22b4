"""Plain-text renderings for the terminal (the CLI and the scheduler's log)."""

from __future__ import annotations

import pandas as pd

from .problems import Problem
from .schema import DUE, DUE_KINDS, VEHICLES, choice_label


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def problem_lines(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


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


def search_lines(results, lang: str) -> list[str]:
    if not results:
        return ["未找到" if lang == "zh" else "no match"]
    lines = []
    for person, vehicles in results:
        lines.append("  ".join(_cell(person[c]) for c in ("customer_id", "name", "phone", "email", "member_tier")).rstrip())
        for _, car in vehicles.iterrows():
            delivered = _cell(car["delivery_date"])
            label = VEHICLES.column("delivery_date").header(lang)
            lines.append("    " + "  ".join(_cell(car[c]) for c in ("plate", "vin", "model")) + (f"  {label} {delivered}" if delivered else ""))
        if vehicles.empty:
            lines.append("    （无车辆）" if lang == "zh" else "    (no vehicles)")
    return lines




_REASONS = {
    "zh": {"opted_out": "拒收", "no_address": "无邮箱", "expired": "已过期"},
    "en": {"opted_out": "opted out", "no_address": "no address", "expired": "expired"},
}


def remind_lines(result, lang: str, where, limit: int = 15) -> list[str]:
    """What a `remind` run planned (dry run) or did (--send)."""
    from collections import Counter

    sends = [d for d in result.decisions if d.action == "send"]
    skips = Counter(d.reason for d in result.decisions if d.action != "send")
    skip_text = "，".join(f"{_REASONS[lang].get(r, r)} {n}" for r, n in skips.items()) if lang == "zh" else \
        ", ".join(f"{_REASONS[lang].get(r, r)} {n}" for r, n in skips.items())
    span = f"{result.days[0]}" if len(result.days) == 1 else f"{result.days[0]}..{result.days[-1]}"
    lines = []
    if result.recovered:
        lines.append(f"上次中断留下 {result.recovered} 条待确认记录，已处理" if lang == "zh" else f"resolved {result.recovered} messages left pending by an interrupted run")
    if result.counts is None:
        if lang == "zh":
            lines.append(f"{span}：应发送 {len(sends)} 封，跳过 {sum(skips.values())}（{skip_text or '无'}）——试运行，加 --send 才会发送")
        else:
            lines.append(f"{span}: {len(sends)} to send, {sum(skips.values())} skipped ({skip_text or 'none'}) — dry run; add --send to send")
        for d in sends[:limit]:
            lines.append(f"  {d.kind}  {d.occasion}  {d.customer_id}  {d.to}  「{d.subject}」")
        if len(sends) > limit:
            lines.append(f"  … 另有 {len(sends) - limit} 封" if lang == "zh" else f"  … and {len(sends) - limit} more")
    else:
        c = result.counts
        channel = f"发件箱 {where}" if result.channel == "outbox" and lang == "zh" else ("邮件服务器" if lang == "zh" else result.channel)
        if lang == "zh":
            lines.append(f"{span}：已发送 {c.get('sent', 0)}，失败 {c.get('failed', 0)}，跳过 {c.get('skipped', 0)}（{skip_text or '无'}）→ {channel}")
            if c.get("stopped"):
                lines.append(f"已停止：{c['stopped']} 封留待下次")
        else:
            lines.append(f"{span}: sent {c.get('sent', 0)}, failed {c.get('failed', 0)}, skipped {c.get('skipped', 0)} ({skip_text or 'none'}) → {channel}")
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
