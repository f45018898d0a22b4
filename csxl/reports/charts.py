"""Which native charts the report tabs carry, as data: the writer draws them from the table's own cells."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..schema import (
    BRANCH_COMPARISON, CAR_AGE_DIMENSION, COMPLAINT_ANALYSIS, COMPLAINTS, CUSTOMER_ANALYSIS, FOLLOWUP_MONTHLY, FOLLOWUP_VISIT_KINDS, REPORT_VISIT_KINDS,
    SERVICE_KIND_DIMENSION, TOTAL, Sheet, choice_label,
)


@dataclass(frozen=True)
class Series:
    name: str
    first_row: int  # data rows, 0-based within the table (the header is not counted)
    last_row: int
    category_column: str  # column keys
    value_column: str


@dataclass(frozen=True)
class Chart:
    title: str
    kind: str  # "line", "bar" or "pie"
    series: tuple[Series, ...]
    percent: bool = False


def _rows_where(frame: pd.DataFrame, column: str, value) -> tuple[int, int] | None:
    """The first and last position of a contiguous run of rows with ``column == value``."""
    positions = [i for i, v in enumerate(frame[column].tolist()) if v == value]
    return (positions[0], positions[-1]) if positions else None


_TITLES = {
    "completion": {"zh": "各类回访完成率（近12个月）", "en": "Follow-up completion rate (12 months)"},
    "completion_month": {"zh": "各类回访完成率", "en": "Follow-up completion rate by kind"},
    "overall": {"zh": "平均总体满意度（近12个月）", "en": "Average overall satisfaction (12 months)"},
    "by_category": {"zh": "投诉按类别", "en": "Complaints by category"},
    "by_service_kind": {"zh": "工单金额按维修类型", "en": "Order amount by service kind"},
    "return_by_car_age": {"zh": "回厂率按车龄（近12个月）", "en": "Return rate by car age (12 months)"},
    "by_branch": {"zh": "各门店回访完成率与回厂率", "en": "Follow-up completion and return rate by branch"},
}


def charts_for(sheet: Sheet, frame: pd.DataFrame, lang: str) -> list[Chart]:
    if frame.empty:
        return []
    if sheet is FOLLOWUP_MONTHLY and frame["period"].nunique() == 1:  # one month (the monthly report workbook)
        kinds = _rows_where(frame, "period", frame["period"].iloc[0])
        name = FOLLOWUP_MONTHLY.column("completion_rate").header(lang)
        last_kind = kinds[1] - 1  # the kinds, without 合计
        return [Chart(_TITLES["completion_month"][lang], "bar", (Series(name, kinds[0], last_kind, "kind", "completion_rate"),), percent=True)]
    if sheet is FOLLOWUP_MONTHLY:
        completion = []
        for kind in FOLLOWUP_VISIT_KINDS:
            span = _rows_where(frame, "kind", kind)
            if span:
                completion.append(Series(choice_label(REPORT_VISIT_KINDS, kind, lang), *span, "period", "completion_rate"))
        total = _rows_where(frame, "kind", TOTAL)
        charts = [Chart(_TITLES["completion"][lang], "line", tuple(completion), percent=True)]
        if total:
            name = FOLLOWUP_MONTHLY.column("overall").header(lang)
            charts.append(Chart(_TITLES["overall"][lang], "line", (Series(name, *total, "period", "overall"),)))
        return charts
    if sheet is COMPLAINT_ANALYSIS:
        span = _rows_where(frame, "dimension", COMPLAINTS.column("category").header(lang))
        name = COMPLAINT_ANALYSIS.column("count").header(lang)
        return [Chart(_TITLES["by_category"][lang], "bar", (Series(name, *span, "value", "count"),))] if span else []
    if sheet is BRANCH_COMPARISON and len(frame) > 1:  # the branches, without the group's row
        rates = ("rate_7dc", "rate_3dc", "return_rate")
        return [Chart(_TITLES["by_branch"][lang], "bar",
                      tuple(Series(BRANCH_COMPARISON.column(c).header(lang), 0, len(frame) - 2, "branch_code", c) for c in rates),
                      percent=True)]
    if sheet is CUSTOMER_ANALYSIS:
        charts = []
        span = _rows_where(frame, "dimension", SERVICE_KIND_DIMENSION.label(lang))
        if span:
            name = CUSTOMER_ANALYSIS.column("amount").header(lang)
            charts.append(Chart(_TITLES["by_service_kind"][lang], "bar", (Series(name, *span, "value", "amount"),)))
        span = _rows_where(frame, "dimension", CAR_AGE_DIMENSION.label(lang))
        if span:
            name = CUSTOMER_ANALYSIS.column("return_rate").header(lang)
            charts.append(Chart(_TITLES["return_by_car_age"][lang], "bar", (Series(name, *span, "value", "return_rate"),), percent=True))
        return charts
    return []
