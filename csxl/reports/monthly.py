"""客服月报: the customer-service centre's monthly work report, this month against last (SPEC 5.4)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..calendars.workdays import WorkCalendar
from ..i18n import t
from ..rules.complaints import complaint_deadline, is_closed
from ..rules.handover import handover_deadlines, incomplete_handovers
from ..rules.rectification import low_score_rows, rectification_state
from ..rules.items import GREETING_KINDS, REMINDER_KINDS
from ..rules.retention import return_rate_cars
from ..schema import MONTHLY_REPORT, ColumnType
from ..settings import Settings
from .customers import churn_risk, orders_with_customers
from .followup import followup_report
from .periods import MONTH, month_bounds, previous_month
from .ratios import ratio

# Items whose figures are rates (shown as percentages) or averages (2 decimals); the rest are counts.
RATE_ITEMS = ("7DC完成率", "3DC完成率", "月回访完成率", "年回访完成率", "接通率", "回厂率", "整改完成率", "复访满意率")
AVERAGE_ITEMS = ("平均总体满意度", "平均处理天数")
HANDOVER_LATE = "资料交接逾期"
HANDOVER_INCOMPLETE = "资料交接不全"  # submitted with required documents missing (the 季效考核 counts both)


@dataclass(frozen=True)
class MonthBasis:
    """What the monthly figures need that no month changes: computed once for this month and last."""

    first_car: pd.Series  # per customer, the first car's delivery date
    closed: pd.Series  # per complaint
    complaint_deadlines: pd.Series
    handover_deadlines: pd.Series
    handovers_incomplete: pd.Series
    low_scores: pd.DataFrame  # every low-score visit with its rectification's deadline and done date
    orders: pd.DataFrame  # every order with its customer and date (`orders_with_customers`)

    @classmethod
    def of(cls, frames: dict[str, pd.DataFrame], settings: Settings, as_of, calendar: WorkCalendar,
           orders: pd.DataFrame | None = None) -> MonthBasis:
        complaints, handover, visits = frames["complaints"], frames["handover"], frames["visits"]
        low = visits[low_score_rows(visits, settings)]
        return cls(
            first_car=frames["vehicles"].groupby("customer_id")["delivery_date"].min(),
            closed=is_closed(complaints), complaint_deadlines=complaint_deadline(complaints, settings),
            handover_deadlines=handover_deadlines(handover, settings, calendar),
            handovers_incomplete=incomplete_handovers(handover, settings),
            # the state's deadline and done date do not depend on the day it is judged on; only its 逾期 does, unused here
            low_scores=rectification_state(low, frames["rectification_log"], settings, calendar, as_of),
            orders=orders_with_customers(frames) if orders is None else orders,
        )


def month_figures(month: str, tasks: pd.DataFrame, frames: dict[str, pd.DataFrame], settings: Settings, as_of,
                  sent: pd.DataFrame, calendar: WorkCalendar, followups: pd.DataFrame | None = None,
                  basis: MonthBasis | None = None) -> dict[str, float]:
    """Every figure of the monthly report for ``month`` (follow-ups as of ``as_of``, states at the month's end).

    ``followups``: 回访月报 rows as of ``as_of`` already computed; ``month``'s are computed unless among them.
    ``basis``: `MonthBasis.of` the same frames, when the caller has it already.
    """
    first, last = month_bounds(month)
    basis = basis or MonthBasis.of(frames, settings, as_of, calendar)
    if followups is None or not (followups["period"] == month).any():
        followups = followup_report(tasks, frames["visits"], settings, as_of, MONTH, [month])
    follow = followups[followups["period"] == month].set_index("kind")
    figures = {
        "7DC应回访": follow.at["7DC", "due"], "7DC完成率": follow.at["7DC", "completion_rate"],
        "3DC应回访": follow.at["3DC", "due"], "3DC完成率": follow.at["3DC", "completion_rate"],
        "月回访完成率": follow.at["月回访", "completion_rate"], "年回访完成率": follow.at["年回访", "completion_rate"],
        "回访次数": follow.at["合计", "calls"], "接通率": follow.at["合计", "reach_rate"],
        "平均总体满意度": follow.at["合计", "overall"], "低分数": follow.at["合计", "low_scores"],
    }
    figures["新增客户"] = int(basis.first_car.between(first, last).sum())
    figures["流失风险客户"] = int(churn_risk(frames, settings, last.date(), basis.orders).sum())

    complaints = frames["complaints"]
    received = complaints["received_date"]
    closed_in_month = basis.closed & complaints["closed_date"].between(first, last)
    open_at_end = (received <= last) & ~(basis.closed & ~(complaints["closed_date"] > last))
    figures["投诉受理"] = int(received.between(first, last).sum())
    figures["投诉结案"] = int(closed_in_month.sum())
    figures["超期未结投诉"] = int((open_at_end & (basis.complaint_deadlines < last)).sum())
    figures["平均处理天数"] = (complaints["closed_date"] - received).dt.days[closed_in_month].mean()

    sent_in_month = sent[sent["sent_day"].between(first, last)] if not sent.empty else sent
    figures["生日关怀已发送"] = int((sent_in_month["kind"] == GREETING_KINDS[0]).sum()) if len(sent_in_month) else 0
    figures["节日问候已发送"] = int((sent_in_month["kind"] == GREETING_KINDS[1]).sum()) if len(sent_in_month) else 0
    figures["到期提醒已发送"] = int(sent_in_month["kind"].isin(REMINDER_KINDS).sum()) if len(sent_in_month) else 0
    cars = frames["vehicles"][~(frames["vehicles"]["delivery_date"] > last)]
    figures["回厂率"] = ratio(int(return_rate_cars(cars, frames["services"], last).sum()), len(cars))

    handover, deadline = frames["handover"], basis.handover_deadlines
    late = deadline.between(first, last) & ~(handover["submitted_date"] <= deadline)
    figures[HANDOVER_LATE] = int(late.sum())
    for clerk, count in handover.loc[late, "clerk"].fillna("—").value_counts().sort_index().items():
        figures[f"{HANDOVER_LATE}·{clerk}"] = int(count)
    log, state = frames["rectification_log"], basis.low_scores
    state = state[state["visit_date"] <= last]
    due_in_month = state["deadline"].between(first, last)
    figures["整改完成率"] = ratio(int((due_in_month & (state["done_date"] <= state["deadline"])).sum()), int(due_in_month.sum()))
    called = log["revisit_date"].between(first, last)
    figures["复访满意率"] = ratio(int((called & log["revisit_result"].eq("满意").fillna(False)).sum()), int(called.sum()))
    lacking = deadline.between(first, last) & basis.handovers_incomplete
    figures[HANDOVER_INCOMPLETE] = int(lacking.sum())
    for clerk, count in handover.loc[lacking, "clerk"].fillna("—").value_counts().sort_index().items():
        figures[f"{HANDOVER_INCOMPLETE}·{clerk}"] = int(count)
    return figures


def monthly_report(month: str, tasks, frames, settings: Settings, as_of, sent: pd.DataFrame, calendar: WorkCalendar,
                   followups: pd.DataFrame | None = None, orders: pd.DataFrame | None = None) -> pd.DataFrame:
    """``followups``: the 回访月报 as of ``as_of``, if computed already (it holds this month and last unless ``month`` is older);
    ``orders``: `orders_with_customers`, if made already."""
    basis = MonthBasis.of(frames, settings, as_of, calendar, orders)
    this = month_figures(month, tasks, frames, settings, as_of, sent, calendar, followups, basis)
    last = month_figures(previous_month(month), tasks, frames, settings, as_of, sent, calendar, followups, basis)
    items = list(this) + [k for k in last if k not in this]  # a clerk late only last month still gets a row
    frame = pd.DataFrame({
        "item": items,
        "this_month": [this.get(k, 0) for k in items],
        "last_month": [last.get(k, 0) for k in items],
    })
    frame["this_month"] = frame["this_month"].astype("float64")
    frame["last_month"] = frame["last_month"].astype("float64")
    frame["change"] = frame["this_month"] - frame["last_month"]
    frame.attrs["row_kinds"] = [
        ColumnType.PERCENT if item in RATE_ITEMS else ColumnType.DECIMAL if item in AVERAGE_ITEMS else ColumnType.NUMBER
        for item in frame["item"]
    ]
    if settings.lang != "zh":
        frame["item"] = [monthly_item_label(item, settings.lang) for item in frame["item"]]
    return frame[MONTHLY_REPORT.keys]


def monthly_item_label(item: str, lang: str = "en") -> str:
    """An item's name in a 客服月报 of another language."""
    for prefix in (HANDOVER_LATE, HANDOVER_INCOMPLETE):
        if item.startswith(prefix + "·"):
            return t("monthly_" + prefix, lang) + " · " + item.split("·", 1)[1]
    return t("monthly_" + item, lang)
