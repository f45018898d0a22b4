"""回访单: today's follow-up calls from 今日待办 as a printable sheet — per call the customer, the car, what the call follows,
the previous call, the script with boxes for the scores, and room for the comment.  A4 portrait; a call never split
across pages (page breaks are placed between calls, from the rows' heights)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from ..schema import VISITS
from .call_scripts import script_for

TITLE = "回访单"
# 今日待办 kinds that are calls with a script, and the 回访类型 they are logged as
CALL_KINDS = {"7DC回访": "7DC", "3DC回访": "3DC", "月回访": "月回访", "季度回访": "季度回访", "年回访": "年回访"}
PAGE_POINTS = 730  # A4 (842 pt) less the margins, header and footer set below, with room to spare
HEIGHTS = {"title": 24, "line": 18, "script": 30, "question": 26, "comment": 56, "gap": 10}


@dataclass(frozen=True)
class Call:
    kind: str  # the visit kind (7DC, 3DC, …)
    customer: str
    customer_id: str
    phone: str
    plate: str
    model: str
    follows: str  # the due item's note: the order or delivery the call follows
    due: str
    previous: str  # the last call of this car (or customer), or 首次回访
    script: dict


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def todays_calls(due: pd.DataFrame, frames: dict[str, pd.DataFrame], today: dt.date) -> list[Call]:
    """The follow-up calls on 今日待办, most overdue first (its order), each with its script and the previous call."""
    calls = []
    visits = frames["visits"]
    visits = visits[visits["visit_date"] <= pd.Timestamp(today)].sort_values("visit_date")
    cars = frames["vehicles"].set_index("vin")
    for item in due[due["kind"].isin(list(CALL_KINDS))].itertuples():
        kind = CALL_KINDS[item.kind]
        vin = _text(item.vin)
        earlier = visits[(visits["vin"] == vin)] if vin else visits[visits["customer_id"] == item.customer_id]
        if len(earlier):
            last = earlier.iloc[-1]
            score = "" if pd.isna(last["overall"]) else f"，总体满意度 {last['overall']:.0f} 分"
            previous = f"{last['visit_date']:%Y-%m-%d} {last['kind']} {_text(last['result']) or '成功'}{score}"
        else:
            previous = "首次回访"
        calls.append(Call(
            kind=kind, customer=_text(item.name), customer_id=_text(item.customer_id), phone=_text(item.phone),
            plate=_text(item.plate), model=_text(cars["model"].get(vin)) if vin in cars.index else "",
            follows=_text(item.note), due=f"{item.due_date:%Y-%m-%d}" + (f"（逾期 {item.days_overdue} 天）" if item.days_overdue else ""),
            previous=previous, script=script_for(frames["call_scripts"], kind),
        ))
    return calls


def call_height(call: Call) -> int:
    h = HEIGHTS
    return h["title"] + 2 * h["line"] + 2 * h["script"] + h["question"] * (len(call.script["questions"]) + 1) + h["comment"] + h["gap"]


def write_call_sheet(path: Path, calls: list[Call], today: dt.date, branch: str) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(TITLE)
    font = {"font_name": "宋体", "font_size": 10.5, "valign": "vcenter"}
    title = book.add_format({**font, "bold": True, "font_size": 12, "bg_color": "#DDEBF7", "border": 1})
    line = book.add_format({**font, "text_wrap": True})
    script = book.add_format({**font, "text_wrap": True, "italic": True, "font_color": "#404040"})
    question = book.add_format({**font, "text_wrap": True, "border": 1})
    box = book.add_format({**font, "align": "center", "border": 1, "font_size": 9, "font_color": "#808080"})
    comment = book.add_format({**font, "valign": "top", "border": 1})
    sheet.set_column(0, 0, 50)  # the question
    sheet.set_column(1, 10, 3.4)  # ten score boxes
    headers = {c.zh: c.zh for c in VISITS.columns}
    breaks, used, row = [], 0, 0
    sheet.set_header(f"&L{branch} {TITLE}&R{today:%Y-%m-%d}")
    sheet.set_footer("&C第 &P 页，共 &N 页")
    if not calls:
        sheet.write(0, 0, f"{today:%Y-%m-%d} 今日待办没有回访电话", line)
    for call in calls:
        height = call_height(call)
        if used and used + height > PAGE_POINTS:
            breaks.append(row)
            used = 0
        used += height
        sheet.set_row(row, HEIGHTS["title"])
        sheet.merge_range(row, 0, row, 10, f"{call.kind}　{call.customer}（{call.customer_id}）　{call.phone}　{call.plate} {call.model}", title)
        row += 1
        for text in (f"应回访：{call.due}；{call.follows}", f"上次回访：{call.previous}"):
            sheet.set_row(row, HEIGHTS["line"])
            sheet.merge_range(row, 0, row, 10, text, line)
            row += 1
        sheet.set_row(row, HEIGHTS["script"])
        sheet.merge_range(row, 0, row, 10, f"开场：{call.script['opening']}", script)
        row += 1
        sheet.set_row(row, HEIGHTS["question"])
        sheet.write(row, 0, "问题（在对应分数上打 √）", question)
        for score in range(1, 11):
            sheet.write(row, score, score, box)
        row += 1
        for text, column in call.script["questions"]:
            sheet.set_row(row, HEIGHTS["question"])
            sheet.write(row, 0, f"{text}" + (f"［{headers.get(column, column)}］" if column else ""), question)
            for score in range(1, 11):
                sheet.write(row, score, "□" if column else "", box)
            row += 1
        sheet.set_row(row, HEIGHTS["script"])
        sheet.merge_range(row, 0, row, 10, f"结束：{call.script['closing']}", script)
        row += 1
        sheet.set_row(row, HEIGHTS["comment"])
        sheet.merge_range(row, 0, row, 10, "意见/需整改：", comment)
        row += 1
        sheet.set_row(row, HEIGHTS["gap"])
        row += 1
    sheet.set_h_pagebreaks(breaks)
    sheet.set_paper(9)
    sheet.set_portrait()
    sheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    sheet.fit_to_pages(1, 0)  # one page wide; scaling down only shortens the calls, so the breaks above still hold
    sheet.print_area(0, 0, max(row - 1, 0), 10)
    book.close()
    return path
