"""Rectification follow-through (seed 001: 将需改善部分进行整改、跟踪): what each low-score visit's rectification has reached.

A low-score visit (any score at or below 低分阈值, or 需整改 = 是) needs a rectification; the
managers record it on 整改记录, one row per visit it answers (回访日期 + 车架号 + 回访类型).
Its 状态: 待分派 (no row, or no 责任部门 and no 整改措施 yet), 整改中, 已整改 (完成日期), 已复访
(复访日期).  It is due 整改时限天数 working days after the visit (调休 days count as working
days); the customer is called back 整改复访天数 days after 完成日期.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..frameops import row_keys
from ..i18n import t
from ..schema import RECTIFICATION_STATES, SCORE_COLUMNS, choice_label
from ..settings import Settings
from .items import days, empty_items, iso, make_items, stamp

KEY = ["visit_date", "vin", "kind"]
TO_ASSIGN, IN_PROGRESS, RECTIFIED, CALLED_BACK = "待分派", "整改中", "已整改", "已复访"


def low_score_rows(visits: pd.DataFrame, settings: Settings) -> pd.Series:
    """Visits with any score at or below the threshold, or marked 需整改."""
    low = (visits[list(SCORE_COLUMNS)] <= settings.low_score_threshold).any(axis=1)
    return low | visits["needs_action"].eq("是").fillna(False)


def rectification_state(low: pd.DataFrame, log: pd.DataFrame, settings: Settings, calendar: WorkCalendar,
                        today: dt.date) -> pd.DataFrame:
    """``low`` (low-score visits) with their 整改记录 (first row per visit), deadline, 状态 and 逾期."""
    records = log.dropna(subset=KEY).drop_duplicates(KEY)[[*KEY, "department", "action", "done_date", "revisit_date", "revisit_result"]]
    out = low.merge(records, on=KEY, how="left").set_axis(low.index)
    deadline = calendar.add_workdays_many(out["visit_date"], pd.Series(settings.rectification_limit_workdays, index=out.index))
    started = out["department"].notna() | out["action"].notna()
    status = pd.Series(TO_ASSIGN, index=out.index, dtype=object)
    status[started] = IN_PROGRESS
    status[out["done_date"].notna()] = RECTIFIED
    status[out["revisit_date"].notna()] = CALLED_BACK
    late = out["done_date"].isna() & (deadline < stamp(today)) | (out["done_date"] > deadline)
    return out.assign(deadline=deadline, status=status, overdue=late.fillna(False).map({True: "是", False: "否"}))


def rectification_items(visits: pd.DataFrame, log: pd.DataFrame, settings: Settings, calendar: WorkCalendar,
                        today: dt.date) -> list[pd.DataFrame]:
    """整改超期 (not rectified by the deadline) and 整改复访 (rectified, the call-back day reached, not called) for the
    low-score visits of the 整改清单 window."""
    now = stamp(today)
    recent = visits[(visits["visit_date"] <= now) & (visits["visit_date"] > now - days(settings.rectification_days))]
    low = recent[low_score_rows(recent, settings)]
    if low.empty:
        return [empty_items()]
    state = rectification_state(low, log, settings, calendar, today)
    lang = settings.lang
    overdue = state[state["done_date"].isna() & (state["deadline"] < now)]
    call_on = state["done_date"] + days(settings.rectification_revisit_days)
    callback = state[state["done_date"].notna() & state["revisit_date"].isna() & (call_on <= now)]
    return [
        make_items(kind="整改超期", customer_id=overdue["customer_id"], vin=overdue["vin"], due_date=overdue["deadline"],
                   note=[t("note_rectification_overdue", lang, kind=k, date=iso(d), status=choice_label(RECTIFICATION_STATES, s, lang),
                           department="" if pd.isna(p) else (f"（{p}）" if lang == "zh" else f" ({p})"))
                         for k, d, s, p in zip(overdue["kind"], overdue["visit_date"], overdue["status"], overdue["department"])]),
        make_items(kind="整改复访", customer_id=callback["customer_id"], vin=callback["vin"], due_date=call_on[callback.index],
                   note=[t("note_rectification_callback", lang, kind=k, date=iso(d), done=iso(f), action="" if pd.isna(a) else a)
                         for k, d, f, a in zip(callback["kind"], callback["visit_date"], callback["done_date"], callback["action"])]),
    ]


def orphan_records(log: pd.DataFrame, visits: pd.DataFrame) -> pd.Series:
    """整改记录 rows that answer no visit (no visit with that 回访日期, 车架号 and 回访类型)."""
    log_keys, visit_keys = row_keys([log, visits], KEY)
    return pd.Series((log_keys >= 0) & ~np.isin(log_keys, visit_keys[visit_keys >= 0]), index=log.index)


def revisit_before_done(log: pd.DataFrame) -> pd.Series:
    return (log["revisit_date"] < log["done_date"]).fillna(False)
