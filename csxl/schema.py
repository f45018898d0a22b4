"""Every sheet of the workbook, declared once.

This is the only module that spells sheet names and column headers.  Code
elsewhere refers to columns by their key (the English alias, e.g.
``customer_id``); readers accept the Chinese header or the key, in any order,
and writers use the header of the workbook's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ColumnType(Enum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    SCORE = "score"  # whole number 1–10
    YESNO = "yesno"
    CHOICE = "choice"
    # generated report figures
    PERCENT = "percent"  # a rate stored as a fraction, shown as a percentage
    DECIMAL = "decimal"  # an amount or an average, shown with 2 decimals
    FIGURE = "figure"  # a count or a rate, per row (the monthly report): percent where the row says so
    DATETIME = "datetime"  # a moment, local time (generated tabs only)


NUMERIC_TYPES = (ColumnType.NUMBER, ColumnType.SCORE, ColumnType.PERCENT, ColumnType.DECIMAL, ColumnType.FIGURE)


@dataclass(frozen=True)
class Choice:
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()

    def spellings(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.synonyms)

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


YES = Choice("是", "yes", ("y", "true", "1", "√", "✓", "对"))
NO = Choice("否", "no", ("n", "false", "0", "×", "✗", "不"))
YES_NO = (YES, NO)


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    choices: tuple[Choice, ...] = ()
    width: int = 14
    help_zh: str = ""
    blank_means_no: bool = True  # YESNO only: an empty cell reads as 否 (else it stays empty: "not asked")

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.key

    def width_for(self, lang: str) -> float:
        """The column's width, wide enough for its header in ``lang`` (a Chinese character takes two)."""
        header = self.header(lang)
        needed = sum(2 if ord(ch) > 0x2E80 else 1 for ch in header) + 3  # room for the filter button
        return max(self.width, needed)

    def spellings(self) -> tuple[str, ...]:
        return (self.zh, self.key)


@dataclass(frozen=True)
class Reference:
    """``column`` of this sheet must name an existing ``target_sheet.target_column``."""

    column: str
    target_sheet: str
    target_column: str


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    id_keys: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    generated: bool = False
    _by_key: dict = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_key", {c.key: c for c in self.columns})

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def spellings(self) -> tuple[str, ...]:
        return (self.zh, self.en, self.key)

    def column(self, key: str) -> Column:
        return self._by_key[key]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def headers(self, lang: str) -> list[str]:
        return [c.header(lang) for c in self.columns]


T = ColumnType


def _choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(zh, en) for zh, en in pairs)


VISIT_KINDS = _choices(
    ("7DC", "7dc"), ("3DC", "3dc"), ("月回访", "monthly"), ("年回访", "yearly"),
    ("季度回访", "quarterly"), ("生日", "birthday"), ("节日", "holiday"),
)
SERVICE_KINDS = _choices(("保养", "maintenance"), ("维修", "repair"), ("事故", "accident"), ("索赔", "warranty"))
OUTLET_LEVELS = _choices(("一级", "first"), ("二级", "second"))
GENDERS = _choices(("男", "male"), ("女", "female"))
VISIT_RESULTS = _choices(("成功", "reached"), ("未接通", "no answer"), ("拒访", "refused"))
COMPLAINT_CHANNELS = _choices(
    ("信函", "letter"), ("电话", "phone"), ("来店", "in store"), ("网络", "online"),
    ("厂家", "manufacturer"), ("消协", "consumer association"), ("媒体", "media"),
)
COMPLAINT_CATEGORIES = _choices(
    ("服务质量", "service quality"), ("售后索赔", "warranty claim"), ("产品质量", "product quality"),
    ("维修技术", "repair workmanship"), ("配件供应", "parts supply"), ("配件价格", "parts price"),
    ("配件质量", "parts quality"), ("新车销售", "new car sales"),
)
SEVERITIES = _choices(("一般", "normal"), ("重大", "major"))
COMPLAINT_STATUSES = _choices(("待处理", "open"), ("处理中", "in progress"), ("已解决", "resolved"), ("已关闭", "closed"))
CLOSED_STATUSES = ("已解决", "已关闭")
HANDOVER_EVENTS = _choices(("新车交车", "new car delivery"), ("维修交车", "repair delivery"))
WORKDAY_KINDS = _choices(("上班", "workday"), ("放假", "holiday"))

DUE_KINDS = _choices(
    ("7DC回访", "7DC follow-up"), ("3DC回访", "3DC follow-up"), ("月回访", "monthly follow-up"),
    ("年回访", "yearly follow-up"), ("季度回访", "quarterly follow-up"), ("生日关怀", "birthday greeting"),
    ("节日问候", "holiday greeting"), ("保养提醒", "maintenance reminder"), ("年审提醒", "inspection reminder"),
    ("续保提醒", "insurance reminder"), ("车船税提醒", "vehicle tax reminder"),
    ("资料交接超期", "overdue hand-over"), ("投诉超期", "overdue complaint"),
    ("投诉待确认", "complaint to confirm"), ("投诉待反馈", "complaint feedback due"),
    # retention (SPEC 5.7)
    ("首保提醒", "first service reminder"), ("质保到期", "warranty expiry"),
    ("维修建议跟进", "declined work follow-up"), ("提醒后未回厂", "no visit after reminder"),
    # a customer replied TD to an SMS (SPEC 5.5): tick 拒收提醒 on 客户档案
    ("标记拒收", "mark opted out"),
    # a low-score visit not rectified in time; a rectified one whose customer is to be called back
    ("整改超期", "overdue rectification"), ("整改复访", "rectification call-back"),
)

# Visit kinds that are follow-up calls (tasks with a due date), in report order.
FOLLOWUP_VISIT_KINDS = ("7DC", "3DC", "月回访", "年回访", "季度回访")
# A follow-up call with one of these results completes the task (blank counts as 成功).
DONE_RESULTS = ("成功", "拒访")
NO_ANSWER = "未接通"

SCORE_COLUMNS = ("overall", "reliability", "responsiveness", "assurance", "empathy", "tangibles")


def _yesno(key: str, zh: str, help_zh: str = "", blank_means_no: bool = True) -> Column:
    return Column(key, zh, T.YESNO, choices=YES_NO, width=10, help_zh=help_zh, blank_means_no=blank_means_no)


def _date(key: str, zh: str, required: bool = False) -> Column:
    return Column(key, zh, T.DATE, required=required, width=12)


CUSTOMERS = Sheet(
    "customers", "客户档案", "Customers",
    (
        Column("customer_id", "客户编号", required=True, width=12),
        Column("name", "姓名", required=True, width=12),
        Column("gender", "性别", T.CHOICE, choices=GENDERS, width=8),
        _date("birthday", "生日"),
        _yesno("lunar_birthday", "农历生日", "是：按农历过生日"),
        Column("phone", "手机", width=15),
        Column("email", "邮箱", width=24),
        Column("address", "地址", width=30),
        Column("member_tier", "会员等级", width=10),
        Column("branch", "来源网点", width=12),
        _yesno("opt_out", "拒收提醒", "是：不发送任何消息"),
        _yesno("opt_out_greetings", "拒收问候", "是：不发生日/节日问候，到期提醒照发"),
        _yesno("consent", "营销同意", "是：同意接收生日、节日等营销消息；未问过就留空", blank_means_no=False),
        Column("churn_reason", "流失原因", width=16),
        Column("notes", "备注", width=24),
    ),
    id_keys=("customer_id",),
)

VEHICLES = Sheet(
    "vehicles", "车辆档案", "Vehicles",
    (
        Column("vin", "车架号", required=True, width=20),
        Column("plate", "车牌号", width=12),
        Column("customer_id", "客户编号", required=True, width=12),
        Column("model", "车型", width=14),
        _date("delivery_date", "提车日期"),
        Column("outlet_level", "销售网点级别", T.CHOICE, choices=OUTLET_LEVELS, width=12),
        _date("invoice_date", "开票日期"),
        Column("price", "购车金额", T.NUMBER, width=12),
        _date("insurance_due", "保险到期"),
        _date("inspection_due", "年审到期"),
        _date("maintenance_due", "下次保养日期"),
        _date("vehicle_tax_due", "车船税到期"),
        _date("warranty_due", "质保到期"),
    ),
    id_keys=("vin",),
    references=(Reference("customer_id", "customers", "customer_id"),),
)

SERVICES = Sheet(
    "services", "维修记录", "Services",
    (
        Column("order_no", "工单号", required=True, width=14),
        Column("vin", "车架号", required=True, width=20),
        _date("date_in", "进厂日期"),
        _date("date_out", "交车日期"),
        Column("kind", "类型", T.CHOICE, choices=SERVICE_KINDS, width=8),
        Column("amount", "金额", T.NUMBER, width=10),
        Column("advisor", "服务顾问", width=10),
        Column("mileage", "里程", T.NUMBER, width=10, help_zh="进厂时的公里数"),
        Column("recommended", "建议项目", width=20, help_zh="建议了但客户这次没做的项目，如 刹车片、轮胎"),
    ),
    id_keys=("order_no",),
    references=(Reference("vin", "vehicles", "vin"),),
)

VISITS = Sheet(
    "visits", "回访记录", "Visits",
    (
        _date("visit_date", "回访日期", required=True),
        Column("customer_id", "客户编号", width=12),
        Column("vin", "车架号", width=20),
        Column("kind", "回访类型", T.CHOICE, required=True, choices=VISIT_KINDS, width=10),
        Column("order_no", "工单号", width=14),
        Column("staff", "回访人", width=10),
        Column("result", "结果", T.CHOICE, choices=VISIT_RESULTS, width=8),
        Column("overall", "总体满意度", T.SCORE, width=10),
        Column("reliability", "可靠性", T.SCORE, width=8),
        Column("responsiveness", "响应速度", T.SCORE, width=8),
        Column("assurance", "专业能力", T.SCORE, width=8),
        Column("empathy", "服务态度", T.SCORE, width=8),
        Column("tangibles", "环境设施", T.SCORE, width=8),
        Column("comment", "意见", width=30),
        _yesno("needs_action", "需整改"),
    ),
    references=(
        Reference("customer_id", "customers", "customer_id"),
        Reference("vin", "vehicles", "vin"),
    ),
)

COMPLAINTS = Sheet(
    "complaints", "投诉记录", "Complaints",
    (
        Column("complaint_id", "投诉编号", required=True, width=12),
        _date("received_date", "受理日期", required=True),
        Column("customer_id", "客户编号", width=12),
        Column("vin", "车架号", width=20),
        Column("channel", "渠道", T.CHOICE, choices=COMPLAINT_CHANNELS, width=8),
        Column("category", "类别", T.CHOICE, choices=COMPLAINT_CATEGORIES, width=10),
        Column("severity", "级别", T.CHOICE, choices=SEVERITIES, width=8),
        Column("department", "责任部门", width=10),
        Column("status", "状态", T.CHOICE, choices=COMPLAINT_STATUSES, width=8),
        _date("due_date", "处理时限"),
        Column("resolution", "处理结果", width=30),
        _date("feedback_date", "反馈日期"),
        _yesno("satisfied", "客户满意", "是/否；未问过客户就留空", blank_means_no=False),
        _date("confirmed_date", "确认日期"),
        _date("closed_date", "结案日期"),
        Column("content", "投诉内容", width=40, help_zh="客户反映的问题：原话或要点，印在《客户投诉处理表》上"),
    ),
    id_keys=("complaint_id",),
    references=(
        Reference("customer_id", "customers", "customer_id"),
        Reference("vin", "vehicles", "vin"),
    ),
)

HANDOVER = Sheet(
    "handover", "资料交接", "Handover",
    (
        Column("vin", "车架号", required=True, width=20),
        Column("event", "事项", T.CHOICE, required=True, choices=HANDOVER_EVENTS, width=10),
        _date("event_date", "事项日期", required=True),
        _date("submitted_date", "交接日期"),
        Column("clerk", "经办人", width=10),
        Column("documents", "已交资料", width=40,
               help_zh="交来的资料，用、分隔或每行一项（名称同设置的新车交车资料/维修交车资料）；留空表示未逐项登记"),
    ),
    references=(Reference("vin", "vehicles", "vin"),),
)

RECTIFICATION_STATES = _choices(("待分派", "to assign"), ("整改中", "in progress"), ("已整改", "rectified"), ("已复访", "called back"))
REVISIT_RESULTS = _choices(("满意", "satisfied"), ("不满意", "not satisfied"))

RECTIFICATION_LOG = Sheet(
    "rectification_log", "整改记录", "Rectification log",
    (
        _date("visit_date", "回访日期", required=True),
        Column("vin", "车架号", required=True, width=20),
        Column("kind", "回访类型", T.CHOICE, required=True, choices=VISIT_KINDS, width=10,
               help_zh="回访日期、车架号和回访类型一起指明这条整改回应的是哪次回访"),
        Column("department", "责任部门", width=12),
        Column("action", "整改措施", width=36),
        _date("done_date", "完成日期"),
        _date("revisit_date", "复访日期"),
        Column("revisit_result", "复访结果", T.CHOICE, choices=REVISIT_RESULTS, width=10),
    ),
    references=(Reference("vin", "vehicles", "vin"),),
)

SETTINGS = Sheet(
    "settings", "设置", "Settings",
    (
        Column("key", "设置项", required=True, width=22),
        Column("value", "值", width=16),
        Column("description", "说明", width=60),
    ),
    id_keys=("key",),
)

WORKDAY_ADJUSTMENTS = Sheet(
    "workday_adjustments", "工作日调整", "Workday adjustments",
    (
        _date("date", "日期", required=True),
        Column("kind", "类型", T.CHOICE, required=True, choices=WORKDAY_KINDS, width=8),
        Column("note", "说明", width=30),
    ),
    id_keys=("date",),
)

DUE = Sheet(
    "due", "今日待办", "Due today",
    (
        Column("kind", "事项类型", T.CHOICE, choices=DUE_KINDS, width=14),
        Column("customer_id", "客户编号", width=12),
        Column("name", "姓名", width=10),
        Column("phone", "手机", width=15),
        Column("plate", "车牌号", width=12),
        Column("vin", "车架号", width=20),
        _date("due_date", "应办日期"),
        Column("days_overdue", "逾期天数", T.NUMBER, width=10),
        Column("note", "说明", width=40),
    ),
    generated=True,
)

PROBLEMS = Sheet(
    "problems", "数据问题", "Data problems",
    (
        Column("sheet", "工作表", width=12),
        Column("row", "行", T.NUMBER, width=8),
        Column("column", "列", width=14),
        Column("value", "值", width=24),
        Column("message", "问题", width=60),
    ),
    generated=True,
)

MESSAGE_KINDS = _choices(
    ("生日关怀", "birthday greeting"), ("节日问候", "holiday greeting"), ("保养提醒", "maintenance reminder"),
    ("年审提醒", "inspection reminder"), ("续保提醒", "insurance reminder"), ("车船税提醒", "vehicle tax reminder"),
    ("首保提醒", "first service reminder"), ("质保到期", "warranty expiry"),
)
GREETING_HOLIDAYS = _choices(
    ("元旦", "new year"), ("春节", "spring festival"), ("情人节", "valentine's day"),
    ("劳动节", "labour day"), ("中秋节", "mid-autumn festival"), ("国庆节", "national day"),
)
SEND_STATES = _choices(("待发送", "pending"), ("已发送", "sent"), ("失败", "failed"), ("跳过", "skipped"))
# What the provider's delivery receipt said about a sent SMS (SPEC 5.5).
DELIVERY_STATES = _choices(("已送达", "delivered"), ("发送失败", "not delivered"), ("未知", "unknown"))

TEMPLATES = Sheet(
    "templates", "消息模板", "Message templates",
    (
        Column("kind", "事项类型", T.CHOICE, required=True, choices=MESSAGE_KINDS, width=14),
        Column("holiday", "节日", T.CHOICE, choices=GREETING_HOLIDAYS, width=10,
               help_zh="只用于节日问候：留空表示所有节日通用"),
        Column("subject", "主题", required=True, width=36),
        Column("body", "正文", required=True, width=80,
               help_zh="可用占位符：{{姓名}} {{称呼}} {{车牌号}} {{车型}} {{到期日期}} {{节日}} {{日期}} {{门店}}"),
        Column("sms_template_id", "短信模板编号", width=16,
               help_zh="服务商审核通过的短信模板编号（阿里云 SMS_开头，腾讯云为数字）；正文须与审核通过的模板一致"),
    ),
)

SENT_LOG = Sheet(
    "sent_log", "发送记录", "Sent log",
    (
        Column("updated_at", "时间", T.DATETIME, width=17),
        Column("customer_id", "客户编号", width=12),
        Column("vin", "车架号", width=20),
        Column("kind", "事项类型", T.CHOICE, choices=MESSAGE_KINDS, width=12),
        _date("occasion", "场合日期"),
        Column("channel", "渠道", width=8),
        Column("state", "状态", T.CHOICE, choices=SEND_STATES, width=8),
        Column("delivery", "送达", T.CHOICE, choices=DELIVERY_STATES, width=8),
        Column("reason", "原因", width=30),
        Column("subject", "主题", width=36),
        Column("attempts", "尝试次数", T.NUMBER, width=8),
    ),
    generated=True,
)

# Generated report tabs (SPEC 5.4) ----------------------------------------------------------

REPORT_VISIT_KINDS = (*(c for c in VISIT_KINDS if c.zh in ("7DC", "3DC", "月回访", "年回访", "季度回访")), Choice("合计", "total"))
TOTAL = "合计"
ALL = Choice("全部", "all")
# 维度 labels of the analysis tabs that are not a column's header
AGE_BAND_DIMENSION = Choice("年龄段", "age band")
SERVICE_KIND_DIMENSION = Choice("维修类型", "service kind")
CAR_AGE_DIMENSION = Choice("车龄", "car age")
MONTH_DIMENSION = Choice("受理月份", "month")
AGE_BANDS = _choices(("30岁以下", "under 30"), ("30-39岁", "30-39"), ("40-49岁", "40-49"), ("50-59岁", "50-59"),
                     ("60岁及以上", "60 and over"), ("未知", "unknown"))
# 车龄 at the as-of day: (label, upper bound in whole years, exclusive)
CAR_AGE_BANDS = _choices(("1年内", "under 1 year"), ("1-2年", "1-2 years"), ("2-3年", "2-3 years"), ("3-5年", "3-5 years"),
                         ("5年以上", "over 5 years"))
CAR_AGE_LIMITS = (1, 2, 3, 5)


def _count(key: str, zh: str, width: int = 9) -> Column:
    return Column(key, zh, T.NUMBER, width=width)


def _rate(key: str, zh: str, width: int = 9) -> Column:
    return Column(key, zh, T.PERCENT, width=width)


def _decimal(key: str, zh: str, width: int = 11) -> Column:
    return Column(key, zh, T.DECIMAL, width=width)


def _followup_report(key: str, zh: str) -> Sheet:
    return Sheet(
        key, zh, key,
        (
            Column("period", "周期", width=11),
            Column("kind", "回访类型", T.CHOICE, choices=REPORT_VISIT_KINDS, width=10),
            _count("due", "应回访"), _count("done", "已完成"), _count("on_time", "按时完成"),
            _rate("completion_rate", "完成率"), _rate("on_time_rate", "按时率"),
            _count("calls", "回访次数"), _count("reached", "成功"), _count("no_answer", "未接通"), _count("refused", "拒访"),
            _rate("reach_rate", "接通率"),
            *(_decimal(c.key, c.zh, 10) for c in VISITS.columns if c.type is T.SCORE),
            _count("low_scores", "低分数"),
        ),
        generated=True,
    )


def _who_columns() -> tuple[Column, ...]:
    """Whom to call about a listed visit or order: the customer, the phone, the car, the order."""
    return (
        Column("customer_id", "客户编号", width=10),
        Column("name", "姓名", width=9),
        Column("phone", "手机", width=13),
        Column("plate", "车牌号", width=10),
        Column("vin", "车架号", width=19),
        Column("order_no", "工单号", width=12),
    )


FOLLOWUP_DAILY = _followup_report("followup_daily", "回访日报")
FOLLOWUP_WEEKLY = _followup_report("followup_weekly", "回访周报")
FOLLOWUP_MONTHLY = _followup_report("followup_monthly", "回访月报")

RECTIFICATION = Sheet(
    "rectification", "整改清单", "rectification",
    (
        _date("visit_date", "回访日期"),
        Column("kind", "回访类型", T.CHOICE, choices=VISIT_KINDS, width=9),
        *_who_columns(),
        Column("advisor", "服务顾问", width=9),
        Column("staff", "回访人", width=8),
        Column("low_items", "低分项", width=20),
        _count("lowest_score", "最低分", 7),
        Column("comment", "意见", width=28),
        _yesno("needs_action", "需整改"),
        Column("status", "状态", T.CHOICE, choices=RECTIFICATION_STATES, width=8),
        _yesno("overdue", "逾期"),
        Column("department", "责任部门", width=10),
    ),
    generated=True,
)

SAMPLING = Sheet(
    "sampling", "抽样回访", "sampling",
    (
        Column("reason", "抽样原因", width=20),
        *_who_columns(),
        _decimal("amount", "金额"),
        _date("date", "日期"),
        _yesno("visited", "已回访"),
    ),
    generated=True,
)

COMPLAINT_ANALYSIS = Sheet(
    "complaint_analysis", "投诉分析", "complaint_analysis",
    (
        Column("dimension", "维度", width=10),
        Column("value", "项目", width=12),
        _count("count", "投诉数"), _count("closed", "已结", 7), _count("open", "未结", 7), _count("overdue_open", "超期未结"),
        _decimal("avg_days", "平均处理天数", 12), _decimal("max_days", "最长处理天数", 12),
        _rate("on_time_rate", "按时结案率", 11), _rate("feedback_rate", "反馈率"), _rate("satisfied_rate", "满意率"),
    ),
    generated=True,
)

CUSTOMER_ANALYSIS = Sheet(
    "customer_analysis", "客户分析", "customer_analysis",
    (
        Column("dimension", "维度", width=10),
        Column("value", "项目", width=12),
        _count("customers", "客户数"), _rate("share", "占比", 8), _count("vehicles", "车辆数"), _count("orders", "工单数"),
        _decimal("amount", "工单金额", 14), _rate("amount_share", "金额占比"), _decimal("amount_per_customer", "客均金额", 12),
        _count("churn_risk", "流失风险数", 11), _rate("churn_rate", "流失率", 8), _rate("return_rate", "回厂率", 8),
    ),
    generated=True,
)

CUSTOMER_VALUE = Sheet(
    "customer_value", "客户价值", "customer_value",
    (
        Column("customer_id", "客户编号", width=10),
        Column("name", "姓名", width=9),
        Column("member_tier", "会员等级", width=10),
        Column("suggested_tier", "建议等级", width=10),
        _count("vehicles", "车辆数", 7), _count("orders", "工单数", 7),
        _decimal("amount", "工单金额", 12), _decimal("avg_order", "平均单次金额", 12),
        _decimal("orders_per_year", "年均到店次数", 12), _decimal("lifetime_value", "客户价值", 12),
        _date("first_seen", "首次到店"), _date("last_seen", "最近到店"),
        _yesno("churn_risk", "流失风险"),
        Column("churn_reason", "流失原因", width=14),
    ),
    generated=True,
)

MONTHLY_REPORT = Sheet(
    "monthly_report", "客服月报", "monthly_report",
    (
        Column("item", "项目", width=22),
        Column("this_month", "本月", T.FIGURE, width=12),
        Column("last_month", "上月", T.FIGURE, width=12),
        Column("change", "变化", T.FIGURE, width=12),
    ),
    generated=True,
)

REPORT_SHEETS = (
    FOLLOWUP_DAILY, FOLLOWUP_WEEKLY, FOLLOWUP_MONTHLY, RECTIFICATION, SAMPLING,
    COMPLAINT_ANALYSIS, CUSTOMER_ANALYSIS, CUSTOMER_VALUE, MONTHLY_REPORT,
)

# The group workbook (SPEC 5.6) ---------------------------------------------------------------

GROUP_BRANCH = Column("branch_code", "门店", width=10)
GROUP_TOTAL = Choice("合计", "group")


def with_branch(sheet: Sheet) -> Sheet:
    """A report tab of the group workbook: the branch's own tab with 门店 in front."""
    return Sheet(sheet.key, sheet.zh, sheet.en, (GROUP_BRANCH, *sheet.columns), generated=True)


BRANCH_COMPARISON = Sheet(
    "branch_comparison", "门店对比", "branch_comparison",
    (
        GROUP_BRANCH,
        _count("customers", "客户数", 8), _count("vehicles", "车辆数", 8), _count("shared_customers", "共享客户数", 10),
        _rate("rate_7dc", "7DC完成率"), _rate("rate_3dc", "3DC完成率"), _rate("on_time_rate", "按时率"),
        _decimal("overall", "平均总体满意度", 12), _count("overdue_complaints", "超期未结投诉", 12),
        _count("late_handovers", "资料交接逾期", 12), _rate("churn_rate", "流失率"), _rate("return_rate", "回厂率"),
        _count("problems", "数据问题数", 10), _date("as_of", "数据日期"), Column("loaded_at", "最近导入", T.DATETIME, width=17),
    ),
    generated=True,
)

INPUT_SHEETS = (CUSTOMERS, VEHICLES, SERVICES, VISITS, COMPLAINTS, HANDOVER, RECTIFICATION_LOG)
SCRIPT_PARTS = _choices(("开场", "opening"), ("问题", "question"), ("结束", "closing"))
SCORE_CHOICES = tuple(Choice(c.zh, c.key) for c in VISITS.columns if c.type is T.SCORE)

CALL_SCRIPTS = Sheet(
    "call_scripts", "回访话术", "Call scripts",
    (
        Column("kind", "回访类型", T.CHOICE, required=True, choices=VISIT_KINDS, width=10),
        Column("part", "环节", T.CHOICE, required=True, choices=SCRIPT_PARTS, width=8),
        Column("text", "内容", required=True, width=70),
        Column("score", "对应评分", T.CHOICE, choices=SCORE_CHOICES, width=12,
               help_zh="问题对应回访记录的哪一列评分（1–10 分）；开放式问题留空"),
    ),
)

CONFIG_SHEETS = (SETTINGS, WORKDAY_ADJUSTMENTS, TEMPLATES, CALL_SCRIPTS)
GENERATED_SHEETS = (DUE, PROBLEMS, SENT_LOG, *REPORT_SHEETS)
SHEETS = {s.key: s for s in (*INPUT_SHEETS, *CONFIG_SHEETS, *GENERATED_SHEETS)}
# The order of the sheets in a new workbook (and of the data problems about them).
SHEET_ORDER = (*INPUT_SHEETS, *GENERATED_SHEETS, *CONFIG_SHEETS)

LANGS = ("zh", "en")

# Not a sheet column: every frame read from a sheet carries the Excel row number each record came from.
ROW = "_row"


def sheet(key: str) -> Sheet:
    return SHEETS[key]


def choice_label(choices: tuple[Choice, ...], canonical: str, lang: str) -> str:
    """The label of a canonical (Chinese) choice value in ``lang``."""
    if lang == "zh":
        return canonical
    for c in choices:
        if c.zh == canonical:
            return c.en
    return canonical
