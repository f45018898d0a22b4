"""Message templates: defaults per kind and language, the 消息模板 sheet's overrides, rendering.

Templates are Jinja2, sandboxed, with Chinese placeholders (``{{姓名}}``) or their
English twins (``{{name}}``).  A template naming an unknown placeholder, or
failing to parse, is a data problem and the built-in default is used instead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from ..i18n import t
from ..problems import Problem
from ..schema import TEMPLATES

# placeholder (Chinese) → its English twin
PLACEHOLDERS = {
    "姓名": "name", "称呼": "salutation", "车牌号": "plate", "车型": "model", "到期日期": "due_date",
    "节日": "holiday", "日期": "date", "门店": "branch",
}

_SIGN = {"zh": "\n\n{{门店}}客服中心", "en": "\n\n{{branch}} customer service"}
DEFAULTS: dict[str, dict[tuple[str, str | None], tuple[str, str]]] = {
    "zh": {
        ("生日关怀", None): ("{{门店}}祝您生日快乐", "尊敬的{{称呼}}：\n\n{{日期}}是您的生日，{{门店}}全体员工祝您生日快乐、阖家幸福！"),
        ("节日问候", None): ("{{门店}}祝您{{节日}}快乐", "尊敬的{{称呼}}：\n\n{{节日}}将至，{{门店}}祝您和家人节日快乐，出行平安！"),
        ("节日问候", "春节"): ("{{门店}}给您拜年了", "尊敬的{{称呼}}：\n\n新春将至，{{门店}}恭祝您新春快乐、万事如意！春节期间用车如需帮助，请随时联系我们。"),
        ("节日问候", "中秋节"): ("{{门店}}祝您中秋快乐", "尊敬的{{称呼}}：\n\n月圆人团圆，{{门店}}祝您中秋快乐，阖家安康！"),
        ("保养提醒", None): ("保养提醒：{{车牌号}}", "尊敬的{{称呼}}：\n\n您的爱车（{{车牌号}} {{车型}}）下次保养日期为 {{到期日期}}，请提前预约到店保养。"),
        ("年审提醒", None): ("年审提醒：{{车牌号}}", "尊敬的{{称呼}}：\n\n您的爱车（{{车牌号}}）年审将于 {{到期日期}} 到期，请及时安排检验。"),
        ("续保提醒", None): ("续保提醒：{{车牌号}}", "尊敬的{{称呼}}：\n\n您的爱车（{{车牌号}}）车险将于 {{到期日期}} 到期，请及时续保，我们可为您办理续保。"),
        ("车船税提醒", None): ("车船税提醒：{{车牌号}}", "尊敬的{{称呼}}：\n\n您的爱车（{{车牌号}}）车船税将于 {{到期日期}} 到期，请按时缴纳。"),
        ("首保提醒", None): ("首次保养提醒：{{车牌号}}", "尊敬的{{称呼}}：\n\n您的爱车（{{车牌号}} {{车型}}）首次保养时间为 {{到期日期}}，按时首保对质保很重要，请提前预约到店。"),
        ("质保到期", None): ("质保到期提醒：{{车牌号}}", "尊敬的{{称呼}}：\n\n您的爱车（{{车牌号}} {{车型}}）整车质保将于 {{到期日期}} 到期，到期前可到店免费检查，如有问题可在质保内处理。"),
    },
    "en": {
        ("生日关怀", None): ("Happy birthday from {{branch}}", "Dear {{name}},\n\nHappy birthday on {{date}}! Everyone at {{branch}} wishes you a wonderful year."),
        ("节日问候", None): ("Season's greetings: {{holiday}}", "Dear {{name}},\n\n{{branch}} wishes you and your family a happy {{holiday}} and safe travels."),
        ("节日问候", "春节"): ("Happy Spring Festival from {{branch}}", "Dear {{name}},\n\nAs the Spring Festival comes, {{branch}} wishes you a happy and prosperous new year! If you need help with your car over the holiday, call us any time."),
        ("节日问候", "中秋节"): ("Happy Mid-Autumn Festival", "Dear {{name}},\n\nUnder the full moon, {{branch}} wishes you and your family a happy Mid-Autumn Festival."),
        ("保养提醒", None): ("Maintenance due: {{plate}}", "Dear {{name}},\n\nYour {{model}} ({{plate}}) is due for maintenance on {{due_date}}. Please book a visit."),
        ("年审提醒", None): ("Inspection due: {{plate}}", "Dear {{name}},\n\nThe annual inspection of {{plate}} is due on {{due_date}}."),
        ("续保提醒", None): ("Insurance renewal: {{plate}}", "Dear {{name}},\n\nThe insurance of {{plate}} expires on {{due_date}}. We can renew it for you."),
        ("车船税提醒", None): ("Vehicle tax due: {{plate}}", "Dear {{name}},\n\nThe vehicle tax of {{plate}} is due on {{due_date}}."),
        ("首保提醒", None): ("First service due: {{plate}}", "Dear {{name}},\n\nYour {{model}} ({{plate}}) is due for its first service on {{due_date}}; keeping to it matters for the warranty. Please book a visit."),
        ("质保到期", None): ("Warranty ends: {{plate}}", "Dear {{name}},\n\nThe warranty of your {{model}} ({{plate}}) ends on {{due_date}}. Come in for a free check before then, so anything found is still covered."),
    },
}

MAX_TEXT = 20_000  # characters a subject or body may render to


# Filters that cannot make a text much longer than its input; the rest of Jinja's are not offered.
SAFE_FILTERS = ("upper", "lower", "title", "capitalize", "trim", "default", "d", "truncate", "striptags", "string")
# A message needs placeholders and perhaps an {% if %}: loops and macros could run for ever.
_UNSAFE_NODES = (nodes.For, nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.Call)


class _BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, tightened for a clerk's message template: no attribute or method access at all,
    no repetition past MAX_TEXT, only filters that keep a text about its size."""

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return False

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            raise SecurityError("powers are not allowed in message templates")
        sized = left if isinstance(left, (str, list, tuple)) else right if isinstance(right, (str, list, tuple)) else None
        times = right if sized is left else left
        if sized is not None and isinstance(times, int) and len(sized) * times > MAX_TEXT:
            raise SecurityError(f"the text would be longer than {MAX_TEXT} characters")
        return super().call_binop(context, operator, left, right)


_ENV = _BoundedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_ENV.filters = {name: _ENV.filters[name] for name in SAFE_FILTERS}


@functools.lru_cache(maxsize=256)
def _compiled(source: str):
    """A template compiled once per run, not once per customer (compiling costs a millisecond; rendering a few µs)."""
    return _ENV.from_string(source)


_SAMPLE = {**{k: "样例" for k in PLACEHOLDERS}, **{v: "sample" for v in PLACEHOLDERS.values()}}
_ALLOWED = set(PLACEHOLDERS) | set(PLACEHOLDERS.values())


@dataclass(frozen=True)
class Template:
    subject: str
    body: str
    sms_template_id: str = ""  # the provider-approved template this body is the text of


def default_rows(lang: str) -> list[dict]:
    """The 消息模板 rows ``init`` writes."""
    return [
        {"kind": kind, "holiday": holiday, "subject": subject, "body": body + _SIGN[lang]}
        for (kind, holiday), (subject, body) in DEFAULTS[lang].items()
    ]


@functools.lru_cache(maxsize=256)
def _problem_with(source: str) -> str | None:
    """Why a template cannot be used (None if it can): a syntax error, an unknown placeholder, or what a trial render hits.

    Remembered per text: a group load checks every branch's (mostly the same) 消息模板 in one worker."""
    try:
        tree = _ENV.parse(source)
        unknown = meta.find_undeclared_variables(tree) - _ALLOWED
    except TemplateSyntaxError as exc:
        return f"{exc.message}"
    if any(True for _ in tree.find_all(_UNSAFE_NODES)):
        return "loops, macros and calls are not allowed in message templates"
    if unknown:
        return ", ".join(sorted(unknown))
    try:
        text = _compiled(source).render(_SAMPLE)
    except Exception as exc:  # noqa: BLE001 - a template must become a data problem, never stop the run
        return str(exc)[:200]
    if len(text) > MAX_TEXT:
        return f"longer than {MAX_TEXT} characters"
    return None


class TemplateBook:
    """The template for each (kind, holiday): the sheet's when usable, else the default."""

    def __init__(self, lang: str, rows: pd.DataFrame | None = None, sheet_name: str = TEMPLATES.zh):
        self.lang = lang
        self.problems: list[Problem] = []
        self._templates = {key: Template(s, b + _SIGN[lang]) for key, (s, b) in DEFAULTS[lang].items()}
        if rows is None:
            return
        for _, row in rows.iterrows():
            holiday = None if pd.isna(row["holiday"]) else row["holiday"]
            broken = False
            for key in ("subject", "body"):
                trouble = _problem_with(row[key])
                if trouble:
                    broken = True
                    self.problems.append(Problem(
                        sheet_name, int(row["_row"]), TEMPLATES.column(key).header(lang), row[key],
                        t("bad_template", lang, detail=trouble, allowed=" ".join("{{%s}}" % p for p in PLACEHOLDERS)),
                    ))
            if not broken:
                sms_id = row.get("sms_template_id")
                self._templates[(row["kind"], holiday)] = Template(
                    row["subject"], row["body"], "" if sms_id is None or pd.isna(sms_id) else str(sms_id).strip())

    def template(self, kind: str, holiday: str | None = None) -> Template:
        return self._templates.get((kind, holiday)) or self._templates[(kind, None)]

    def render(self, kind: str, holiday: str | None, values: dict[str, str]) -> tuple[str, str, Template]:
        """(subject, body, the template used); ``values`` keyed by the Chinese placeholders."""
        context = {**values, **{PLACEHOLDERS[k]: v for k, v in values.items() if k in PLACEHOLDERS}}
        template = self.template(kind, holiday)
        try:
            subject = _compiled(template.subject).render(context)
            body = _compiled(template.body).render(context)
        except Exception:  # noqa: BLE001 - it passed its trial render; a customer's values broke it: send the default
            subject, body = DEFAULTS[self.lang].get((kind, holiday)) or DEFAULTS[self.lang][(kind, None)]
            template = Template(subject, body + _SIGN[self.lang])
            subject, body = _ENV.from_string(template.subject).render(context), _ENV.from_string(template.body).render(context)
        return " ".join(subject.split()), body, template
