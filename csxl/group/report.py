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
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial

import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..reports import build_reports, last_complete_month
from ..reports.monthly import HANDOVER_LATE, monthly_item_label
from ..reports.ratios import ratio
from ..schema import (
    BRANCH_COMPARISON, CUSTOMER_VALUE, FOLLOWUP_MONTHLY, GROUP_TOTAL, MONTHLY_REPORT, TOTAL, RECTIFICATION, REPORT_SHEETS, SAMPLING, Sheet,
    with_branch,
)
from ..settings import Settings, parse_settings
from .identity import merged
from .store import BRANCH, INPUT_TABLES, SIDE_TABLES, LastLoad, Store

LIST_TABS = (RECTIFICATION, SAMPLING)
# the 客服月报 items 门店对比 shows
COMPARED_ITEMS = ("7DC完成率", "3DC完成率", "平均总体满意度", "超期未结投诉", HANDOVER_LATE, "流失风险客户", "回厂率")


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

    def by_branch(self) -> dict[str, dict[str, pd.DataFrame]]:
        """Each branch's own frames."""
        split = {key: rows_by_branch(frame, self.branches) for key, frame in self.frames.items()}
        return {branch: {key: parts[branch] for key, parts in split.items()} for branch in self.branches}


def rows_by_branch(frame: pd.DataFrame, branches: list[str]) -> dict[str, pd.DataFrame]:
    """``frame``'s rows of each branch, without the branch column (one groupby, not a filter per branch; none: no rows)."""
    rows = frame.drop(columns=BRANCH)
    parts = dict(iter(rows.groupby(frame[BRANCH], sort=False)))
    return {branch: parts.get(branch, rows.iloc[:0]).reset_index(drop=True) for branch in branches}


def read_group(store: Store) -> GroupData:
    frames = {table.name: store.read_table(table) for table in INPUT_TABLES}
    problems, _, sent, settings_rows = (store.read_table(t) for t in SIDE_TABLES)
    settings = {}
    for branch, rows in settings_rows.groupby(BRANCH):
        rows = rows.rename(columns={"name": "key"}).assign(_row=range(len(rows)))
        settings[branch] = parse_settings(rows, "设置")[0]
    return GroupData(frames, sent, problems, settings, store.last_loads())


def group_report(data: GroupData, today: dt.date, month: str | None = None, lang: str = "zh",
                 workers: int | None = None, progress: Callable[[str], None] | None = None) -> dict[Sheet, pd.DataFrame]:
    """The group workbook's tabs; ``progress`` is called with each branch's code (and 合计 for the group's own
    tabs) as its tabs are done, in the order they finish."""
    month = month or last_complete_month(today)
    total = GROUP_TOTAL.label(lang)
    sent = rows_by_branch(data.sent, data.branches)
    jobs = [(frames, replace(data.settings.get(b, Settings()), lang=lang), today, month, sent[b])
            for b, frames in data.by_branch().items()]
    # the group's tabs first (the longest task), then the branches', each taken by whichever worker is free
    tasks = [partial(_group_reports, data, lang, today, month), *(partial(_branch_reports, job) for job in jobs)]
    names = [total, *data.branches]
    done = progress or (lambda name: None)
    workers = min(workers or os.cpu_count() or 1, len(tasks))
    if workers > 1:
        with _pool(workers, tasks) as (pool, handles):
            futures = {pool.submit(_run, handle): name for handle, name in zip(handles, names)}
            for finished in as_completed(futures):
                done(futures[finished])
            (group_tabs, group_row, group), *computed = (future.result() for future in futures)
    else:
        results = []
        for task, name in zip(tasks, names):
            results.append(task())
            done(name)
        (group_tabs, group_row, group), *computed = results
    per_branch = dict(zip(data.branches, (reports for reports, _ in computed)))
    figures = {**{b: row for b, (_, row) in zip(data.branches, computed)}, total: group_row}

    tabs: dict[Sheet, pd.DataFrame] = {}
    for sheet in REPORT_SHEETS:
        if sheet is CUSTOMER_VALUE:
            frame = group_tabs[sheet].copy()
            frame.insert(0, BRANCH, frame["customer_id"].map(group.branches_of).astype("string"))
        else:
            parts = [per_branch[b][sheet].assign(**{BRANCH: b}) for b in data.branches]
            if sheet not in LIST_TABS:
                parts.append(group_tabs[sheet].assign(**{BRANCH: total}))
            frame = pd.concat(parts, ignore_index=True)
            frame = frame[[BRANCH, *[c for c in frame.columns if c != BRANCH]]]
            if sheet is MONTHLY_REPORT:
                frame.attrs["row_kinds"] = sum((p.attrs.get("row_kinds", []) for p in parts), [])
        tabs[with_branch(sheet)] = frame
    comparison = pd.DataFrame([{BRANCH: name, **row} for name, row in figures.items()])
    comparison["shared_customers"] = [int(group.shared_by_branch.get(b, 0)) for b in data.branches] + [group.shared]
    comparison["problems"] = [int((data.problems[BRANCH] == b).sum()) for b in data.branches] + [len(data.problems)]
    comparison["as_of"] = [pd.Timestamp(data.loads[b].as_of) for b in data.branches] + [pd.NaT]
    comparison["loaded_at"] = [pd.Timestamp(data.loads[b].loaded_at) for b in data.branches] + [pd.NaT]
    return {BRANCH_COMPARISON: comparison[BRANCH_COMPARISON.keys], **tabs}


def _group_reports(data: GroupData, lang: str, today: dt.date, month: str):
    """The group's tabs and 门店对比 row, and who its customers are (without the merged frames, which stay where they were made)."""
    group = merged(data.frames)
    tabs, row = _branch_reports((group.frames, replace(Settings(), lang=lang), today, month, data.sent.drop(columns=BRANCH)),
                                leave_out=LIST_TABS)
    return tabs, row, replace(group, frames={})


# the tasks as forked workers inherit them: a task handed to a worker is then its index, not its frames
_INHERITED_TASKS: list = []


@contextmanager
def _pool(workers: int, tasks: list):
    """A pool for ``tasks``, and the handles to pass it.  Forked workers read the tasks from this process's
    memory (a group's frames are hundreds of MB: pickling them to the workers cost about a second at 1M
    visits); where processes are spawned (Windows), each task travels with its frames."""
    forked = multiprocessing.get_start_method() == "fork"
    if forked:
        _INHERITED_TASKS[:] = tasks
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context()) as pool:
            yield pool, (range(len(tasks)) if forked else tasks)
    finally:
        _INHERITED_TASKS.clear()


def _run(task):
    return _INHERITED_TASKS[task]() if isinstance(task, int) else task()


def _branch_reports(job, leave_out=()) -> tuple[dict[Sheet, pd.DataFrame], dict]:
    """One branch's (or the group's) report tabs and its 门店对比 row, read off those tabs."""
    frames, settings, today, month, sent = job
    reports = build_reports(frames, settings, today, WorkCalendar(), sent, month, leave_out=leave_out)
    return reports, _comparison_row(reports, frames, settings.lang, month)


def _comparison_row(reports: dict[Sheet, pd.DataFrame], frames, lang: str, month: str) -> dict:
    """One 门店对比 row: the month's figures as the 客服月报 and 回访月报 tabs show them."""
    monthly = reports[MONTHLY_REPORT]
    names = {item: (item if lang == "zh" else monthly_item_label(item, lang)) for item in COMPARED_ITEMS}
    this_month = dict(zip(monthly["item"], monthly["this_month"]))
    found = {item: this_month.get(label, 0) for item, label in names.items()}
    follow = reports[FOLLOWUP_MONTHLY]
    total = follow[(follow["period"] == month) & (follow["kind"] == TOTAL)]
    customers = len(frames["customers"])
    return {
        "customers": customers, "vehicles": len(frames["vehicles"]),
        "rate_7dc": found["7DC完成率"], "rate_3dc": found["3DC完成率"],
        "on_time_rate": total["on_time_rate"].iloc[0] if len(total) else float("nan"),
        "overall": found["平均总体满意度"], "overdue_complaints": found["超期未结投诉"], "late_handovers": found[HANDOVER_LATE],
        "churn_rate": ratio(found["流失风险客户"], customers), "return_rate": found["回厂率"],
    }
