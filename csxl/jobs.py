"""The jobs every face (CLI, scheduler, Excel ribbon) runs: read, compute, write."""

from __future__ import annotations

import datetime as dt
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .calendars.workdays import WorkCalendar
from .errors import BadMonth, BrokenWorkbook, CsxlError, ForeignWorkbook, LedgerNotReplaced, WriteFailed
from .files import new_file_mode, remove_leftovers, workbook_temp_prefix
from .i18n import t
from .messages.journal import Journal, journal_path
from .messages.sent_log import sent_log_frame
from .messages.templates import TemplateBook
from .problems import Problem, problems_frame
from .rules import due_today, message_items
from .rules.followups import followup_tasks
from .rules.retention import mileage_problems
from .reports import build_reports, charts_for, last_complete_month, management_report
from .schema import CUSTOMERS, DUE, HANDOVER, INPUT_SHEETS, RECTIFICATION_LOG, MONTHLY_REPORT, PROBLEMS, ROW, SENT_LOG, SERVICES, SHEET_ORDER, VISITS, ColumnType, Sheet
from .search import Card, best_match, customer_card, search_by_date, search_customers
from .workbook.lock import workbook_lock
from .workbook.package import Package, ensure_not_open
from .workbook.reader import Book, read_book
from .workbook.writer import find_sheet_name, write_generated

if TYPE_CHECKING:
    from .messages.config import MailConfig
    from .messages.plan import Decision

OUTBOX_FOLDER = "outbox"


@dataclass
class DueResult:
    book: Book
    due: pd.DataFrame
    problems: list[Problem]
    tasks: pd.DataFrame | None = None  # the follow-up tasks, which the reports count too


def _templates(book: Book) -> TemplateBook:
    return TemplateBook(book.lang, book.frames["templates"], book.sheet_name("templates"))


@dataclass(frozen=True)
class JournalFacts:
    """What the send journal beside a workbook tells the rules: messages sent, TD replies, numbers that cannot receive."""

    sent: pd.DataFrame | None = None
    opt_outs: pd.DataFrame | None = None
    bad_numbers: pd.DataFrame | None = None


def compute_due(book: Book, today: dt.date, facts: JournalFacts | None = None) -> DueResult:
    facts = facts or JournalFacts()
    calendar = WorkCalendar(book.workday_adjustments)
    tasks = followup_tasks(book.frames, book.settings, today)
    due = due_today(book.frames, book.settings, today, calendar, facts.sent, tasks, facts.opt_outs)
    problems = (list(book.problems) + _templates(book).problems + future_visits(book, today) + implausible_dates(book, today)
                + mileage_mistakes(book) + unknown_documents(book) + rectification_mistakes(book)
                + undeliverable_numbers(book, facts.bad_numbers))
    for year in sorted(calendar.fallback_years):
        problems.append(Problem(book.sheet_name("workday_adjustments"), None, None, None, t("calendar_fallback", book.lang, year=year)))
    return DueResult(book, due, sorted_problems(problems, book), tasks)


def future_visits(book: Book, today: dt.date) -> list[Problem]:
    """Visits dated after the as-of day are typing mistakes: they count for nothing (the rules ignore them) and are said."""
    visits = book.frames["visits"]
    late = visits["visit_date"] > pd.Timestamp(today)
    header = VISITS.column("visit_date").header(book.lang)
    return [Problem(book.sheet_name("visits"), int(row), header, f"{day:%Y-%m-%d}", t("future_visit", book.lang, today=today))
            for row, day in zip(visits.loc[late, ROW], visits.loc[late, "visit_date"])]


def undeliverable_numbers(book: Book, bad_numbers: pd.DataFrame | None) -> list[Problem]:
    """A 手机 an SMS receipt called 空号 or 停机, while the sheet still holds that number."""
    if bad_numbers is None or bad_numbers.empty:
        return []
    from .messages.addresses import mobile

    customers = book.frames["customers"]
    numbers = {cid: mobile(phone) for cid, phone in zip(customers["customer_id"], customers["phone"])}
    rows = dict(zip(customers["customer_id"], customers[ROW]))
    header = CUSTOMERS.column("phone").header(book.lang)
    phones = dict(zip(customers["customer_id"], customers["phone"]))
    return [Problem(book.sheet_name("customers"), int(rows[cid]), header, phones[cid], t("sms_undeliverable", book.lang, reason=reason))
            for cid, number, reason in zip(bad_numbers["customer_id"], bad_numbers["address"], bad_numbers["delivery_reason"])
            if cid in numbers and numbers[cid] == number]


def unknown_documents(book: Book) -> list[Problem]:
    """A 已交资料 name on neither of 设置's document lists for its event."""
    from .rules.documents import handed_over, unknown
    from .schema import HANDOVER_EVENTS, choice_label

    handover = book.frames["handover"]
    header = HANDOVER.column("documents").header(book.lang)
    separator = "、" if book.lang == "zh" else ", "
    found = []
    for row, event, cell in zip(handover[ROW], handover["event"], handover["documents"]):
        strange = unknown(book.settings.documents(event), handed_over(cell))
        if strange:
            found.append(Problem(book.sheet_name("handover"), int(row), header, cell, t(
                "unknown_document", book.lang, event=choice_label(HANDOVER_EVENTS, event, book.lang), names=separator.join(strange))))
    return found


def rectification_mistakes(book: Book) -> list[Problem]:
    """整改记录 rows that answer no visit, and call-backs dated before the rectification was done."""
    from .rules.rectification import orphan_records, revisit_before_done

    log, sheet = book.frames["rectification_log"], book.sheet_name("rectification_log")
    found = []
    for mask, column, message in ((orphan_records(log, book.frames["visits"]), "visit_date", "rectification_orphan"),
                                  (revisit_before_done(log), "revisit_date", "revisit_before_done")):
        header = RECTIFICATION_LOG.column(column).header(book.lang)
        found += [Problem(sheet, int(row), header, f"{day:%Y-%m-%d}", t(message, book.lang))
                  for row, day in zip(log.loc[mask, ROW], log.loc[mask, column])]
    return found


def mileage_mistakes(book: Book) -> list[Problem]:
    """里程 going backwards on a car, or above a million km: said, and left out of the maintenance prediction."""
    services = book.frames["services"]
    header = SERVICES.column("mileage").header(book.lang)
    found = []
    for mask, message in zip(mileage_problems(services), ("mileage_backwards", "mileage_too_high")):
        found += [Problem(book.sheet_name("services"), int(row), header, f"{km:.0f}", t(message, book.lang))
                  for row, km in zip(services.loc[mask, ROW], services.loc[mask, "mileage"])]
    return found


def implausible_dates(book: Book, today: dt.date) -> list[Problem]:
    """Dates no record can have: a birthday in the future or before 1900, a delivery before 1990 or over a year ahead,
    any other date before 1990 or more than 50 years ahead (9999-12-31, or a number like 2.5 read as 1900-01-02)."""
    now = pd.Timestamp(today)
    found = []
    for sheet in INPUT_SHEETS:
        frame = book.frames[sheet.key]
        for column in sheet.columns:
            if column.type is not ColumnType.DATE or column.key == "visit_date" and sheet.key == "visits":
                continue  # visits after today have their own problem
            if column.key == "birthday":
                low, high = pd.Timestamp("1900-01-01"), now
            elif column.key in ("delivery_date", "invoice_date"):
                low, high = pd.Timestamp("1990-01-01"), now + pd.Timedelta(days=365)
            else:
                low, high = pd.Timestamp("1990-01-01"), now + pd.DateOffset(years=50)
            values = frame[column.key]
            bad = values.notna() & ((values < low) | (values > high))
            message = t("implausible_date", book.lang, low=f"{low:%Y-%m-%d}", high=f"{high:%Y-%m-%d}")
            found += [Problem(book.sheet_name(sheet.key), int(row), column.header(book.lang), f"{day:%Y-%m-%d}", message)
                      for row, day in zip(frame.loc[bad, ROW], values[bad])]
    return found


def sorted_problems(problems: list[Problem], book: Book) -> list[Problem]:
    """In the order a clerk goes through the workbook: sheet by sheet, then row by row (whole-sheet problems first)."""
    order = {book.sheet_name(s.key): i for i, s in enumerate(SHEET_ORDER)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, len(order)), p.row or 0))


def check(path: Path, today: dt.date, progress=None) -> DueResult:
    return compute_due(read_book(path, progress), today, journal_facts(path))


def journal_facts(path: Path | None) -> JournalFacts:
    """What the journal beside the workbook knows (nothing: no journal, or a workbook never saved)."""
    if path is None or not journal_path(path).exists():
        return JournalFacts()
    with Journal.beside(path) as journal:
        return JournalFacts(journal.sent_frame(), journal.opt_outs(), journal.bad_numbers())


def compute_reports(book: Book, today: dt.date, month: str | None = None, progress=None, tasks=None) -> dict[Sheet, pd.DataFrame]:
    """Every report tab of SPEC 5.4 for ``book`` as of ``today`` (``tasks``: the follow-up tasks, if already computed)."""
    calendar = WorkCalendar(book.workday_adjustments)
    return build_reports(book.frames, book.settings, today, calendar, _sent_days(book.path), month, progress, tasks)


def sent_log_tab(book: Book) -> dict[Sheet, pd.DataFrame]:
    """The 发送记录 tab from the journal beside the workbook ({} when nothing was ever sent)."""
    if book.path is None or not journal_path(book.path).exists():
        return {}
    with Journal.beside(book.path) as journal:
        return {SENT_LOG: sent_log_frame(journal.frame(), book.lang, book.settings.timezone)}


def _sent_days(path: Path | None) -> pd.DataFrame | None:
    if path is None or not journal_path(path).exists():  # None: a workbook open in Excel, never saved
        return None
    with Journal.beside(path) as journal:
        return journal.sent_days()


def report_month(text: str | None, today: dt.date) -> str:
    """The 客服月报's month: ``YYYY-MM`` as given (not after today's month), else the last complete one."""
    if text is None:
        return last_complete_month(today)
    try:
        month = dt.datetime.strptime(text.strip(), "%Y-%m")
    except ValueError:
        raise BadMonth(text) from None
    if (month.year, month.month) > (today.year, today.month):
        raise BadMonth(text)
    return f"{month:%Y-%m}"


def monthly_report_book(
    path: Path, today: dt.date, month: str | None = None, out: Path | None = None, book: Book | None = None,
) -> tuple[Path, dict]:
    """Write the monthly report for management as a workbook of its own (default ``客服月报-YYYY-MM.xlsx`` beside ``path``).

    ``book``: the workbook as already read (the ribbon reads the open workbook's cells).
    """
    month = report_month(month, today)
    book = book or read_book(path)
    lang = book.lang
    tabs = management_report(book.frames, book.settings, today, WorkCalendar(book.workday_adjustments), _sent_days(path), month)
    out = Path(out) if out else Path(path).with_name(f"{MONTHLY_REPORT.name(lang)}-{month}.xlsx")
    return write_report_workbook(out, tabs, lang, f"{MONTHLY_REPORT.name(lang)} {month}"), tabs


def write_report_workbook(out: Path, tabs: dict[Sheet, pd.DataFrame], lang: str, title: str) -> Path:
    """A workbook of its own holding ``tabs`` with their charts, written whole or not at all."""
    from .workbook.template import build_report_shell

    def write(shell: Path) -> None:
        build_report_shell(shell, tuple(tabs), lang, title)
        write_generated(Package(shell), tabs, lang, report_charts(tabs, lang), keep_backup=False, print_charts=True)

    return _write_whole(out, write)


def report_charts(tabs: dict[Sheet, pd.DataFrame], lang: str) -> dict[Sheet, list]:
    return {sheet: charts_for(sheet, frame, lang) for sheet, frame in tabs.items()}


def refresh(path: Path, today: dt.date, progress=None, book: Book | None = None) -> tuple[DueResult, Path]:
    """Recompute and write the generated tabs (今日待办, 数据问题, 发送记录 and the reports); returns the result and the backup's path.

    ``book`` saves reading the file again when the caller just read it; if the
    file was saved since, the write refuses (`WorkbookChanged`) as always.
    ``progress`` is called with the name of each sheet read and each tab computed.
    """
    ensure_not_open(Path(path))  # refuse before doing any work
    with workbook_lock(Path(path)):
        remove_leftovers(Path(path))
        return _refresh(path, today, progress, book)


def _refresh(path: Path, today: dt.date, progress, book: Book | None) -> tuple[DueResult, Path]:
    book = book or read_book(path, progress)
    present = [e.name for e in book.package.sheets] if book.package else []
    if not any(find_sheet_name(present, sheet) for sheet in INPUT_SHEETS):
        raise ForeignWorkbook(path)
    result = compute_due(book, today, journal_facts(path))
    lang = result.book.lang
    generated = {DUE: result.due, PROBLEMS: problems_frame(result.problems), **sent_log_tab(result.book)}
    reports = compute_reports(result.book, today, progress=progress, tasks=result.tasks)
    generated.update(reports)
    backup = write_generated(result.book.package, generated, lang, report_charts(reports, lang))
    return result, backup


@dataclass
class RemindResult:
    book: Book
    days: list[dt.date]
    decisions: list[Decision]
    channels: dict[str, str]  # medium → the name of the channel it goes through
    counts: dict | None = None  # None for a dry run
    recovered: int = 0
    restored: int = 0  # messages the 发送记录 tab listed as sent, written back into a lost journal
    failure: str | None = None  # why the first message that failed did


def remind(
    path: Path,
    today: dt.date,
    send: bool = False,
    config: MailConfig | None = None,
    should_stop=lambda: False,
    sleep=None,
    progress=None,
    book: Book | None = None,
    scheduled: bool = False,
) -> RemindResult:
    """Plan the messages due since the last run and, with ``send``, send them exactly once.

    ``book`` is the workbook as already read (the ribbon reads the open workbook's cells); sending
    holds the workbook's lock, so the scheduler and a click never send at the same time.  ``scheduled``:
    the contact policy's sending window is judged at 设置 发送时间 rather than the clock's time (the demo).
    """
    if not send:
        return _remind(path, today, False, config, should_stop, sleep, progress, book, scheduled)
    with workbook_lock(Path(path), wait_seconds=0 if book is None else 15):
        remove_leftovers(Path(path), (config.outbox if config and config.outbox else Path(path).parent / OUTBOX_FOLDER))
        return _remind(path, today, True, config, should_stop, sleep, progress, book, scheduled)


def _remind(path, today, send, config, should_stop, sleep, progress, book, scheduled) -> RemindResult:
    import time

    # the sending machinery (SMTP, providers, the planner) is imported by the jobs that send, not by every refresh
    from .messages.channels import channels_for
    from .messages.config import MailConfig
    from .messages.dispatch import deliver_all, resolve_pending
    from .messages.plan import catch_up_days, plan_messages
    from .messages.policy import apply_contact_policy

    book = book or read_book(path)
    if send and book.unusable & {"customers", "vehicles"}:
        raise BrokenWorkbook(", ".join(book.sheet_name(k) for k in sorted(book.unusable)))
    config = config or MailConfig()
    settings = book.settings
    channels = channels_for(config, settings, Path(path).parent / OUTBOX_FOLDER, Path(path))
    restored = restore_journal(path) if send and not journal_path(path).exists() else 0
    # A dry run on a workbook that never sent anything leaves no journal file behind.
    fresh_dry_run = not send and not journal_path(path).exists()
    with (Journal(Path(":memory:")) if fresh_dry_run else Journal.beside(path)) as journal:
        recovered = resolve_pending(journal, channels) if send else 0
        days = catch_up_days(journal.last_completed_day(), journal.oldest_open_day(), today, settings.catch_up_max_days)
        sent = journal.sent_frame()
        per_day = [message_items(book.frames, settings, day, sent).assign(first_due=day) for day in days]
        items = pd.concat(per_day, ignore_index=True)
        replied = frozenset(journal.opt_outs()["customer_id"])
        decisions = plan_messages(items, _templates(book), settings, today, journal.states(), replied)
        decisions = apply_contact_policy(decisions, sent, settings, send_moment(today, settings, scheduled))
        result = RemindResult(book, days, decisions, {medium: channel.name for medium, channel in channels.items()},
                              recovered=recovered, restored=restored)
        if not send:
            return result
        run = journal.start_run(today)
        counts = deliver_all(
            decisions, journal, channels, settings.sender_name, config.sender,
            retries=config.retries, backoff_seconds=config.backoff_seconds,
            should_stop=should_stop, sleep=sleep or time.sleep, progress=progress,
        )
        if not counts.get("stopped"):
            journal.finish_run(run, counts.get("sent", 0), counts.get("failed", 0), counts.get("skipped", 0))
        result.counts = dict(counts)
        result.failure = counts.reason
        return result


def send_moment(today: dt.date, settings, scheduled: bool = False) -> dt.datetime:
    """The local moment a run sends at: now on the real today; a simulated day (``--today``), or a ``scheduled`` run,
    at 设置 发送时间 — or when 发送时段 opens if the send time lies outside it (a pretend day has no clock time of its own)."""
    from . import clock

    now = clock.now(settings.timezone)
    if today == now.date() and not scheduled:
        return now
    start, end = settings.send_window
    at = dt.datetime.strptime(settings.send_time, "%H:%M").time()
    at = at if start <= at <= end else start
    return now.replace(year=today.year, month=today.month, day=today.day, hour=at.hour, minute=at.minute, second=0, microsecond=0)


def restore_journal(path: Path) -> int:
    """Rebuild a lost journal from the 发送记录 tab: a message listed there as sent is never sent again."""
    from .workbook.reader import read_sent_log

    log = read_sent_log(path)
    sent = log[log["state"] == "已发送"]
    if sent.empty:
        return 0
    rows = [
        {"customer_id": r.customer_id, "vin": None if pd.isna(r.vin) else r.vin, "kind": r.kind, "occasion": r.occasion.date(),
         "channel": None, "subject": r.subject}
        for r in sent.itertuples()
    ]
    with Journal.beside(path) as journal:
        return journal.restore_sent(rows)


def search(path: Path, text: str):
    book = read_book(path)
    return search_customers(book.frames["customers"], book.frames["vehicles"], text)


def card(path: Path, text: str) -> tuple[Card | None, pd.DataFrame]:
    """The card of the one customer ``text`` names, or None and every match when it names several (or none)."""
    book = read_book(path)
    customer, matches = best_match(book.frames["customers"], book.frames["vehicles"], text)
    if customer is None:
        return None, matches
    messages = None
    if journal_path(path).exists():
        with Journal.beside(path) as journal:
            messages = journal.frame()
    return customer_card(book.frames, customer, messages), matches


def search_dates(path: Path, start: dt.date, end: dt.date, by: str) -> pd.DataFrame:
    return search_by_date(read_book(path).frames, start, end, by)


@dataclass
class ReceiptsResult:
    channel: str | None  # None: no SMS provider is set
    asked: int = 0  # messages still without a report before the pull
    delivered: int = 0
    undelivered: int = 0
    replies: int = 0  # new replies kept
    opt_outs: int = 0  # of them, customers asking for no more messages
    duplicates: int = 0  # reports and replies handled already (or not about a message csxl sent)


def receipts(path: Path, book: Book | None = None) -> ReceiptsResult:
    """Pull the SMS provider's delivery reports and replies into the journal (each handled once, however often it comes)."""
    from .messages.addresses import mobile
    from .errors import SmsProviderFailed
    from .messages.channels import PermanentSendError, SentRecord, TransientSendError
    from .messages.providers import is_opt_out, sms_provider

    book = book or read_book(path)
    if not book.settings.sms_provider:
        return ReceiptsResult(None)
    channel = sms_provider(book.settings)
    result = ReceiptsResult(channel.name)
    if not journal_path(path).exists():
        return result
    customers = book.frames["customers"]
    owners = {number: cid for cid, phone in zip(customers["customer_id"], customers["phone"]) if (number := mobile(phone))}
    with Journal.beside(path) as journal:
        records = [SentRecord(*row) for row in journal.awaiting_receipts(channel.name)]
        result.asked = len(records)
        try:
            channel.open()
            for receipt in channel.receipts(records):
                if not journal.record_receipt(receipt.ref, receipt.delivered, receipt.reason, receipt.bad_number):
                    result.duplicates += 1
                elif receipt.delivered:
                    result.delivered += 1
                else:
                    result.undelivered += 1
            known = journal.phone_owners()
            for reply in channel.replies():
                opt_out = is_opt_out(reply.text)
                customer = owners.get(reply.phone) or known.get(reply.phone)
                if journal.record_reply(reply.phone, reply.received_at, reply.text, customer, opt_out, channel.name):
                    result.replies += 1
                    result.opt_outs += opt_out
                else:
                    result.duplicates += 1
        except (TransientSendError, PermanentSendError) as exc:
            raise SmsProviderFailed(str(exc)) from exc
        finally:
            channel.close()
    return result


def complaint_form(path: Path, complaint_id: str, today: dt.date, out: Path | None = None, book: Book | None = None) -> Path:
    """The 《客户投诉处理表》 of one complaint as a one-page workbook (default ``投诉处理表-<id>.xlsx`` beside the workbook)."""
    from . import clock
    from .printouts.complaint_form import form_fields, write_form

    book = book or read_book(path)
    fields = form_fields(book.frames, book.settings, complaint_id, WorkCalendar(book.workday_adjustments), today)
    out = Path(out) if out else Path(path).with_name(f"投诉处理表-{fields['投诉编号']}.xlsx")
    return _write_whole(out, lambda temp: write_form(temp, fields, clock.now(book.settings.timezone)))


def _write_whole(out: Path, write) -> Path:
    """``write(temp)`` into a temp file beside ``out``, then moved over it: a reader never sees half a file.

    A previous report (or form, or call sheet) of that name is replaced; a customer-service workbook never is.
    """
    if out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    ensure_not_open(out)
    _refuse_a_ledger(out)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=workbook_temp_prefix(out), suffix=".xlsx", dir=out.parent)
    except OSError as exc:  # no such folder, or no right to write in it
        raise WriteFailed(out, exc.strerror or str(exc)) from None
    os.close(fd)
    temp = Path(temp_name)
    try:
        write(temp)
        os.chmod(temp, stat.S_IMODE(out.stat().st_mode) if out.exists() else new_file_mode())
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)
    return out


def _refuse_a_ledger(out: Path) -> None:
    """An output named like the desk's own workbook (a mistyped ``-o``) would replace the customers' archive."""
    if not out.is_file():
        return
    try:
        present = [entry.name for entry in Package(out).sheets]
    except (CsxlError, OSError):
        return  # not a workbook csxl can read: no ledger to lose
    if any(find_sheet_name(present, sheet) for sheet in INPUT_SHEETS):
        raise LedgerNotReplaced(out)


def call_sheet(path: Path, today: dt.date, out: Path | None = None, book: Book | None = None) -> tuple[Path, int]:
    """Today's follow-up calls as a printable 回访单 (default ``回访单-YYYY-MM-DD.xlsx`` beside the workbook); and how many."""
    from .printouts.call_sheet import todays_calls, write_call_sheet

    result = compute_due(book or read_book(path), today, journal_facts(path))
    calls = todays_calls(result.due, result.book.frames, today)
    out = Path(out) if out else Path(path).with_name(f"回访单-{today:%Y-%m-%d}.xlsx")
    return _write_whole(out, lambda temp: write_call_sheet(temp, calls, today, result.book.settings.branch_name)), len(calls)
