"""The report tabs (SPEC 5.4): pure functions from the workbook's frames and the as-of day to tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..rules.followups import followup_tasks
from ..schema import (
    COMPLAINT_ANALYSIS, CUSTOMER_ANALYSIS, CUSTOMER_VALUE, FOLLOWUP_DAILY, FOLLOWUP_MONTHLY, FOLLOWUP_WEEKLY,
    MONTHLY_REPORT, RECTIFICATION, SAMPLING, Sheet,
)
from ..settings import Settings
from .charts import charts_for
from .complaints import complaint_analysis
from .customers import customer_analysis, customer_value, orders_with_customers
from .followup import followup_report, rectification_list, sampling_list
from .monthly import monthly_report
from .periods import DAY, MONTH, WEEK, last_complete_month, month_bounds

__all__ = ["build_reports", "charts_for", "last_complete_month", "management_report"]


def build_reports(
    frames: dict[str, pd.DataFrame], settings: Settings, today: dt.date, calendar: WorkCalendar,
    sent_days: pd.DataFrame | None = None, month: str | None = None, progress=None, tasks: pd.DataFrame | None = None,
    leave_out: Collection[Sheet] = (),
) -> dict[Sheet, pd.DataFrame]:
    """Every report tab; ``month`` is the 客服月报's (default: the last complete month before ``today``).

    ``tasks`` are the follow-up tasks of ``today`` when the caller computed them already (the due rules do).
    ``leave_out``: tabs the caller has no use for (the group's list tabs are its branches' rows); a tab another
    one is computed from is computed all the same.
    """
    sent_days = _or_none_sent(sent_days)
    tasks = followup_tasks(frames, settings, today) if tasks is None else tasks
    visits = frames["visits"]
    orders = orders_with_customers(frames)  # for 客户价值, 客户分析 and 客服月报, each as of its own day: made once
    steps = [
        (FOLLOWUP_DAILY, lambda: followup_report(tasks, visits, settings, today, DAY)),
        (FOLLOWUP_WEEKLY, lambda: followup_report(tasks, visits, settings, today, WEEK)),
        (FOLLOWUP_MONTHLY, lambda: followup_report(tasks, visits, settings, today, MONTH)),
        (RECTIFICATION, lambda: rectification_list(visits, frames, settings, today, calendar)),
        (SAMPLING, lambda: sampling_list(tasks, frames, settings, today)),
        (COMPLAINT_ANALYSIS, lambda: complaint_analysis(frames["complaints"], settings, today)),
        (CUSTOMER_VALUE, lambda: customer_value(frames, settings, today, orders)),
        (CUSTOMER_ANALYSIS, lambda: customer_analysis(frames, reports[CUSTOMER_VALUE], settings, today, orders)),
        (MONTHLY_REPORT, lambda: monthly_report(month or last_complete_month(today), tasks, frames, settings, today, sent_days, calendar,
                                                     reports[FOLLOWUP_MONTHLY], orders)),
    ]
    needed = {CUSTOMER_VALUE: CUSTOMER_ANALYSIS, FOLLOWUP_MONTHLY: MONTHLY_REPORT}  # tab: the tab computed from it
    reports: dict[Sheet, pd.DataFrame] = {}
    for sheet, make in steps:
        if sheet in leave_out and needed.get(sheet, sheet) in leave_out:
            continue
        if progress:
            progress(sheet.name(settings.lang))
        reports[sheet] = make()
    return reports


def management_report(
    frames: dict[str, pd.DataFrame], settings: Settings, today: dt.date, calendar: WorkCalendar,
    sent_days: pd.DataFrame | None, month: str,
) -> dict[Sheet, pd.DataFrame]:
    """The monthly report workbook's tabs: 客服月报, that month's 回访月报 rows, and 投诉分析 up to the month's end."""
    sent_days = _or_none_sent(sent_days)
    tasks = followup_tasks(frames, settings, today)
    as_of = min(today, month_bounds(month)[1].date())
    return {
        MONTHLY_REPORT: monthly_report(month, tasks, frames, settings, today, sent_days, calendar),
        FOLLOWUP_MONTHLY: followup_report(tasks, frames["visits"], settings, today, MONTH, [month]),
        COMPLAINT_ANALYSIS: complaint_analysis(frames["complaints"], settings, as_of),
    }


def _or_none_sent(sent_days: pd.DataFrame | None) -> pd.DataFrame:
    """The journal's sent messages, or none (a workbook that never sent anything has no journal)."""
    if sent_days is not None:
        return sent_days
    return pd.DataFrame({"kind": pd.Series(dtype="string"), "sent_day": pd.Series(dtype="datetime64[s]")})
