"""The windows and limits of the due rules, as kept on the 设置 sheet.

Each field carries its Chinese label (the 设置项 cell) and a one-line
explanation; ``init`` writes them with their defaults, ``parse_settings``
reads them back, falling back to the default (and a data problem) for any
value it cannot use.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields, replace

import pandas as pd

from .i18n import t
from .problems import Problem
from .schema import LANGS, SETTINGS


def _setting(default, zh: str, help_zh: str, help_en: str, default_en=None):
    """A 设置 row: its default, Chinese label, explanations, and (for words) the default an English workbook starts with."""
    return field(default=default, metadata={"zh": zh, "help_zh": help_zh, "help_en": help_en, "default_en": default_en})


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
    sales_documents: str = _setting(
        "购车合同、附件购买合同（可选）、客户身份证/机构代码证/营业执照、暂住证（可选）、车辆合格证、车辆零售发票/增值税发票、"
        "购置税证、购置税收据、行驶证代办回执、保险单、保单发票、提车确认书、销售开票出库单、客户入会资料表",
        "新车交车资料", "新车交车须交的资料，用、分隔；可互相替代的用 / 连接，只部分车辆需要的加（可选）",
        "documents a new car's hand-over must carry, separated by 、; alternatives joined by /, optional ones marked （可选）")
    service_documents: str = _setting("接车单、派工单、结算单、常规项目检查表", "维修交车资料", "维修交车须交的资料，用、分隔",
                                      "documents a repair's hand-over must carry, separated by 、")
    handover_service_workdays: int = _setting(1, "维修资料交接工作日", "维修交车后几个工作日内交接维修资料", "working days to hand over service documents")
    complaint_limit_days: int = _setting(3, "投诉处理时限天数", "未填处理时限的投诉，受理后几天内须解决", "days to resolve a complaint with no due date of its own")
    complaint_confirm_workdays: int = _setting(
        1, "投诉确认工作日", "受理后几个工作日内须由经理确认（填确认日期）", "working days after receipt for the manager to confirm a complaint")
    complaint_feedback_workdays: int = _setting(
        1, "投诉反馈工作日", "结案后几个工作日内须把结果反馈给客户（填反馈日期）", "working days after closing to report back to the customer")
    followup_quarterly_days: int = _setting(90, "季度回访天数", "交车后第几天做季度抽样回访", "days after delivery for the quarterly sampled call")
    followup_on_time_grace_days: int = _setting(
        3, "回访按时宽限天数", "回访在应回访日后几天内完成算按时（3DC 以截止天数为准）", "days after the due date a follow-up still counts as on time")
    low_score_threshold: int = _setting(6, "低分阈值", "任一评分不高于此值的回访列入整改清单", "a visit with any score at or below this needs rectification")
    rectification_days: int = _setting(30, "整改清单天数", "整改清单列出最近多少天的低分回访", "days of low-score visits on the rectification list")
    rectification_limit_workdays: int = _setting(
        5, "整改时限天数", "低分回访后几个工作日内须完成整改（整改记录填完成日期）", "working days after a low-score visit to complete its rectification")
    rectification_revisit_days: int = _setting(
        3, "整改复访天数", "整改完成后第几天回访客户，确认是否满意", "days after a rectification is done to call the customer back")
    large_repair_amount: int = _setting(10000, "大额维修金额", "金额不低于此值的工单列入抽样回访", "orders of at least this amount are sampled")
    vip_tiers: str = _setting("金卡会员、钻石会员", "VIP等级", "这些会员等级的客户的工单列入抽样回访（用、分隔）", "member tiers whose orders are sampled (separated by 、)")
    customer_expected_years: int = _setting(5, "客户预期年限", "客户价值 = 平均单次金额 × 年均到店次数 × 此年限", "expected years of a customer in the lifetime value")
    churn_days: int = _setting(365, "流失判定天数", "最近到店早于这么多天之前的客户算流失风险", "a customer not seen for this many days is a churn risk")
    tier_thresholds: str = _setting(
        "普通会员 0；银卡会员 5000；金卡会员 20000；钻石会员 50000", "会员等级门槛",
        "建议会员等级：累计工单金额达到门槛的最高等级（等级 金额，用；分隔）", "suggested tier: the highest whose threshold the total spend reaches")
    first_service_months: int = _setting(6, "首保月数", "新车提车后几个月做首次保养（提前 7 天提醒）", "months after delivery for the first service")
    maintenance_interval_months: int = _setting(
        12, "保养间隔月数", "没填下次保养日期时：距上次保养多少个月再保养", "months between services, when 下次保养日期 is empty")
    maintenance_interval_km: int = _setting(
        10000, "保养间隔里程", "没填下次保养日期时：距上次保养多少公里再保养（按最近两次进厂的里程推算日均公里数）",
        "kilometres between services, when 下次保养日期 is empty (at the rate of the last two orders' mileage)")
    recommendation_followup_days: int = _setting(
        30, "建议跟进天数", "工单有建议项目而客户没做的，几天后打电话跟进", "days after an order with declined work to call about it")
    warranty_lead_days: int = _setting(30, "质保提醒天数", "质保到期前几天提醒", "days ahead of the warranty's end to remind")
    reminder_followup_days: int = _setting(
        14, "提醒跟进天数", "发出保养提醒后几天仍未回厂，列入今日待办打电话", "days after a maintenance reminder without a visit before a call")
    send_channel: str = _setting(
        "", "发送渠道", "邮件、短信或短信优先（有手机发短信，否则发邮件）；留空：设了短信服务商就短信优先，否则邮件",
        "邮件 (e-mail), 短信 (SMS) or 短信优先 (SMS where there is a mobile, else e-mail); empty: SMS first once a provider is set")
    sms_provider: str = _setting("", "短信服务商", "阿里云或腾讯云；留空则短信写入发件箱（.sms.txt），不真正发送",
                                 "阿里云 or 腾讯云; empty: SMS go to the outbox as .sms.txt files")
    sms_signature: str = _setting("", "短信签名", "服务商审核通过的短信签名（不含【】），如 某某汽车", "the provider-approved SMS signature, without 【】")
    sms_app_id: str = _setting("", "短信应用ID", "腾讯云短信的 SdkAppId（阿里云不用）", "腾讯云's SmsSdkAppId (阿里云 needs none)")
    sms_endpoint: str = _setting("", "短信接口地址", "可选：服务商接口的其他地址（如公司代理 http://host:port）；留空用服务商默认地址",
                                 "optional: another endpoint for the provider's API (a company proxy, http://host:port)")
    sms_price: float = _setting(0.045, "短信单价", "每条（每 67 字计一条）短信的价格，元，用于试运行估算费用",
                                "price of one SMS segment in yuan, for the dry run's cost estimate")
    weekly_contact_cap: int = _setting(2, "每周联系上限", "每位客户 7 天内最多收到几条消息（所有类型、所有渠道合计）",
                                       "messages a customer may get in any 7 days, all kinds and channels together")
    monthly_contact_cap: int = _setting(4, "每月联系上限", "每位客户 30 天内最多收到几条消息（所有类型、所有渠道合计）",
                                        "messages a customer may get in any 30 days, all kinds and channels together")
    send_hours: str = _setting("08:00-21:00", "发送时段", "只在这个时段内发送消息（按时区设置的当地时间）",
                               "messages go out only between these hours (local time of 时区)")
    marketing_needs_consent: str = _setting(
        "否", "营销消息需同意", "是：生日、节日问候只发给「营销同意」为是的客户", "是 (yes): greetings go only to customers whose 营销同意 is 是",
        "否")
    send_time: str = _setting("09:00", "发送时间", "每天自动发送消息的时间（HH:MM）", "daily send time (HH:MM)")
    timezone: str = _setting("Asia/Shanghai", "时区", "发送时间所用的时区", "time zone of the send time")
    catch_up_max_days: int = _setting(30, "补发最多天数", "电脑停机后最多补算多少天的消息", "how many days of missed messages a run catches up")
    branch_name: str = _setting("本店", "门店名称", "消息中使用的门店名称", "dealership name used in messages", "our dealership")
    branch_code: str = _setting("", "门店编号", "集团汇总时本店的编号（如 SZ01）；留空用门店名称", "this branch's code in the group store; empty: 门店名称")
    group_store: str = _setting(
        "", "集团数据库", "每天刷新后把本店数据推送到集团库：.duckdb 文件路径或 postgresql://用户@主机/库（密码不要写在这里）",
        "after each daily refresh, push this branch to the group store: a .duckdb path or postgresql://user@host/db (no password)")
    sender_name: str = _setting("客服中心", "发件人名称", "邮件发件人显示名", "sender display name of e-mails", "Customer Service")
    lang: str = _setting("zh", "语言", "生成的工作表和消息的语言：zh 或 en", "language of generated sheets and messages: zh or en")

    @classmethod
    def entries(cls):
        return fields(cls)

    @property
    def channel(self) -> str:
        """邮件, 短信 or 短信优先: the setting, or its default (SMS first once a provider is set)."""
        return self.send_channel or (SMS_FIRST if self.sms_provider else EMAIL)

    @property
    def send_window(self) -> tuple[dt.time, dt.time]:
        return send_window(self.send_hours)

    @property
    def branch(self) -> str:
        """The branch's name in the group store: 门店编号, else 门店名称."""
        return self.branch_code.strip() or self.branch_name.strip()

    def documents(self, event: str):
        """The documents a hand-over of ``event`` (新车交车 / 维修交车) must carry."""
        from .rules.documents import requirements

        return requirements(self.sales_documents if event == "新车交车" else self.service_documents)

    @property
    def vip_tier_names(self) -> list[str]:
        return name_list(self.vip_tiers)

    @property
    def tier_thresholds_list(self) -> list[tuple[str, float]]:
        return tier_threshold_list(self.tier_thresholds)


# The sane range of each number setting; a value outside it is a data problem and the default is used.
_DAYS = (0, 366)
RANGES = {
    "followup_7dc_days": (1, 60), "followup_7dc_second_outlet_days": (1, 60), "followup_3dc_start_days": (0, 30),
    "followup_3dc_end_days": (0, 60), "followup_monthly_days": (1, 120), "followup_yearly_days": (1, 800),
    "followup_overdue_keep_days": _DAYS, "birthday_min_days": (0, 60), "birthday_max_days": (0, 60), "holiday_lead_days": (0, 30),
    "reminder_lead_days": (0, 90), "handover_sales_workdays": (0, 30), "handover_service_workdays": (0, 30),
    "complaint_limit_days": (0, 90), "complaint_confirm_workdays": (0, 30), "complaint_feedback_workdays": (0, 30),
    "followup_quarterly_days": (1, 366), "followup_on_time_grace_days": (0, 60), "low_score_threshold": (1, 10),
    "rectification_days": (1, 366), "large_repair_amount": (0, 10_000_000), "customer_expected_years": (1, 50),
    "churn_days": (30, 3650), "catch_up_max_days": (0, 366),
    "first_service_months": (1, 24), "maintenance_interval_months": (1, 36), "maintenance_interval_km": (1000, 100_000),
    "recommendation_followup_days": (1, 366), "warranty_lead_days": (1, 366), "reminder_followup_days": (1, 90),
    "rectification_limit_workdays": (1, 60), "rectification_revisit_days": (0, 60),
    "weekly_contact_cap": (1, 50), "monthly_contact_cap": (1, 200), "sms_price": (0, 10),
}
# Each word a choice setting accepts → the word it stands for (the Chinese one, which the code compares against).
CHOICES = {
    "send_channel": {"邮件": "邮件", "email": "邮件", "短信": "短信", "sms": "短信", "短信优先": "短信优先", "sms_first": "短信优先"},
    "sms_provider": {"阿里云": "阿里云", "aliyun": "阿里云", "腾讯云": "腾讯云", "tencent": "腾讯云"},
    "marketing_needs_consent": {"是": "是", "yes": "是", "否": "否", "no": "否"},
}
EMAIL, SMS, SMS_FIRST = "邮件", "短信", "短信优先"


class OutOfRange(ValueError):
    pass


def _convert(name: str, default, raw: str):
    if isinstance(default, float):
        number = float(raw)
        low, high = RANGES.get(name, (0, 10**9))
        if not low <= number <= high:
            raise OutOfRange(raw)
        return number
    if name in CHOICES:
        return CHOICES[name][raw.lower() if raw.isascii() else raw]
    if name == "group_store" and re.match(r"postgres(ql)?://[^/@]*:[^/@]*@", raw):
        raise ValueError(raw)  # a password in the workbook: every clerk could read it
    if name == "group_store":
        from .group.store import names_a_workbook

        if names_a_workbook(raw):
            raise ValueError(raw)  # the store is never a workbook: the push would fail every day
    if name == "send_hours":
        send_window(raw)
        return raw
    if isinstance(default, int):
        number = float(raw)
        if not number.is_integer() or number < 0:
            raise ValueError(raw)
        low, high = RANGES.get(name, (0, 10**9))
        if not low <= number <= high:
            raise OutOfRange(raw)
        return int(number)
    if name == "send_time":
        dt.datetime.strptime(raw, "%H:%M")
        return raw
    if name == "lang" and raw not in LANGS:
        raise ValueError(raw)
    if name == "timezone":
        from zoneinfo import ZoneInfo

        ZoneInfo(raw)
    if name == "tier_thresholds":
        tier_threshold_list(raw)
    if name in ("sales_documents", "service_documents"):
        from .rules.documents import requirements

        requirements(raw)
    if name == "vip_tiers" and not name_list(raw):
        raise ValueError(raw)
    return raw


def send_window(text: str) -> tuple[dt.time, dt.time]:
    """(start, end) from "08:00-21:00" (also with ～ or —)."""
    match = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*[-~～—至]\s*(\d{1,2}:\d{2})\s*", text)
    if not match:
        raise ValueError(text)
    start, end = (dt.datetime.strptime(part, "%H:%M").time() for part in match.groups())
    if start >= end:
        raise ValueError(text)
    return start, end


def name_list(text: str) -> list[str]:
    """Names separated by 、 , ， ; ；"""
    return [part.strip() for part in re.split(r"[、,，;；]", text) if part.strip()]


def tier_threshold_list(text: str) -> list[tuple[str, float]]:
    """(tier, threshold) pairs, lowest threshold first, from "普通会员 0；银卡会员 5000；…"."""
    pairs = []
    for part in re.split(r"[;；\n]", text):
        if not part.strip():
            continue
        match = re.fullmatch(r"\s*(.+?)\s*[:：=\s]\s*([\d.]+)\s*", part)
        if not match:
            raise ValueError(part)
        pairs.append((match.group(1), float(match.group(2))))
    if not pairs:
        raise ValueError(text)
    return sorted(pairs, key=lambda pair: pair[1])


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
        except OutOfRange:
            low, high = RANGES[f.name]
            problems.append(Problem(sheet_name, row, value_header, raw, t("setting_out_of_range", lang, low=low, high=high, default=f.default)))
        except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            problems.append(Problem(sheet_name, row, value_header, raw, t("bad_setting", lang, default=f.default)))
    settings = replace(Settings(), **values)
    if settings.birthday_min_days > settings.birthday_max_days:
        settings = replace(settings, birthday_min_days=settings.birthday_max_days)
    if settings.followup_3dc_start_days > settings.followup_3dc_end_days:
        settings = replace(settings, followup_3dc_end_days=settings.followup_3dc_start_days)
    return settings, problems
