"""`csxl run`: the unattended daily job on a shared PC, on `schedule`.

Every day at the 设置 send time: catch up and send what came due since the
last run, then refresh the generated tabs and the reports unless the
workbook is open in Excel (on Mondays the log says last week's report is ready).  Each job is wrapped so a failure is logged and the loop lives on
(`schedule` itself never catches a job's exception).  SIGINT/SIGTERM stop
the loop after the message being sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import schedule

from . import clock, jobs
from .errors import CsxlError, WorkbookOpenInExcel, WorkbookReadOnly, WriteFailed
from .messages.config import MailConfig
from .messages.journal import Journal, journal_path
from .stop_signals import stop_signals
from .workbook.reader import read_book

log = logging.getLogger("csxl.scheduler")


class DailyJob:
    def __init__(self, path: Path, config: MailConfig, timezone: str = clock.DEFAULT_TIMEZONE, sleep=None):
        self.path = Path(path)
        self.config = config
        self.timezone = timezone
        self.stop_requested = threading.Event()
        self._sleep = sleep

    def __call__(self, today: dt.date | None = None) -> dict | None:
        """One day's work; returns the send counts, or None when it failed (and was logged)."""
        try:
            return self._run(today or clock.today(self.timezone))
        except CsxlError as exc:
            log.error("daily job failed: %s", exc.message("en"))
        except Exception:  # noqa: BLE001 - the loop must outlive any one job
            log.exception("daily job crashed")
        return None

    def _run(self, today: dt.date) -> dict:
        result = jobs.remind(self.path, today, send=True, config=self.config, should_stop=self.stop_requested.is_set, sleep=self._sleep)
        counts = result.counts or {}
        log.info("%s: sent %d, failed %d, skipped %d (days %s..%s)", today, counts.get("sent", 0), counts.get("failed", 0),
                 counts.get("skipped", 0), result.days[0], result.days[-1])
        if self.stop_requested.is_set():
            return counts
        self._pull_receipts(result.book)
        due = None
        try:
            due = jobs.refresh(self.path, today, book=result.book)[0].due
            log.info("refreshed the generated tabs and reports")
            if today.weekday() == 0:
                week = (today - dt.timedelta(days=7)).isocalendar()
                log.info("weekly follow-up report for %d-W%02d is ready on the 回访周报 tab", week.year, week.week)
        except WorkbookOpenInExcel:
            log.info("workbook is open in Excel: tabs not refreshed (the next run or the ribbon will)")
        except (WorkbookReadOnly, WriteFailed) as exc:  # the messages went; only the tabs could not be written
            log.warning("messages sent, tabs not refreshed: %s", exc.message("en"))
        self._post_to_team(due if due is not None else jobs.compute_due(result.book, today, jobs.journal_facts(self.path)).due,
                           today, result.book.settings)
        self._push_to_group(today, result.book.settings)
        return counts

    def _push_to_group(self, today: dt.date, settings) -> None:
        """With 设置 集团数据库 set, the branch loads itself into the group store; a failure waits for tomorrow's run."""
        if not settings.group_store:
            return
        from .group.load import load_branch
        from .group.store import open_store

        spec = settings.group_store
        if "://" not in spec and not Path(spec).is_absolute():
            spec = str(self.path.parent / spec)
        try:
            with open_store(spec) as store:
                pushed = load_branch(store, self.path, today)
                if hasattr(store, "match_mode"):
                    store.match_mode(self.path)
            log.info("group store: branch %s %s", pushed.branch, "unchanged" if pushed.skipped else "loaded")
        except CsxlError as exc:
            log.warning("group store not updated (tried again tomorrow): %s", exc.message("en"))
        except Exception as exc:  # noqa: BLE001 - a database error must never stop the daily sending
            log.warning("group store not updated (tried again tomorrow): %s", type(exc).__name__)

    def _pull_receipts(self, book) -> None:
        """Delivery reports and TD replies, before the tabs are refreshed; a provider that fails is tried again tomorrow."""
        try:
            pulled = jobs.receipts(self.path, book)
        except CsxlError as exc:
            log.warning("receipts not pulled: %s", exc.message("en"))
            return
        if pulled.channel:
            log.info("receipts: %d delivered, %d not delivered; %d replies, %d opt-outs", pulled.delivered, pulled.undelivered,
                     pulled.replies, pulled.opt_outs)

    def _post_to_team(self, due, today: dt.date, settings) -> None:
        """The day's counts to the 企业微信 group, when a webhook is set; a failed post never stops anything."""
        from .messages import robot

        url = robot.webhook_url()
        if not url:
            return
        try:
            robot.post(url, robot.daily_summary(due, today, settings.branch_name, settings.lang))
            log.info("posted today's due counts to the 企业微信 group")
        except robot.RobotPostFailed as exc:
            log.warning("企业微信 post failed: %s", exc)


def _send_moment(send_time: str, timezone: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(now, today's send time), both in the send time's zone."""
    local = now.astimezone(ZoneInfo(timezone))
    hour, minute = map(int, send_time.split(":"))
    return local, local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def next_run(send_time: str, timezone: str, now: dt.datetime) -> dt.datetime:
    local, today_at = _send_moment(send_time, timezone, now)
    return today_at if today_at > local else today_at + dt.timedelta(days=1)


def missed_today(path: Path, send_time: str, timezone: str, now: dt.datetime) -> bool:
    """True when today's send time has passed and today has not been run (the PC was off)."""
    local_now, today_at = _send_moment(send_time, timezone, now)
    if local_now < today_at:
        return False
    if not journal_path(path).exists():
        return True
    with Journal.beside(path) as journal:
        last = journal.last_completed_day()
    return last is None or last < local_now.date()


def run_forever(path: Path, config: MailConfig, poll_seconds: float = 30, echo: Callable[[str], None] = print) -> None:
    settings = read_book(path).settings
    job = DailyJob(path, config, settings.timezone)
    scheduler = schedule.Scheduler()
    scheduler.every().day.at(settings.send_time, settings.timezone).do(job)

    def stop(signum, _frame):
        log.info("signal %s: stopping after the current message", signum)
        job.stop_requested.set()

    with stop_signals(stop):
        log.info("scheduler started: daily at %s %s", settings.send_time, settings.timezone)
        if missed_today(path, settings.send_time, settings.timezone, clock.now(settings.timezone)):
            log.info("today's run was missed: running now")
            job()
        announced = None
        while not job.stop_requested.is_set():
            scheduler.run_pending()
            upcoming = next_run(settings.send_time, settings.timezone, clock.now(settings.timezone))
            if upcoming != announced:
                echo(f"next run {upcoming:%Y-%m-%d %H:%M} {settings.timezone}")
                announced = upcoming
            job.stop_requested.wait(poll_seconds)
    log.info("scheduler stopped")
