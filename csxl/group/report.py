"""The group's reports: each branch's report tabs side by side and the group's, computed by the same report code.

Every figure comes from `reports.build_reports` (SPEC 5.4) — on each branch's own frames
read back from the store, and on the consolidated frames for the 合计 rows — never from
a second definition in SQL.  A branch's rows are computed with its own 设置 (windows,
thresholds); the group's with the defaults.  List tabs (整改清单, 抽样回访) are the
branches' rows; 客户价值 is the group's customers, each counted once however many
branches they visit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..reports import build_reports, last_complete_month
from ..reports.followup import followup_report
from ..reports.monthly import HANDOVER_LATE, month_figures
from ..reports.ratios import ratio
from ..rules.followups import followup_tasks
from ..schema import (
    BRANCH_COMPARISON, CUSTOMER_VALUE, GROUP_TOTAL, MONTHLY_REPORT, RECTIFICATION, REPORT_SHEETS, SAMPLING, Sheet,
    with_branch,
)
from ..settings import Settings, parse_settings
from .identity import merged, shared_customers
from .store import BRANCH, INPUT_TABLES, SIDE_TABLES, LastLoad, Store

LIST_TABS = (RECTIFICATION, SAMPLING)


@dataclass
class GroupData:
    frames: dict[str, pd.DataFrame]  # every input table, all branches, with branch_code
    sent: pd.DataFrame  # kind, sent_day, branch_code
    problems: pd.DataFrame
    settings: dict[str, Settings]  # each branch's 设置
    loads: dict[str, LastLoad]

    @property
    def branches(self) -> list[str]:
        return sorted(self.loads)

    def of(self, branch: str) -> dict[str, pd.DataFrame]:
        return {key: f[f[BRANCH] == branch].drop(columns=BRANCH).reset_index(drop=True) for key, f in self.frames.items()}


def read_group(store: Store) -> GroupData:
    frames = {table.name: store.read_table(table) for table in INPUT_TABLES}
    problems, _, sent, settings_rows = (store.read_table(t) for t in SIDE_TABLES)
    settings = {}
    for branch, rows in settings_rows.groupby(BRANCH):
        rows = rows.rename(columns={"name": "key"}).assign(_row=range(len(rows)))
        settings[branch] = parse_settings(rows, "设置")[0]
    return GroupData(frames, sent, problems, settings, store.last_loads())


def group_report(data: GroupData, today: dt.date, month: str | None = None, lang: str = "zh") -> dict[Sheet, pd.DataFrame]:
    month = month or last_complete_month(today)
    calendar = WorkCalendar()
    per_branch, figures = {}, {}
    for branch in data.branches:
        settings = replace(data.settings.get(branch, Settings()), lang=lang)
        frames = data.of(branch)
        sent = data.sent[data.sent[BRANCH] == branch].drop(columns=BRANCH)
        per_branch[branch] = build_reports(frames, settings, today, calendar, sent, month)
        figures[branch] = _comparison_row(frames, settings, today, month, sent, calendar)
    whole, branches_of = merged({k: f for k, f in data.frames.items()})
    group_settings = replace(Settings(), lang=lang)
    group_sent = data.sent.drop(columns=BRANCH)
    group = build_reports(whole, group_settings, today, calendar, group_sent, month)
    figures[GROUP_TOTAL.label(lang)] = _comparison_row(whole, group_settings, today, month, group_sent, calendar)

    tabs: dict[Sheet, pd.DataFrame] = {}
    for sheet in REPORT_SHEETS:
        if sheet is CUSTOMER_VALUE:
            frame = group[sheet].copy()
            frame.insert(0, BRANCH, frame["customer_id"].map(branches_of).astype("string"))
        else:
            parts = [per_branch[b][sheet].assign(**{BRANCH: b}) for b in data.branches]
            if sheet not in LIST_TABS:
                parts.append(group[sheet].assign(**{BRANCH: GROUP_TOTAL.label(lang)}))
            frame = pd.concat(parts, ignore_index=True)
            frame = frame[[BRANCH, *[c for c in frame.columns if c != BRANCH]]]
            if sheet is MONTHLY_REPORT:
                frame.attrs["row_kinds"] = sum((p.attrs.get("row_kinds", []) for p in parts), [])
        tabs[with_branch(sheet)] = frame
    shared, shared_in_group = shared_customers(data.frames)
    comparison = pd.DataFrame([{BRANCH: name, **row} for name, row in figures.items()])
    comparison["shared_customers"] = [int(shared.get(b, 0)) for b in data.branches] + [shared_in_group]
    comparison["problems"] = [int((data.problems[BRANCH] == b).sum()) for b in data.branches] + [len(data.problems)]
    comparison["as_of"] = [pd.Timestamp(data.loads[b].as_of) for b in data.branches] + [pd.NaT]
    comparison["loaded_at"] = [pd.Timestamp(data.loads[b].loaded_at) for b in data.branches] + [pd.NaT]
    return {BRANCH_COMPARISON: comparison[BRANCH_COMPARISON.keys], **tabs}


def _comparison_row(frames, settings: Settings, today: dt.date, month: str, sent, calendar) -> dict:
    """One 门店对比 row: the monthly report's figures of ``month``, by the monthly report's own code."""
    tasks = followup_tasks(frames, settings, today)
    found = month_figures(month, tasks, frames, settings, today, sent, calendar)
    total = followup_report(tasks, frames["visits"], settings, today, "month", [month]).set_index("kind")
    return {
        "customers": len(frames["customers"]), "vehicles": len(frames["vehicles"]),
        "rate_7dc": found["7DC完成率"], "rate_3dc": found["3DC完成率"], "on_time_rate": total.at["合计", "on_time_rate"],
        "overall": found["平均总体满意度"], "overdue_complaints": found["超期未结投诉"], "late_handovers": found[HANDOVER_LATE],
        "churn_rate": ratio(found["流失风险客户"], len(frames["customers"])), "return_rate": found["回厂率"],
    }

