"""The Windows half of `csxl addin selftest`: a hidden Excel, the installed add-in, and its own VBA.

Only Windows with desktop Excel runs this module; it is written against xlwings 0.37.8's
API and Excel's object model, and reviewed, but no test here can run it (see the README).
"""

from __future__ import annotations

import datetime as dt
import platform
import tempfile
from pathlib import Path

from .actions import ACTIONS
from .addin import ADDIN_NAME, ansi_code_page, install_plan, interpreter_problems
from .selftest import Check, answers_for, book_tabs, compare_results, file_path_results, first_vin, generated_names, importable_in, scratch_workbooks, udf_checks

MACRO_ENTRY = "CsxlRibbon.CsxlRun"  # the ribbon's callback without the IRibbonControl, which only the ribbon can make


def read_config(path: Path) -> dict[str, str]:
    """csxl.conf as xlwings' VBA reads it: "key","value" lines in the ANSI code page."""
    settings = {}
    for line in path.read_bytes().decode(ansi_code_page()).splitlines():
        parts = [p.strip().strip('"') for p in line.split('","')]
        if len(parts) == 2:
            settings[parts[0].upper()] = parts[1]
    return settings


def process_bitness(pid: int) -> str:
    """'32' or '64': the bitness of a running process (Excel's, which decides the xlwings DLL)."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    wow64 = wintypes.BOOL(False)
    try:
        kernel32.IsWow64Process(handle, ctypes.byref(wow64))
    finally:
        kernel32.CloseHandle(handle)
    return "32" if wow64.value or not platform.machine().endswith("64") else "64"


def macro_security(version: str, xlstart: Path) -> Check:
    """Macros of the add-in can run: not "disable all" unless XLSTART is a trusted location (it is by default)."""
    import winreg

    base = rf"Software\Microsoft\Office\{version}\Excel\Security"
    warnings, trusted = None, False
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, base) as key:
            warnings = winreg.QueryValueEx(key, "VBAWarnings")[0]
    except OSError:
        pass
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, base + r"\Trusted Locations") as locations:
            for index in range(winreg.QueryInfoKey(locations)[0]):
                with winreg.OpenKey(locations, winreg.EnumKey(locations, index)) as location:
                    path = winreg.ExpandEnvironmentStrings(str(winreg.QueryValueEx(location, "Path")[0]))
                    trusted |= Path(path).resolve() == xlstart.resolve()
    except OSError:
        pass
    ok = warnings != 4 or trusted
    return Check("宏设置允许加载项运行", ok, f"VBAWarnings={warnings if warnings is not None else '默认'}，XLSTART {'是' if trusted else '不是'}受信任位置")


def run_in_excel(today: dt.date) -> list[Check]:
    import xlwings as xw

    plan = install_plan(Path(ADDIN_NAME))
    checks = []
    config = plan.config
    settings = read_config(config) if config.exists() else {}
    checks.append(Check("csxl.conf 存在且可按系统代码页读取", bool(settings), str(config) if settings else f"{config} 不存在或读不出：请先运行 csxl addin install"))
    interpreter = Path(settings.get("INTERPRETER_WIN", ""))
    checks.append(Check("Python 解释器存在", interpreter.is_file(), str(interpreter)))
    addin = plan.xlstart / ADDIN_NAME
    checks.append(Check("加载项在 XLSTART 中", addin.is_file(), str(addin)))
    if interpreter.is_file():
        checks.append(importable_in(interpreter))
    with xw.App(visible=False, add_book=False) as app:
        app.display_alerts = False
        bitness = process_bitness(app.pid)
        problems = interpreter_problems(interpreter, bitness) if interpreter.is_file() else []
        checks.append(Check(f"xlwings DLL 与 Excel（{bitness} 位）一致", interpreter.is_file() and not problems,
                            problems[0].message("zh") if problems else ""))
        checks.append(macro_security(app.api.Version, plan.xlstart))
        if not addin.is_file():
            return checks
        app.books.open(str(addin))  # Excel started by automation does not open XLSTART by itself
        with tempfile.TemporaryDirectory(prefix="csxl-selftest-") as work:
            excel_copy, file_copy = scratch_workbooks(Path(work), today)
            file_said = file_path_results(file_copy)
            book = app.books.open(str(excel_copy))
            book.activate()
            said = {}
            for action in ACTIONS:
                app.status_bar = False
                answer = "".join(f"|{a}" for a in answers_for(action) if isinstance(a, str))
                try:
                    app.api.Run(f"'{ADDIN_NAME}'!{MACRO_ENTRY}", f"{action}|quiet{answer}")
                    said[action] = app.status_bar or ""
                except Exception as exc:  # noqa: BLE001 - a broken macro is a FAIL line
                    said[action] = f"{type(exc).__name__}: {exc}"
            tabs = book_tabs(book.sheets, generated_names())
            checks += compare_results(file_copy, file_said, said, tabs, excel_copy.parent)
            vin = first_vin(file_copy)
            scratch = book.sheets.add("自检函数")

            def evaluate(formula: str):
                cell = scratch.range("A1")
                cell.formula = formula
                app.calculate()
                return cell.value

            checks += udf_checks(evaluate, vin)
            book.close()
    return checks
