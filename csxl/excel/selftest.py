"""`csxl addin selftest`: prove the add-in on the PC where it is installed, one PASS/FAIL line per check.

On Windows it drives a hidden Excel: the configuration (csxl.conf, the interpreter, xlwings'
DLL for Excel's bitness, csxl importable there, the add-in in XLSTART, macro settings), then
every ribbon action through the add-in's own VBA on a scratch copy of a demo workbook, every
generated tab compared cell for cell with what the file path writes, and every worksheet
function evaluated by Excel. Elsewhere the same actions and comparisons run over the test
double of Excel (`csxl.excel.double`), and the report says so.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .actions import ACTIONS

DEMO_CUSTOMERS = 40
# What the clerk would answer, per action, in the selftest: look up one customer, and never send anything.
SEARCH_FOR = "C00001"
COMPLAINT_FOR = "TS0001"
MAX_DIFFERENCES = 10


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}" + (f"：{self.detail}" if self.detail else "")


def answers_for(action: str) -> list:
    return {"search": [SEARCH_FOR], "card": [SEARCH_FOR], "send": [False], "form": [COMPLAINT_FOR]}.get(action, [])


# comparing tabs ----------------------------------------------------------------

def _comparable(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0) + dt.timedelta(seconds=round(value.microsecond / 1e6))
    return value


def _trimmed(rows: list[list]) -> list[list]:
    rows = [list(row) for row in rows]
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def file_tabs(path: Path, names) -> dict[str, list[list]]:
    """The generated tabs of an .xlsx as Excel would give their values (dates as datetime, numbers as numbers)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {name: _trimmed([[_comparable(v) for v in row] for row in book[name].iter_rows(values_only=True)])
                for name in names if name in book.sheetnames}
    finally:
        book.close()


def book_tabs(sheets, names) -> dict[str, list[list]]:
    """The same from a workbook open in Excel (or its double), through xlwings' reading of the used range."""
    present = {s.name: s for s in sheets}
    tabs = {}
    for name in names:
        if name in present:
            used = present[name].used_range
            rows = used.options(ndim=2).value
            padding = [[None] * len(rows[0]) for _ in range(used.row - 1)] if rows else []
            tabs[name] = _trimmed([[_comparable(v) for v in row] for row in padding + rows])
    return tabs


def differences(expected: dict[str, list[list]], actual: dict[str, list[list]]) -> list[str]:
    """Cell by cell, where two sets of tabs differ: `tab!A1: expected «x», Excel has «y»`."""
    from openpyxl.utils import get_column_letter

    found = []
    for name, rows in expected.items():
        if name not in actual:
            found.append(f"{name}: 缺少这个工作表")
            continue
        theirs = actual[name]
        for r in range(max(len(rows), len(theirs))):
            mine = rows[r] if r < len(rows) else []
            other = theirs[r] if r < len(theirs) else []
            for c in range(max(len(mine), len(other))):
                a = mine[c] if c < len(mine) else None
                b = other[c] if c < len(other) else None
                if a != b or type(a) is not type(b) and not (isinstance(a, float) and isinstance(b, float)):
                    found.append(f"{name}!{get_column_letter(c + 1)}{r + 1}: 文件路径为 «{a}»（{type(a).__name__}），Excel 中为 «{b}»（{type(b).__name__}）")
    return found


# the run -------------------------------------------------------------------------

def scratch_workbooks(folder: Path, today: dt.date) -> tuple[Path, Path]:
    """Two copies of one demo workbook: one for Excel (or the double), one for the file path."""
    from ..demo import demo_rows
    from ..workbook.template import build_template

    excel_copy = build_template(folder / "excel" / "自检台账.xlsx", rows=demo_rows(today, DEMO_CUSTOMERS))
    file_copy = folder / "file" / "自检台账.xlsx"
    file_copy.parent.mkdir()
    shutil.copyfile(excel_copy, file_copy)
    return excel_copy, file_copy


def file_path_results(path: Path) -> dict[str, str]:
    """Every ribbon action on the file, through the same code the ribbon runs: what the clerk is told, per action."""
    from .book import FileBook
    from .run import run_action

    return {action: run_action(action, FileBook(path, answers=answers_for(action))) for action in ACTIONS}


def generated_names(lang: str = "zh") -> list[str]:
    from ..schema import GENERATED_SHEETS

    return [sheet.name(lang) for sheet in GENERATED_SHEETS]


def xlwings_results(book, app) -> dict[str, str]:
    """Every ribbon action through the Excel adapter on ``book`` (of the double's ``app``): what the clerk is told."""
    from .run import run_action
    from .xlwings_book import XlwingsBook

    said = {}
    for action in ACTIONS:
        app.answers = answers_for(action)
        said[action] = run_action(action, XlwingsBook(book))
    return said


def _same_message(a: str, b: str, folders: tuple[Path, Path]) -> bool:
    return a.replace(str(folders[0]), "…") == b.replace(str(folders[1]), "…")


def compare_results(file_path: Path, file_said: dict, excel_said: dict, excel_tabs: dict, excel_folder: Path) -> list[Check]:
    checks = []
    for action in ACTIONS:
        same = _same_message(file_said[action], excel_said.get(action, ""), (file_path.parent, excel_folder))
        checks.append(Check(f"功能区按钮 {action}", same, "" if same else f"文件路径说「{file_said[action]}」，Excel 说「{excel_said.get(action)}」"))
    expected = file_tabs(file_path, generated_names())
    found = differences(expected, excel_tabs)
    checks.append(Check(f"生成的工作表逐格一致（{len(expected)} 张）", not found,
                        "；".join(found[:MAX_DIFFERENCES]) + (f"；…共 {len(found)} 处" if len(found) > MAX_DIFFERENCES else "")))
    return checks


def first_vin(path: Path) -> str:
    from ..workbook.reader import read_book

    return str(read_book(path).frames["vehicles"]["vin"].iloc[0])


def udf_checks(evaluate, vin: str) -> list[Check]:
    """Each worksheet function on known inputs; ``evaluate(formula)`` gives the calculated value."""
    cases = [
        ("CSXL_WORKDAY", "=CSXL_WORKDAY(DATE(2026,9,30),1)", lambda v: _comparable(v) == dt.datetime(2026, 10, 8)),
        ("CSXL_LUNAR", "=CSXL_LUNAR(DATE(2026,1,4))", lambda v: v == "冬月十六"),
        ("CSXL_NEXT_BIRTHDAY", '=CSXL_NEXT_BIRTHDAY(DATE(1988,2,29),"否")', lambda v: isinstance(v, dt.datetime) and v.month == 2 and v.day in (28, 29)),
        ("CSXL_DUE", f'=CSXL_DUE("{vin}")', lambda v: isinstance(v, str) and not v.startswith(("#", "Error"))),
    ]
    checks = []
    for name, formula, ok in cases:
        try:
            value = evaluate(formula)
        except Exception as exc:  # noqa: BLE001 - a failing function is a FAIL line, not a crash
            value = f"{type(exc).__name__}: {exc}"
        checks.append(Check(f"工作表函数 {name}", bool(ok(value)), f"{formula} → {value}"))
    return checks


def run_on_double(today: dt.date) -> list[Check]:
    """The same actions and comparisons over the test double of Excel (no Excel here)."""
    from . import double
    from .udfs import CSXL_DUE, CSXL_LUNAR, CSXL_NEXT_BIRTHDAY, CSXL_WORKDAY

    with tempfile.TemporaryDirectory(prefix="csxl-selftest-") as work:
        excel_copy, file_copy = scratch_workbooks(Path(work), today)
        file_said = file_path_results(file_copy)
        app = double.App(today=today)
        book = app.open(excel_copy)
        excel_said = xlwings_results(book, app)
        tabs = book_tabs(book.sheets, generated_names())
        checks = compare_results(file_copy, file_said, excel_said, tabs, excel_copy.parent)
        vin = first_vin(file_copy)
        caller = book.sheets[0].range("A1")
        functions = {"CSXL_WORKDAY": lambda: CSXL_WORKDAY(dt.date(2026, 9, 30), 1),
                     "CSXL_LUNAR": lambda: CSXL_LUNAR(dt.date(2026, 1, 4)),
                     "CSXL_NEXT_BIRTHDAY": lambda: CSXL_NEXT_BIRTHDAY(dt.date(1988, 2, 29), "否"),
                     "CSXL_DUE": lambda: CSXL_DUE(vin, caller)}

        def evaluate(formula: str):
            value = functions[formula[1:formula.index("(")]]()
            return dt.datetime.combine(value, dt.time()) if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value

        return checks + udf_checks(evaluate, vin)


def run(today: dt.date) -> tuple[list[Check], str]:
    """All checks for this machine, and a line saying where they ran."""
    if os.name == "nt":
        from .selftest_windows import run_in_excel

        return run_in_excel(today), "在本机 Excel 中运行"
    return run_on_double(today), "这台机器没有 Excel：各项检查在 Excel 的测试替身（csxl.excel.double）上运行，不能代替在装有 Excel 的电脑上自检"


def report_text(checks: list[Check], where: str, today: dt.date) -> str:
    import platform
    import sys

    from .addin import XLWINGS_VERSION

    passed = sum(c.passed for c in checks)
    head = [f"csxl 加载项自检 {dt.datetime.now():%Y-%m-%d %H:%M}（按 {today} 计算）", where,
            f"Python {sys.version.split()[0]}（{sys.executable}），{platform.platform()}，xlwings {XLWINGS_VERSION}", ""]
    return "\n".join([*head, *(c.line() for c in checks), "", f"通过 {passed} 项，失败 {len(checks) - passed} 项"]) + "\n"


def python_of(pythonw: Path) -> Path:
    """python.exe beside pythonw.exe: the same interpreter with a console, to run checks in."""
    return pythonw.with_name("python.exe") if pythonw.name.lower() == "pythonw.exe" else pythonw


def importable_in(interpreter: Path) -> Check:
    """csxl and the pinned xlwings import in the interpreter Excel starts."""
    from .addin import XLWINGS_VERSION

    code = "import csxl.excel, xlwings; print(xlwings.__version__)"
    try:
        done = subprocess.run([str(python_of(interpreter)), "-c", code], capture_output=True, text=True, timeout=120)
    except OSError as exc:
        return Check("csxl 可在该 Python 中导入", False, str(exc))
    version = done.stdout.strip()
    ok = done.returncode == 0 and version == XLWINGS_VERSION
    detail = f"xlwings {version}" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1]
    return Check("csxl 可在该 Python 中导入", ok, detail + ("" if ok or done.returncode else f"（需要 {XLWINGS_VERSION}）"))
