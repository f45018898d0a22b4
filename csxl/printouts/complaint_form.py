"""《客户投诉处理表》 (seed 001: 填写《HTY客户投诉处理表》，由市场客服部经理确认后，交相关部门进行处理，并负责将处理结果及时反馈给客户)
for one complaint: a one-page A4 portrait workbook, filled from the sheets, with the deadlines and signature lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from ..calendars.workdays import WorkCalendar
from ..errors import NoSuchComplaint
from ..rules.complaints import complaint_deadline
from ..schema import COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, COMPLAINT_STATUSES, SEVERITIES, choice_label
from ..settings import Settings

TITLE = "客户投诉处理表"


@dataclass(frozen=True)
class Deadline:
    label: str
    due: dt.date | None
    done: dt.date | None
    today: dt.date

    @property
    def verdict(self) -> str:
        if self.due is None:
            return ""
        if self.done is None:
            return f"未完成，已过时限 {(self.today - self.due).days} 天" if self.today > self.due else "未完成"
        return "按时" if self.done <= self.due else f"逾期 {(self.done - self.due).days} 天"


def _day(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def form_fields(frames: dict[str, pd.DataFrame], settings: Settings, complaint_id: str, calendar: WorkCalendar,
                today: dt.date) -> dict:
    """Everything the form shows for ``complaint_id``, as printed text (dates ISO), plus its deadlines."""
    complaints = frames["complaints"]
    found = complaints[complaints["complaint_id"].str.strip().str.upper() == complaint_id.strip().upper()]
    if found.empty:
        raise NoSuchComplaint(complaint_id)
    row = found.iloc[0]
    cars = frames["vehicles"].set_index("vin")
    car = cars.loc[row["vin"]] if _text(row["vin"]) and row["vin"] in cars.index else None
    customer_id = _text(row["customer_id"]) or (_text(car["customer_id"]) if car is not None else "")
    people = frames["customers"].set_index("customer_id")
    person = people.loc[customer_id] if customer_id in people.index else None
    received = _day(row["received_date"])
    one = found.head(1)
    confirm_by = calendar.add_workdays(received, settings.complaint_confirm_workdays)
    resolve_by = _day(complaint_deadline(one, settings).iloc[0])
    closed = _day(row["closed_date"])
    feedback_by = calendar.add_workdays(closed, settings.complaint_feedback_workdays) if closed else None
    return {
        "投诉编号": _text(row["complaint_id"]), "门店": settings.branch_name,
        "客户姓名": _text(person["name"]) if person is not None else "", "客户编号": customer_id,
        "手机": _text(person["phone"]) if person is not None else "",
        "车牌号": _text(car["plate"]) if car is not None else "", "车型": _text(car["model"]) if car is not None else "",
        "车架号": _text(row["vin"]),
        "受理日期": received.isoformat(), "渠道": choice_label(COMPLAINT_CHANNELS, _text(row["channel"]), "zh") if _text(row["channel"]) else "",
        "类别": choice_label(COMPLAINT_CATEGORIES, _text(row["category"]), "zh") if _text(row["category"]) else "",
        "级别": choice_label(SEVERITIES, _text(row["severity"]), "zh") if _text(row["severity"]) else "",
        "投诉内容": _text(row.get("content")),
        "经理确认日期": _iso(row["confirmed_date"]), "责任部门": _text(row["department"]),
        "状态": choice_label(COMPLAINT_STATUSES, _text(row["status"]), "zh") if _text(row["status"]) else "",
        "处理结果": _text(row["resolution"]), "结案日期": _iso(row["closed_date"]), "反馈日期": _iso(row["feedback_date"]),
        "客户满意": _text(row["satisfied"]),
        "deadlines": [
            Deadline("经理确认", confirm_by, _day(row["confirmed_date"]), today),
            Deadline("处理完毕", resolve_by, closed, today),
            Deadline("反馈客户", feedback_by, _day(row["feedback_date"]), today),
        ],
    }


def _iso(value) -> str:
    day = _day(value)
    return day.isoformat() if day else ""


def write_form(path: Path, fields: dict, printed_at: dt.datetime) -> Path:
    """The form on one A4 portrait page: four columns (label, value, label, value), long texts across three."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(TITLE)
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter", "border": 1}
    title = book.add_format({"font_name": "黑体", "font_size": 18, "bold": True, "align": "center", "valign": "vcenter"})
    small = book.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter"})
    label = book.add_format({**base, "bold": True, "bg_color": "#EDEDED", "align": "center", "text_wrap": True})
    value = book.add_format({**base, "text_wrap": True})
    long_text = book.add_format({**base, "text_wrap": True, "valign": "top"})
    section = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7"})
    sheet.set_column(0, 0, 13)
    sheet.set_column(1, 1, 27)
    sheet.set_column(2, 2, 13)
    sheet.set_column(3, 3, 27)
    sheet.merge_range(0, 0, 0, 3, f"《{TITLE}》", title)
    sheet.set_row(0, 34)
    sheet.write(1, 0, f"门店：{fields['门店']}", small)
    sheet.write(1, 3, f"投诉编号：{fields['投诉编号']}", small)
    row = 2

    def pair(left: str, right: str | None = None) -> None:
        nonlocal row
        sheet.set_row(row, 24)
        sheet.write(row, 0, left, label)
        if right is None:
            sheet.merge_range(row, 1, row, 3, fields[left], value)
        else:
            sheet.write(row, 1, fields[left], value)
            sheet.write(row, 2, right, label)
            sheet.write(row, 3, fields[right], value)
        row += 1

    def block(name: str, height: int) -> None:
        nonlocal row
        sheet.set_row(row, height)
        sheet.write(row, 0, name, label)
        sheet.merge_range(row, 1, row, 3, fields[name], long_text)
        row += 1

    def heading(text: str) -> None:
        nonlocal row
        sheet.merge_range(row, 0, row, 3, text, section)
        sheet.set_row(row, 22)
        row += 1

    heading("一、客户与车辆")
    pair("客户姓名", "客户编号")
    pair("手机", "车牌号")
    pair("车型", "车架号")
    heading("二、投诉受理")
    pair("受理日期", "渠道")
    pair("类别", "级别")
    block("投诉内容", 90)
    heading("三、经理确认与分派")
    pair("经理确认日期", "责任部门")
    heading("四、处理与反馈")
    block("处理结果", 90)
    pair("状态", "结案日期")
    pair("反馈日期", "客户满意")
    heading("五、时限")
    for deadline in fields["deadlines"]:
        sheet.set_row(row, 22)
        sheet.write(row, 0, deadline.label, label)
        sheet.write(row, 1, f"时限 {deadline.due.isoformat()}" if deadline.due else "—", value)
        sheet.write(row, 2, "是否按时", label)
        sheet.write(row, 3, deadline.verdict, value)
        row += 1
    heading("六、签字")
    for left, right in (("客服专员", "日期"), ("客服部经理", "日期"), ("责任部门负责人", "日期")):
        sheet.set_row(row, 32)
        sheet.write(row, 0, left, label)
        sheet.write(row, 1, "", value)
        sheet.write(row, 2, right, label)
        sheet.write(row, 3, "", value)
        row += 1
    sheet.write(row + 1, 0, f"打印于 {printed_at:%Y-%m-%d %H:%M}，csxl 客服助手", small)
    sheet.set_paper(9)  # A4
    sheet.set_portrait()
    sheet.set_margins(left=0.6, right=0.6, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.fit_to_pages(1, 1)
    sheet.print_area(0, 0, row + 1, 3)
    book.close()
    return path
