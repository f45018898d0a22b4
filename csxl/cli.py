"""`csxl`: the command line.  Parses options, calls the library, prints; nothing else."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import time
from pathlib import Path

import click

from . import cli_messages, clock
from .errors import CsxlError, WorkbookNotFound
from .messages.config import MailConfig, load_config
from .schema import CONFIG_SHEETS, INPUT_SHEETS, LANGS, REPORT_SHEETS

# Each command imports the library (pandas, Arrow, the readers) only when it runs: `--help`, a typo and
# `init` start at once, and so does every click on the Excel ribbon, which starts a new Python each time.

CLI_LANG = os.environ.get("CSXL_LANG", "zh") if os.environ.get("CSXL_LANG") in LANGS else "zh"
cli_messages.use(CLI_LANG)
DEMO_WORKBOOK = "演示台账.xlsx"


class _Day(click.ParamType):
    """A day written any way the workbook accepts: 2026-11-24, 2026/11/24, 2026.11.24, 2026年11月24日, 20261124."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        from .calendars.day_text import parse_day

        day = parse_day(str(value))
        if day is None:
            self.fail(f"「{value}」不是日期（可用 2026-11-24、2026/11/24、2026年11月24日）" if CLI_LANG == "zh"
                      else f"{value!r} is not a date (use 2026-11-24, 2026/11/24 or 2026年11月24日)", param, ctx)
        return day


def _today_option(command):
    return click.option(
        "--today", type=_Day(), default=None,
        help="按这一天计算（2026-11-24、2026/11/24、2026年11月24日），默认今天 / compute as of this day",
    )(command)


def _resolve_today(value: dt.date | None) -> dt.date:
    """The as-of day: ``--today``, else today in China's time zone (whatever zone the PC is set to).

    Once the command has done its work, it says which day that was, and in which zone, on stderr.
    """
    day = value or clock.today()
    note = f"按 {day} 计算" if value else f"按 {day}（{clock.DEFAULT_TIMEZONE} 时间的今天）计算"
    if CLI_LANG != "zh":
        note = f"as of {day}" + ("" if value else f" (today in {clock.DEFAULT_TIMEZONE})")
    click.get_current_context().call_on_close(lambda: click.echo(note, err=True) if not _failed() else None)
    return day


def _failed() -> bool:
    """True while an error is on its way out (its one line is all a clerk should see); `check`'s exit 1 is no error."""
    import sys

    kind = sys.exc_info()[0]
    return kind is not None and not issubclass(kind, SystemExit)


# Exit codes: 0 done; 1 `check` found data problems; 2 a usage error (a wrong option or argument);
# 3 the workbook, a file or a setting cannot be used (the one line on stderr says which and why); 130 Ctrl-C (128 + SIGINT).
EXIT_PROBLEMS, EXIT_USAGE, EXIT_CANNOT, EXIT_INTERRUPTED = 1, 2, 3, 130


class _CannotError(click.ClickException):
    exit_code = EXIT_CANNOT


class _Interrupted(click.ClickException):
    exit_code = EXIT_INTERRUPTED


def _friendly_errors(command):
    """Named csxl errors become one line and exit code 3, never a traceback; so does Ctrl-C, with exit code 130."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CsxlError as exc:
            raise _CannotError(exc.message(CLI_LANG)) from exc
        except KeyboardInterrupt:
            # every write is whole or not at all (a workbook replaced at once, a branch in one transaction)
            raise _Interrupted("已中断（Ctrl-C）：已完成的部分保留，进行中的没有写入" if CLI_LANG == "zh"
                               else "interrupted (Ctrl-C): what was done is kept, what was under way was not written") from None

    return wrapper


class _Progress:
    """A progress bar of ``total`` steps, each named as it is reached (silent when not on a terminal)."""

    def __init__(self, label: str, total: int | None, unit: str):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=label, unit=unit, leave=False, disable=None)

    def __call__(self, step: str):
        self.bar.set_postfix_str(step)
        self.bar.update(1)

    def expect(self, total: int):
        """The number of steps, once it is known."""
        self.bar.total = total
        self.bar.refresh()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.bar.close()


def _sheet_progress(label: str, reports: bool = False) -> _Progress:
    """Over the sheets being read, and the report tabs being computed."""
    return _Progress(label, len(INPUT_SHEETS) + len(CONFIG_SHEETS) + (len(REPORT_SHEETS) if reports else 0), "表")


workbook_path = click.argument("path", type=click.Path(path_type=Path))
config_option = click.option(
    "--config", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
    help="邮件配置文件（默认：工作簿旁的 csxl.toml；没有则写入发件箱）/ mail config (TOML)",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="csxl")
def cli():
    """csxl 客服助手：从客服台账工作簿生成今日待办、数据问题等工作表。

    csxl — customer-service desk automation for a car dealership's Excel workbook.
    """


@cli.command()
@workbook_path
@click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True, help="工作表和表头的语言 / language of sheets and headers")
@_friendly_errors
def init(path: Path, lang: str):
    """新建空白台账（不会覆盖已有文件）/ Create a new workbook from the template."""
    from .workbook.template import build_template

    build_template(path, lang=lang)
    click.echo(f"已创建 {path}" if CLI_LANG == "zh" else f"created {path}")


@cli.command()
@workbook_path
@_today_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / machine-readable output")
@_friendly_errors
def check(path: Path, today, as_json: bool):
    """检查数据问题；有问题时退出码为 1 / List data problems (exit 1 if any)."""
    from . import jobs
    from .console import problem_lines

    with _sheet_progress("读取" if CLI_LANG == "zh" else "reading") as progress:
        result = jobs.check(path, _resolve_today(today), progress)
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in result.problems], ensure_ascii=False, indent=2))
    else:
        for line in problem_lines(result.problems):
            click.echo(line)
        if result.problems:
            click.echo(f"共 {len(result.problems)} 个数据问题" if CLI_LANG == "zh" else f"{len(result.problems)} data problems", err=True)
        else:
            click.echo("没有数据问题" if CLI_LANG == "zh" else "no data problems")
    if result.problems:
        raise SystemExit(EXIT_PROBLEMS)


@cli.command()
@workbook_path
@_today_option
@_friendly_errors
def refresh(path: Path, today):
    """重新生成今日待办和数据问题工作表 / Rewrite the generated tabs."""
    _refresh_and_report(path, _resolve_today(today))


def _refresh_and_report(path: Path, today: dt.date, book=None):
    from . import jobs
    from .console import due_summary

    started = time.perf_counter()
    with _sheet_progress("刷新" if CLI_LANG == "zh" else "refreshing", reports=True) as progress:
        result, backup = jobs.refresh(path, today, progress, book=book)
    lang = CLI_LANG
    seconds = time.perf_counter() - started
    if lang == "zh":
        click.echo(f"{path}：{today} 待办 {len(result.due)} 项，数据问题 {len(result.problems)} 个（{seconds:.2f} 秒，备份 {backup.name}）")
    else:
        click.echo(f"{path}: {len(result.due)} due on {today}, {len(result.problems)} data problems ({seconds:.2f} s, backup {backup.name})")
    for line in due_summary(result.due, lang):
        click.echo(line)
    return result


@cli.command()
@workbook_path
@_today_option
@click.option("--month", default=None, metavar="YYYY-MM", help="月报的月份，默认上一个完整月 / report month (default: last complete month)")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="输出文件，默认工作簿旁的 客服月报-YYYY-MM.xlsx / output workbook")
@_friendly_errors
def report(path: Path, today, month: str | None, output: Path | None):
    """生成给管理层的客服月报工作簿（含图表）/ The monthly report for management, as a workbook of its own."""
    from . import jobs
    from .console import monthly_report_lines

    out, tabs = jobs.monthly_report_book(path, _resolve_today(today), month, output)
    for line in monthly_report_lines(out, tabs, CLI_LANG):
        click.echo(line)


@cli.command()
@workbook_path
@click.argument("text", required=False)
@click.option("--card", is_flag=True, help="显示这位客户的完整档案（车辆、维修、回访、投诉、消息）/ the customer's whole file")
@click.option("--from", "start", type=_Day(), default=None, help="按日期查找：起始日期 / from this day")
@click.option("--to", "end", type=_Day(), default=None, help="按日期查找：截止日期（含）/ to this day")
@click.option("--by", type=click.Choice(["delivery", "repair", "visit"]), default="delivery", show_default=True,
              help="按哪种日期：提车、维修交车、回访 / which date")
@_friendly_errors
def search(path: Path, text: str | None, card: bool, start, end, by: str):
    """按姓名、手机、车牌、车架号或客户编号查找客户，或按日期查找 / Find customers, by text or by date."""
    from . import jobs
    from .console import card_lines, date_search_lines, search_lines

    if start or end:
        first, last = start or end, end or start
        lines = date_search_lines(jobs.search_dates(path, min(first, last), max(first, last), by), CLI_LANG)
    elif not text:
        raise click.UsageError("请给出要查找的内容，或用 --from/--to 按日期查找" if CLI_LANG == "zh" else "give TEXT, or --from/--to")
    elif card:
        lines = card_lines(*jobs.card(path, text), CLI_LANG)
    else:
        lines = search_lines(jobs.search(path, text), CLI_LANG)
    for line in lines:
        click.echo(line)


@cli.command()
@workbook_path
@_today_option
@click.option("--send", is_flag=True, help="真正发送（默认只列出）/ really send (default: dry run)")
@config_option
@_friendly_errors
def remind(path: Path, today, send: bool, config: Path | None):
    """列出（或用 --send 发送）到期的生日、节日和到期提醒消息 / Due messages; dry run unless --send."""
    _remind_and_report(path, _resolve_today(today), send, load_config(path, config))


def _remind_and_report(path: Path, today: dt.date, send: bool, config, demo: bool = False):
    from . import jobs
    from .console import remind_lines
    from .settings import Settings

    with _stop_on_signals() if send else contextlib.nullcontext(lambda: False) as stop:
        result = jobs.remind(path, today, send=send, config=config, should_stop=stop, scheduled=demo)
    for line in remind_lines(result, CLI_LANG, where=config.outbox or path.parent / jobs.OUTBOX_FOLDER):
        click.echo(line)
    counts = result.counts or {}
    if send and counts.get("failed") and not counts.get("sent"):
        from .errors import NothingSent

        raise NothingSent(result.failure or "")
    field = next(f for f in Settings.entries() if f.name == "branch_name")
    default_store = field.metadata["default_en"] if result.book.lang != "zh" else field.default
    if send and not demo and result.book.settings.branch_name in (field.default, field.metadata["default_en"]) \
            and result.counts and result.counts.get("sent"):
        click.echo(f"注意：消息署名仍是默认的「{default_store}」，请在「设置」工作表填写门店名称" if CLI_LANG == "zh"
                   else f"note: messages are signed with the default store name '{default_store}'; set 门店名称 on the settings sheet", err=True)
    return result


@contextlib.contextmanager
def _stop_on_signals():
    """While sending, Ctrl-C / SIGTERM finish the message being sent, record it, then stop."""
    import threading

    from .stop_signals import stop_signals

    requested = threading.Event()

    def handler(signum, _frame):
        requested.set()
        click.echo("收到停止信号，发完当前一封后停止" if CLI_LANG == "zh" else "stopping after the current message", err=True)

    with stop_signals(handler):
        yield requested.is_set


@cli.command()
@workbook_path
@config_option
@click.option("--poll", type=click.FloatRange(1, 3600), default=30, show_default=True, help="检查间隔秒数 / seconds between checks")
@_friendly_errors
def run(path: Path, config: Path | None, poll: float):
    """常驻运行：每天按设置的时间补发、发送并刷新 / The scheduler (runs until stopped)."""
    from .logs import setup_logging
    from .scheduler import run_forever

    if not path.exists():
        raise WorkbookNotFound(path)
    log_file = setup_logging(path)
    click.echo(f"日志：{log_file}" if CLI_LANG == "zh" else f"log: {log_file}")
    run_forever(path, load_config(path, config), poll_seconds=poll, echo=click.echo)


@cli.command()
@workbook_path
@_friendly_errors
def receipts(path: Path):
    """拉取短信回执和客户回复（退订）写入发送记录 / Pull SMS delivery reports and replies (TD) into the journal."""
    from . import jobs

    result = jobs.receipts(path)
    zh = CLI_LANG == "zh"
    if result.channel is None:
        click.echo("设置中没有短信服务商：发件箱和邮件没有回执" if zh else "no SMS provider is set: the outbox and e-mail give no receipts")
        return
    if zh:
        click.echo(f"回执：已送达 {result.delivered}，发送失败 {result.undelivered}（{result.asked} 条待回执）；"
                   f"回复 {result.replies} 条，其中退订 {result.opt_outs}；重复 {result.duplicates}")
    else:
        click.echo(f"receipts: {result.delivered} delivered, {result.undelivered} not delivered ({result.asked} awaited); "
                   f"{result.replies} replies, {result.opt_outs} of them opt-outs; {result.duplicates} already handled")
    if result.opt_outs:
        click.echo("退订的客户已停发所有消息，今日待办列出「标记拒收」，请在客户档案把拒收提醒改为 是" if zh
                   else "customers who replied TD get no more messages; 今日待办 lists them under 标记拒收")


@cli.command()
@workbook_path
@_friendly_errors
def status(path: Path):
    """上次运行、各状态消息数和下次运行时间 / Last run, messages by state, next run."""
    from .console import status_lines

    for line in status_lines(path, CLI_LANG):
        click.echo(line)


@cli.command()
@workbook_path
@click.argument("complaint_id")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="输出文件，默认工作簿旁的 投诉处理表-编号.xlsx / output workbook")
@_today_option
@_friendly_errors
def form(path: Path, complaint_id: str, output: Path | None, today):
    """打印一张《客户投诉处理表》（A4 一页）/ The complaint form of one complaint, one A4 page."""
    from . import jobs

    out = jobs.complaint_form(path, complaint_id, _resolve_today(today), output)
    click.echo(f"已写入 {out}" if CLI_LANG == "zh" else f"wrote {out}")


@cli.command()
@workbook_path
@_today_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="输出文件，默认工作簿旁的 回访单-YYYY-MM-DD.xlsx / output workbook")
@_friendly_errors
def callsheet(path: Path, today, output: Path | None):
    """打印今天的回访单：每通电话的客户、车、话术和打分格（A4）/ Today's calls as a printable call sheet."""
    from . import jobs

    out, count = jobs.call_sheet(path, _resolve_today(today), output)
    click.echo(f"已写入 {out}（{count} 通回访电话）" if CLI_LANG == "zh" else f"wrote {out} ({count} calls)")


@cli.group()
def group():
    """集团汇总：各门店工作簿导入集团库（DuckDB 文件或 PostgreSQL），出集团报表 / The dealership group's store and reports."""


_store_argument = click.argument("store")


@group.command("load")
@_store_argument
@click.argument("books", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_today_option
@click.option("--replace", is_flag=True, help="此文件接替先前导入同一门店编号的另一个文件 / this file takes over its branch code")
@_friendly_errors
def group_load(store: str, books: tuple[Path, ...], today, replace: bool):
    """把门店工作簿导入集团库（每个门店一次事务整体替换；文件未变则跳过）/ Load branch workbooks (each replaces its branch in one transaction)."""
    from .group.load import load_branches
    from .group.store import open_store

    day = _resolve_today(today)
    zh = CLI_LANG == "zh"
    failed = []
    with open_store(store) as opened:
        for book, result in zip(books, load_branches(opened, list(books), day, replace)):
            if hasattr(opened, "match_mode"):
                opened.match_mode(book)
            if isinstance(result, CsxlError):
                failed.append(f"{book}: {result.message(CLI_LANG)}")
                click.echo(failed[-1], err=True)
            elif isinstance(result, Exception):
                raise result
            elif result.skipped:
                click.echo(f"{book}：未变化，跳过（门店 {result.branch}）" if zh else f"{book}: unchanged, skipped (branch {result.branch})")
            else:
                rows = "，".join(f"{n}" for n in result.rows.values())
                click.echo(f"{book} → 门店 {result.branch}：{sum(result.rows.values())} 行（{rows}），数据问题 {result.problems}" if zh
                           else f"{book} → branch {result.branch}: {sum(result.rows.values())} rows ({rows}), {result.problems} data problems")
    if failed:
        raise _CannotError(f"{len(failed)} 个工作簿未导入（见上）" if zh else f"{len(failed)} workbooks not loaded (see above)")


@group.command("report")
@_store_argument
@_today_option
@click.option("--month", default=None, metavar="YYYY-MM", help="月报的月份，默认上一个完整月 / report month (default: last complete month)")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="输出文件，默认 集团报表-YYYY-MM.xlsx / output workbook")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="报表语言 / language of the tabs")
@_friendly_errors
def group_report_command(store: str, today, month: str | None, output: Path | None, lang: str):
    """集团报表：各门店的报表并列、集团合计、门店对比 / The group workbook: every branch's report tabs, the group's, 门店对比."""
    from . import jobs
    from .group.report import group_report, read_group
    from .group.store import open_store

    day = _resolve_today(today)
    month = jobs.report_month(month, day)
    zh = CLI_LANG == "zh"
    # steps: the store read, each branch's tabs and the group's (named as each is done), the workbook written
    with _Progress("集团报表" if zh else "group report", None, "步" if zh else "step") as progress:
        with open_store(store, create=False) as opened:
            data = read_group(opened)
        if not data.branches:
            raise _CannotError("集团库里还没有门店" if zh else "no branch loaded yet")
        progress.expect(len(data.branches) + 3)
        progress("已读取集团库" if zh else "store read")
        tabs = group_report(data, day, month, lang, progress=progress)
        out = output or Path(f"{'集团报表' if lang == 'zh' else 'group-report'}-{month}.xlsx")
        out = jobs.write_report_workbook(out, tabs, lang, f"{'集团报表' if lang == 'zh' else 'Group report'} {month}")
        progress("已写入" if zh else "written")
    click.echo(f"已写入 {out}（{len(data.branches)} 个门店）" if CLI_LANG == "zh" else f"wrote {out} ({len(data.branches)} branches)")


@group.command("init-roles")
@_store_argument
@click.argument("branches", nargs=-1, required=True)
@_friendly_errors
def group_init_roles(store: str, branches: tuple[str, ...]):
    """PostgreSQL：为每个门店建只能写本店数据的角色（行级安全），另建只读的集团报表角色 / Per-branch roles (row-level security) and a read-only one."""
    from .group.roles import READER, branch_role, init_roles
    from .group.store import open_store

    if "://" not in store:
        raise click.ClickException("DuckDB 文件没有角色：用文件权限控制谁能读写" if CLI_LANG == "zh"
                                   else "a DuckDB file has no roles: its file permissions decide who may read it")
    with open_store(store) as opened:
        done = init_roles(opened, list(branches))
    zh = CLI_LANG == "zh"
    for name, branch in [(READER, None), *((branch_role(b), b) for b in branches)]:
        state = ("新建" if zh else "created") if name in done.created else ("已存在，权限已更新" if zh else "existed, grants renewed")
        whose = "" if branch is None else (f"（门店 {branch}）" if zh else f" (branch {branch})")  # 深圳店's role is no name to guess
        click.echo(f"{name}  {state}{whose}")
    for name, branch in done.retired.items():
        click.echo(f"{name}  已撤销：旧版 csxl 为门店 {branch} 建的角色（名称可能与其他门店共用），其权限和策略已删除" if zh
                   else f"{name}  retired: an older csxl's role for branch {branch} (its name could be shared), its rights and policies removed")
    click.echo("请在服务器上为每个角色设置密码：ALTER ROLE 角色名 PASSWORD '…'" if CLI_LANG == "zh"
               else "set each role's password on the server: ALTER ROLE name PASSWORD '…'")


@group.command("status")
@_store_argument
@_today_option
@_friendly_errors
def group_status(store: str, today):
    """各门店最近导入、距今天数、行数和数据问题 / Branches: last load, its age, rows, problems."""
    from .group.store import open_store

    zh = CLI_LANG == "zh"
    today = _resolve_today(today)
    with open_store(store, create=False) as opened:
        loads, counts = opened.last_loads(), opened.row_counts()
    if not loads:
        click.echo("集团库里还没有门店" if zh else "no branch loaded yet")
        return
    for branch, load in loads.items():
        rows = counts.get(branch, {})
        problems = rows.pop("problems", 0)
        age = (today - load.as_of).days
        click.echo(f"{branch}  数据日期 {load.as_of}（{age} 天前）  导入于 {load.loaded_at:%Y-%m-%d %H:%M}  {sum(rows.values())} 行  数据问题 {problems}  {load.file}"
                   if zh else f"{branch}  as of {load.as_of} ({age} days ago)  loaded {load.loaded_at:%Y-%m-%d %H:%M}  {sum(rows.values())} rows  "
                   f"{problems} problems  {load.file}")


@cli.group()
def addin():
    """Excel 加载项（客服助手功能区）/ The Excel add-in (the 客服助手 ribbon)."""


@addin.command("build")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("csxl.xlam"), show_default=True,
              help="加载项文件 / where to write the add-in")
@_friendly_errors
def addin_build(output: Path):
    """组装加载项（任何系统都可以）/ Assemble the add-in (on any OS)."""
    from .excel.addin import build

    out = build(output)
    click.echo(f"已生成加载项 {out}" if CLI_LANG == "zh" else f"built {out}")


@addin.command("install")
@click.option("--addin", "addin_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="安装这个加载项文件（默认现场生成一个新的）/ install this add-in file (default: build a fresh one)")
@_friendly_errors
def addin_install(addin_file: Path | None):
    """安装到 Excel（Windows）：复制到 XLSTART 并设置 Python 路径 / Install into Excel (Windows)."""
    import tempfile

    from .excel.addin import ADDIN_NAME, build, install, install_plan

    with tempfile.TemporaryDirectory(prefix="csxl-addin-") as work:
        # Built afresh unless a file is named: a csxl.xlam lying in the current folder may be an old one.
        addin_file = addin_file or Path(work) / ADDIN_NAME
        plan = install_plan(addin_file)
        if os.name != "nt":  # say exactly what it would do, then refuse
            for line in plan.lines():
                click.echo(line)
        elif not addin_file.exists():
            build(addin_file)
        install(addin_file, plan)
    for line in plan.lines():
        click.echo(line)
    click.echo("完成：重新打开 Excel 后即可看到「客服助手」选项卡；再运行 csxl addin selftest 自检一次" if CLI_LANG == "zh"
               else "done: restart Excel to see the 客服助手 tab, then run csxl addin selftest once")


@addin.command("selftest")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="报告文件（默认 csxl-selftest-日期时间.txt）/ where to write the report")
@_friendly_errors
def addin_selftest(output: Path | None):
    """自检：在本机 Excel 中试运行每个按钮和函数，并与文件路径的结果逐格比较 / Prove the add-in on this PC."""
    from .excel import selftest

    today = clock.today()
    checks, where = selftest.run(today)
    click.echo(where)
    for check in checks:
        click.echo(check.line())
    output = output or Path(f"csxl-selftest-{dt.datetime.now():%Y%m%d-%H%M}.txt")
    output.write_text(selftest.report_text(checks, where, today), encoding="utf-8")
    failed = sum(not c.passed for c in checks)
    click.echo((f"全部 {len(checks)} 项通过" if not failed else f"{failed} 项失败") + f"；报告已写入 {output}（请发给安装加载项的同事）"
               if CLI_LANG == "zh" else (f"all {len(checks)} checks passed" if not failed else f"{failed} checks failed") + f"; report written to {output}")
    if failed:
        raise SystemExit(1)


def _clear_previous_demo(path: Path) -> None:
    """A new demo starts with an empty journal and outbox (only inside the demo's own folder)."""
    import shutil

    from . import jobs
    from .messages.journal import journal_path

    for leftover in (journal_path(path), journal_path(path).with_name(journal_path(path).name + "-wal"),
                     journal_path(path).with_name(journal_path(path).name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(path.parent / jobs.OUTBOX_FOLDER, ignore_errors=True)


@cli.command()
@click.option("--dir", "folder", type=click.Path(path_type=Path, file_okay=False), default=Path("csxl-demo"), show_default=True,
              help="演示文件夹 / folder for the demo workbook and its outbox")
@click.option("--customers", type=click.IntRange(10, 200_000), default=300, show_default=True, help="客户数 / number of customers")
@_today_option
@_friendly_errors
def demo(folder: Path, customers: int, today):
    """生成演示台账并跑完整流程 / Build a demo workbook and run the whole job on it."""
    from .console import due_table
    from .demo import build_demo
    from .workbook.package import ensure_not_open

    day = _resolve_today(today)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEMO_WORKBOOK
    if path.exists():
        ensure_not_open(path)
    _clear_previous_demo(path)
    build_demo(path, day, customers)
    click.echo(f"已生成演示台账 {path}（{customers} 位客户）" if CLI_LANG == "zh" else f"built demo workbook {path} ({customers} customers)")
    from . import jobs
    from .demo import HISTORY_DAYS

    earlier = day - dt.timedelta(days=HISTORY_DAYS)  # a shop whose scheduler ran before: reminders that brought no visit show
    history = jobs.remind(path, earlier, send=True, config=MailConfig(), scheduled=True).counts or {}
    click.echo(f"（演示：{earlier} 已运行过一次，发送 {history.get('sent', 0)} 条）" if CLI_LANG == "zh"
               else f"(demo: a run on {earlier} already sent {history.get('sent', 0)})")
    reminded = _remind_and_report(path, day, send=True, config=MailConfig(), demo=True)
    result = _refresh_and_report(path, day, book=reminded.book)
    for line in due_table(result.due, CLI_LANG, limit=10):
        click.echo("  " + line)
