"""The windows and limits of the due rules, as kept on the 设置 sheet.

Each field carries its Chinese label (the 设置项 cell) and a one-line
explanation; ``init`` writes them with their defaults, ``parse_settings``
reads them back, falling back to the default (and a data problem) for any
value it cannot use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace

import pandas as pd

from .i18n import t
from .problems import Problem
from .schema import LANGS, SETTINGS


def _setting(default, zh: str, help_zh: str, help_en: str):
    return field(default=default, metadata={"zh": zh, "help_zh": help_zh, "help_en": help_en})


@dataclass(frozen=True)
class Settings:
    followup_7dc_days: int = _setting(7, "7DC回访天数", "新车交车后第几天做 7DC 回访", "days after delivery for the 7DC call")
    followup_7dc_second_outlet_days: int = _setting(
        10, "二级网点7DC天数", "二级网点售出的车，从开票日期起第几天做 7DC 回访", "days after the invoice for cars sold by second-level outlets")
    followup_3dc_start_days: int = _setting(3, "3DC回访起始天数", "维修交车后第几天开始 3DC 回访", "first day of the 3DC window after a repair is handed back")
    followup_3dc_end_days: int = _setting(5, "3DC回访截止天数", "维修交车后第几天之前必须完成 3DC 回访", "last day of the 3DC window")
    followup_monthly_days: int = _setting(30, "月回访天数", "交车后第几天做月回访", "days after delivery for the monthly call")
    followup_yearly_days: int = _setting(365, "年回访天数", "交车后第几天做年回访", "days after delivery for the yearly call")
    followup_overdue_keep_days: int = _setting(
        30, "回访逾期保留天数", "逾期超过这么多天的回访不再列入今日待办（仍计入报表）", "overdue follow-ups older than this leave the due list")
    birthday_min_days: int = _setting(2, "生日提前最少天数", "生日前至少提前几天发生日问候", "send birthday wishes at least this many days ahead")
    birthday_max_days: int = _setting(7, "生日提前最多天数", "生日前最早提前几天发生日问候", "send birthday wishes at most this many days ahead")
    holiday_lead_days: int = _setting(1, "节日提前天数", "节日前几天发节日问候", "days before a holiday for its greeting")
    reminder_lead_days: int = _setting(7, "到期提醒提前天数", "保养、年审、续保、车船税到期前几天提醒", "days ahead for maintenance, inspection, insurance and tax reminders")
    handover_sales_workdays: int = _setting(2, "新车资料交接工作日", "新车交车后几个工作日内交接销售资料", "working days to hand over sales documents")
    handover_service_workdays: int = _setting(1, "维修资料交接工作日", "维修交车后几个工作日内交接维修资料", "working days to hand over service documents")
    complaint_limit_days: int = _setting(3, "投诉处理时限天数", "未填处理时限的投诉，受理后几天内须解决", "days to resolve a complaint with no due date of its own")
    send_time: str = _setting("09:00", "发送时间", "每天自动发送消息的时间（HH:MM）", "daily send time (HH:MM)")
    timezone: str = _setting("Asia/Shanghai", "时区", "发送时间所用的时区", "time zone of the send time")
    catch_up_max_days: int = _setting(30, "补发最多天数", "电脑停机后最多补算多少天的消息", "how many days of missed messages a run catches up")
    branch_name: str = _setting("本店", "门店名称", "消息中使用的门店名称", "dealership name used in messages")
    sender_name: str = _setting("客服中心", "发件人名称", "邮件发件人显示名", "sender display name of e-mails")
    lang: str = _setting("zh", "语言", "生成的工作表和消息的语言：zh 或 en", "language of generated sheets and messages: zh or en")

    @classmethod
    def entries(cls):
        return fields(cls)


def _convert(name: str, default, raw: str):
    if isinstance(default, int):
        number = float(raw)
        if not number.is_integer() or number < 0:
            raise ValueError(raw)
        return int(number)
    if name == "send_time":
        dt.datetime.strptime(raw, "%H:%M")
        return raw
    if name == "lang" and raw not in LANGS:
        raise ValueError(raw)
    if name == "timezone":
        from zoneinfo import ZoneInfo

        ZoneInfo(raw)
    return raw


def parse_settings(rows: pd.DataFrame, sheet_name: str, lang: str = "zh") -> tuple[Settings, list[Problem]]:
    """Settings from the rows of the 设置 sheet (columns ``key``, ``value``, ``_row``)."""
    by_label = {}
    for f in Settings.entries():
        by_label[f.metadata["zh"]] = f
        by_label[f.name] = f
    values, problems = {}, []
    value_header = SETTINGS.column("value").header(lang)
    for key, raw, row in zip(rows["key"], rows["value"], rows["_row"]):
        f = by_label.get(str(key).strip()) if not pd.isna(key) else None
        if f is None:
            problems.append(Problem(sheet_name, row, SETTINGS.column("key").header(lang), key, t("unknown_setting", lang)))
            continue
        if pd.isna(raw) or str(raw).strip() == "":
            continue
        try:
            values[f.name] = _convert(f.name, f.default, str(raw).strip())
        except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            problems.append(Problem(sheet_name, row, value_header, raw, t("bad_setting", lang, default=f.default)))
    settings = replace(Settings(), **values)
    if settings.birthday_min_days > settings.birthday_max_days:
        settings = replace(settings, birthday_min_days=settings.birthday_max_days)
    if settings.followup_3dc_start_days > settings.followup_3dc_end_days:
        settings = replace(settings, followup_3dc_end_days=settings.followup_3dc_start_days)
    return settings, problems
