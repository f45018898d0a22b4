"""回访日报 / 周报 / 月报, 整改清单 and 抽样回访 (SPEC 5.4)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..frameops import lookup, positions_in
from ..rules.items import days, stamp
from ..rules.rectification import low_score_rows, rectification_state
from ..schema import FOLLOWUP_DAILY, FOLLOWUP_VISIT_KINDS, RECTIFICATION, SAMPLING, SCORE_COLUMNS, TOTAL, VISITS
from ..settings import Settings
from .periods import label, label_start, last_complete_month, month_bounds, periods_ending
from .ratios import ratio


def followup_report(tasks: pd.DataFrame, visits: pd.DataFrame, settings: Settings, today: dt.date, unit: str,
                    periods: list[str] | None = None) -> pd.DataFrame:
    """One row per (kind, period): tasks due and done, calls made and their scores; then 合计 per period.

    Each count is one ``bincount`` over the kind × period grid, not a pandas groupby: the report is
    computed a dozen times per refresh and once per branch in a group, so its fixed cost counts.
    """
    periods = list(periods or periods_ending(today, unit))
    now = stamp(today)
    first = min(label_start(p, unit) for p in periods)
    grid = _Grid(list(FOLLOWUP_VISIT_KINDS), periods, unit)

    tasks = tasks[tasks["task_date"].between(first, now)]
    task_cells = grid.cells(tasks["kind"], tasks["task_date"])
    done = _flags(tasks["done_date"].notna() & (tasks["done_date"] <= now))
    counts = {"due": grid.tally(task_cells), "done": grid.tally(task_cells, done),
              "on_time": grid.tally(task_cells, done & _flags(tasks["done_date"] <= tasks["on_time_by"]))}

    calls = visits[visits["visit_date"].between(first, now)]
    call_cells = grid.cells(calls["kind"], calls["visit_date"])
    result = calls["result"]
    counts.update(
        calls=grid.tally(call_cells), reached=grid.tally(call_cells, _flags(result.isna() | result.eq("成功"))),
        no_answer=grid.tally(call_cells, _flags(result.eq("未接通"))), refused=grid.tally(call_cells, _flags(result.eq("拒访"))),
        low_scores=grid.tally(call_cells, _flags(low_score_rows(calls, settings))),
    )
    frame = pd.DataFrame({"period": grid.periods_column, "kind": grid.kinds_column,
                          **{name: values.astype("int64") for name, values in counts.items()}})
    for column in SCORE_COLUMNS:
        scores = calls[column].to_numpy(dtype="float64", na_value=np.nan)
        given = ~np.isnan(scores)
        frame[column] = ratio(grid.tally(call_cells, np.where(given, scores, 0.0)), grid.tally(call_cells, given))
    frame["completion_rate"] = ratio(frame["done"], frame["due"])
    frame["on_time_rate"] = ratio(frame["on_time"], frame["due"])
    frame["reach_rate"] = ratio(frame["reached"], frame["calls"])
    return frame[FOLLOWUP_DAILY.keys]


def _flags(mask: pd.Series) -> np.ndarray:
    return mask.fillna(False).to_numpy(dtype=bool)


class _Grid:
    """The report's rows: each kind's periods in order, then 合计's periods (the sum over the kinds)."""

    def __init__(self, kinds: list[str], periods: list[str], unit: str):
        self.kinds, self.periods, self.unit = kinds, periods, unit
        self.kinds_column = [kind for kind in [*kinds, TOTAL] for _ in periods]
        self.periods_column = periods * (len(kinds) + 1)

    def cells(self, kinds: pd.Series, dates: pd.Series) -> np.ndarray:
        """Each row's cell in the kind × period grid; -1 for a kind or a period the report does not show."""
        kind = positions_in(kinds, pd.Series(self.kinds))
        period = positions_in(label(dates, self.unit), pd.Series(self.periods))
        return np.where((kind >= 0) & (period >= 0), kind * len(self.periods) + period, -1)

    def tally(self, cells: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """The sum of ``weights`` (1 per row without them) per row of the report, 合计 rows included."""
        inside = cells >= 0
        size = len(self.kinds) * len(self.periods)
        sums = np.bincount(cells[inside], weights=None if weights is None else weights[inside].astype("float64"), minlength=size)
        by_kind = sums.reshape(len(self.kinds), len(self.periods))
        return np.concatenate([by_kind.ravel(), by_kind.sum(axis=0)])


def rectification_list(visits: pd.DataFrame, frames: dict[str, pd.DataFrame], settings: Settings, today: dt.date,
                       calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """Low-score visits of the last 整改清单天数 days, newest first, with how far each one's rectification has got."""
    now = stamp(today)
    recent = visits[(visits["visit_date"] <= now) & (visits["visit_date"] > now - days(settings.rectification_days))]
    rows = recent[low_score_rows(recent, settings)]
    scores = rows[list(SCORE_COLUMNS)]
    low = scores <= settings.low_score_threshold
    headers = np.array([VISITS.column(c).header(settings.lang) for c in SCORE_COLUMNS], dtype=object)
    separator = "、" if settings.lang == "zh" else ", "
    out = rows.assign(
        low_items=[separator.join(headers[mask]) for mask in low.to_numpy(dtype=bool)] if len(rows) else pd.Series(dtype="string"),
        lowest_score=scores.min(axis=1),
    )
    out = _with_people(out, frames)
    advisors = frames["services"].set_index("order_no")["advisor"]
    out["advisor"] = lookup(out["order_no"], advisors)
    out = rectification_state(out, frames["rectification_log"], settings, calendar or WorkCalendar(), today)
    return out.sort_values(["visit_date", "_row"], ascending=[False, False])[RECTIFICATION.keys].reset_index(drop=True)


def _with_people(rows: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Fill customer id (from the car's owner when missing), name, phone and plate."""
    vehicles, customers = frames["vehicles"].set_index("vin"), frames["customers"].set_index("customer_id")
    customer_id = rows["customer_id"].astype("string").fillna(lookup(rows["vin"], vehicles["customer_id"]).astype("string"))
    return rows.assign(
        customer_id=customer_id, name=lookup(customer_id, customers["name"]), phone=lookup(customer_id, customers["phone"]),
        plate=lookup(rows["vin"], vehicles["plate"]),
    )


def sampling_list(tasks: pd.DataFrame, frames: dict[str, pd.DataFrame], settings: Settings, today: dt.date) -> pd.DataFrame:
    """For 总经办: last complete month's quarterly calls, and its large, accident and VIP repair orders."""
    first, last = month_bounds(last_complete_month(today))
    quarterly = tasks[(tasks["kind"] == "季度回访") & tasks["task_date"].between(first, last)]
    cars = pd.DataFrame({"reason": "新车季度回访", "customer_id": quarterly["customer_id"], "vin": quarterly["vin"],
                         "order_no": pd.NA, "amount": np.nan, "date": quarterly["task_date"]})
    services = frames["services"]
    orders = services[services["date_out"].between(first, last)]
    tiers = lookup(lookup(orders["vin"], frames["vehicles"].set_index("vin")["customer_id"]), frames["customers"].set_index("customer_id")["member_tier"])
    reasons = pd.DataFrame({
        "大额维修": orders["amount"] >= settings.large_repair_amount,
        "事故维修": orders["kind"].eq("事故").fillna(False),
        "VIP客户": tiers.isin(settings.vip_tier_names).fillna(False),
    }, index=orders.index)
    flagged = reasons.any(axis=1)
    names = np.array(reasons.columns, dtype=object)
    repairs = pd.DataFrame({
        "reason": ["、".join(names[mask]) for mask in reasons[flagged].to_numpy(dtype=bool)],
        "customer_id": pd.NA, "vin": orders.loc[flagged, "vin"].to_numpy(), "order_no": orders.loc[flagged, "order_no"].to_numpy(),
        "amount": orders.loc[flagged, "amount"].to_numpy(), "date": orders.loc[flagged, "date_out"].to_numpy(),
    })
    rows = pd.concat([cars.reset_index(drop=True), repairs], ignore_index=True)
    rows["date"] = pd.to_datetime(rows["date"]).astype("datetime64[s]")
    rows = _with_people(rows, frames)
    calls = frames["visits"]
    calls = calls[(calls["kind"] == "季度回访") & (calls["visit_date"] <= stamp(today))][["vin", "visit_date"]]
    visited = rows[["vin", "date"]].reset_index().merge(calls, on="vin")
    visited = set(visited.loc[visited["visit_date"] >= visited["date"], "index"])
    rows["visited"] = np.where(rows.index.isin(list(visited)), "是", "否")
    return rows.sort_values(["date", "vin"], kind="stable")[SAMPLING.keys].reset_index(drop=True)
