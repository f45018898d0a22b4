"""What each ribbon button does, over any `BookAdapter`; each ends with one sentence for the clerk."""

from __future__ import annotations

import logging
from pathlib import Path

from .. import clock
from ..errors import CsxlError
from .actions import ACTIONS
from .book import BookAdapter

log = logging.getLogger("csxl.excel")

# How long a click waits for the scheduler (or a colleague's click) to finish with the same workbook.
LOCK_WAIT_SECONDS = 15
MAX_LINES = 25  # what fits a message box


WORKING = "客服助手：正在处理，请稍候…"
UNSAVED_NOTE = "（工作簿还没有保存：保存后才有发送记录和已发消息的统计）"


def run_action(action: str, book: BookAdapter) -> str:
    """Run one ribbon action; any failure becomes one sentence for the clerk and a traceback in csxl.log.

    Nothing raises past this function: a click must never end in a traceback dialog.
    """
    lang = "zh"
    where = None
    try:
        where = _start_log(book.path)
        function = ACTIONS.get(action)
        if function is None:
            raise KeyError(action)
        book.working(WORKING)
        message = globals()[function](book)
    except CsxlError as exc:
        message = exc.message(lang)
        log.warning("%s: %s", action, exc.message("en"))
    except Exception:  # noqa: BLE001 - a clerk gets a sentence, never a traceback dialog
        log.exception("ribbon action %s failed", action)
        message = f"操作未完成：出现了意外错误，详情已写入日志 {where}" if where else "操作未完成：出现了意外错误"
    try:
        book.say(message, "客服助手")
    except Exception:  # noqa: BLE001 - Excel busy or closing: the log still has it
        log.exception("could not show the result of %s", action)
    return message


def _start_log(path: Path | None) -> Path | None:
    """Log to csxl.log beside the workbook (a click has no console), or in the user's csxl folder for an unsaved one.

    Returns the log file, or None when no log could be opened (a read-only folder): the click goes on without one.
    """
    from ..logs import log_path, setup_log_file
    from .addin import user_folder

    wanted = log_path(path) if path is not None else user_folder() / "csxl.log"
    try:
        if not any(getattr(h, "baseFilename", None) == str(wanted.resolve()) for h in logging.getLogger("csxl").handlers):
            wanted.parent.mkdir(parents=True, exist_ok=True)
            setup_log_file(wanted, to_stderr=False)
    except OSError:
        return None
    return wanted


def _saved(book: BookAdapter) -> None:
    """Actions that write beside the workbook (journal, outbox, report files) need it saved somewhere."""
    from ..errors import NotSaved

    if book.path is None:
        raise NotSaved("")


def _read(book: BookAdapter):
    from ..workbook.reader import read_values_book

    return read_values_book(book.path, book.sheet_names(), book.sheet_rows, book.date1904())


def _today(data) -> object:
    return clock.today(data.settings.timezone)


def _write(book: BookAdapter, tabs: dict, data) -> None:
    from ..jobs import report_charts

    book.write_tabs(tabs, data.lang, report_charts(tabs, data.lang))


def _locked(book: BookAdapter):
    from ..workbook.lock import workbook_lock

    return workbook_lock(book.path, wait_seconds=LOCK_WAIT_SECONDS)


# the actions ---------------------------------------------------------------

def refresh_all(book: BookAdapter) -> str:
    from ..jobs import compute_due, compute_reports, sent_log_tab, journal_facts
    from ..problems import problems_frame
    from ..schema import DUE, PROBLEMS

    with _locked(book):
        data = _read(book)
        today = _today(data)
        result = compute_due(data, today, journal_facts(book.path))
        tabs = {DUE: result.due, PROBLEMS: problems_frame(result.problems), **sent_log_tab(data)}
        tabs.update(compute_reports(data, today, tasks=result.tasks))
        _write(book, tabs, data)
    book.show(DUE.name(data.lang))
    unsaved = UNSAVED_NOTE if book.path is None else ""
    return f"已刷新（{today}）：今日待办 {len(result.due)} 项，数据问题 {len(result.problems)} 个，报表 {len(tabs) - 2} 张{unsaved}"


def refresh_due(book: BookAdapter) -> str:
    from ..jobs import compute_due, journal_facts
    from ..problems import problems_frame
    from ..schema import DUE, PROBLEMS

    with _locked(book):
        data = _read(book)
        result = compute_due(data, _today(data), journal_facts(book.path))
        _write(book, {DUE: result.due, PROBLEMS: problems_frame(result.problems)}, data)
    book.show(DUE.name(data.lang))
    return f"今日待办 {len(result.due)} 项（{_today(data)}）"


def check_data(book: BookAdapter) -> str:
    from ..jobs import compute_due
    from ..problems import problems_frame
    from ..schema import PROBLEMS

    with _locked(book):
        data = _read(book)
        problems = compute_due(data, _today(data)).problems
        _write(book, {PROBLEMS: problems_frame(problems)}, data)
    book.show(PROBLEMS.name(data.lang))
    if not problems:
        return "没有数据问题"
    first = "\n".join(str(p) for p in problems[:10])
    more = f"\n… 另有 {len(problems) - 10} 个，见「{PROBLEMS.name(data.lang)}」工作表" if len(problems) > 10 else ""
    return f"共 {len(problems)} 个数据问题：\n{first}{more}"


def find_customer(book: BookAdapter) -> str:
    from ..console import search_lines
    from ..search import search_customers

    text = book.ask("输入姓名、手机、车牌、车架号或客户编号：", "查找客户")
    if not text or not text.strip():
        return "已取消查找"
    data = _read(book)
    lines = search_lines(search_customers(data.frames["customers"], data.frames["vehicles"], text), "zh", limit=8)
    return "\n".join(lines[:MAX_LINES])


def customer_card(book: BookAdapter) -> str:
    from ..console import card_lines
    from ..messages.journal import Journal, journal_path
    from ..search import best_match
    from ..search import customer_card as card_of

    text = book.ask("输入客户编号、手机或车牌：", "客户档案卡")
    if not text or not text.strip():
        return "已取消"
    data = _read(book)
    customer, matches = best_match(data.frames["customers"], data.frames["vehicles"], text)
    card = None
    if customer is not None:
        messages = None
        if book.path is not None and journal_path(book.path).exists():
            with Journal.beside(book.path) as journal:
                messages = journal.frame()
        card = card_of(data.frames, customer, messages)
    lines = card_lines(card, matches, "zh")
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES] + [f"…（共 {len(lines)} 行，完整档案可用命令 csxl search --card 查看）"]
    return "\n".join(lines)


def send_reminders(book: BookAdapter) -> str:
    from ..jobs import remind
    from ..messages.config import load_config

    _saved(book)
    data = _read(book)
    today = _today(data)
    config = load_config(book.path, None)
    planned = remind(book.path, today, send=False, config=config, book=data)
    sends = [d for d in planned.decisions if d.action == "send"]
    if not sends:
        return f"{today} 没有需要发送的提醒"
    people = dict(zip(data.frames["customers"]["customer_id"], data.frames["customers"]["name"]))
    names = "、".join(dict.fromkeys(str(people.get(d.customer_id, d.customer_id)) for d in sends[:15]))
    more = f" 等 {len(sends)} 封" if len(sends) > 15 else f"，共 {len(sends)} 封"
    where = "、".join(sorted({"邮件服务器" if planned.channels[d.medium] == "smtp" else f"发件箱 {book.path.parent / 'outbox'}"
                              if planned.channels[d.medium] == "outbox" else "短信服务商" for d in sends}))
    if not book.confirm(f"将发送提醒给：{names}{more}\n发送到：{where}\n确定发送吗？", "发送提醒"):
        return "已取消，没有发送任何消息"
    result = remind(book.path, today, send=True, config=config, book=data)
    counts = result.counts or {}
    refresh_sent_log(book, data)
    return f"已发送 {counts.get('sent', 0)} 封，失败 {counts.get('failed', 0)}，跳过 {counts.get('skipped', 0)}"


def refresh_sent_log(book: BookAdapter, data=None) -> str:
    from ..jobs import sent_log_tab

    data = data or _read(book)
    tabs = sent_log_tab(data)
    if not tabs:
        return "还没有发送过消息"
    with _locked(book):
        _write(book, tabs, data)
    sheet = next(iter(tabs))
    book.show(sheet.name(data.lang))
    return f"发送记录 {len(tabs[sheet])} 条"


def monthly_report(book: BookAdapter) -> str:
    from ..jobs import monthly_report_book

    _saved(book)
    data = _read(book)
    out, _ = monthly_report_book(book.path, _today(data), book=data)
    return f"客服月报已生成：{out}"


def complaint_form(book: BookAdapter) -> str:
    from ..jobs import complaint_form as write_form

    _saved(book)
    text = book.ask("输入投诉编号：", "投诉处理单")
    if not text or not text.strip():
        return "已取消"
    data = _read(book)
    out = write_form(book.path, text.strip(), _today(data), book=data)
    return f"《客户投诉处理表》已生成：{out}（A4 一页，打开即可打印）"


def call_sheet(book: BookAdapter) -> str:
    from ..jobs import call_sheet as write_sheet

    _saved(book)
    data = _read(book)
    out, count = write_sheet(book.path, _today(data), book=data)
    return f"回访单已生成：{out}（{count} 通回访电话，A4，每位客户不跨页）"


def settings_help(book: BookAdapter) -> str:
    from ..settings import Settings

    lines = ["「设置」工作表的每一项（留空即用默认值）："]
    for entry in Settings.entries():
        lines.append(f"{entry.metadata['zh']}（默认 {entry.default}）：{entry.metadata['help_zh']}")
    where = _start_log(book.path)
    if where:
        lines.append(f"日志文件：{where}")
    return "\n".join(lines)
