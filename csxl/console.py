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


