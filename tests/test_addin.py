"""The add-in as Excel meets it: VBA as xlwings writes it, the project's name, csxl.conf in the ANSI code page,
the interpreter checks of `install`, a build from an installed package, and `csxl addin selftest`."""

import io
import os
import re
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path, PureWindowsPath

import pytest

from csxl.excel.actions import ACTIONS
from csxl.excel.addin import (MACROS, AddinError, build, conda_settings, config_bytes, install_plan, interpreter_problems,
                              vba_source)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("addin") / "csxl.xlam")


# --- VBA ---------------------------------------------------------------------------------

def _xlwings_udf_wrappers() -> str:
    """What xlwings' own import_udfs writes for csxl.excel.udfs: its #Const line, then generate_vba_wrapper's text.

    xlwings.udfs imports pywin32 at the top; stubs of those three modules let its pure text generation run here.
    """
    stubs = {"pythoncom": {"CoInitialize": lambda: None}, "pywintypes": {"com_error": Exception},
             "win32com": {}, "win32com.client": {"Dispatch": None}}
    saved = {name: sys.modules.get(name) for name in (*stubs, "xlwings.udfs")}
    try:
        for name, attributes in stubs.items():
            sys.modules[name] = types.SimpleNamespace(**attributes)
        sys.modules.pop("xlwings.udfs", None)
        import xlwings.udfs as xlwings_udfs

        from csxl.excel import udfs

        marked = types.ModuleType("csxl.excel.udfs")
        for function in udfs.UDFS:
            setattr(marked, function.__name__, xlwings_udfs.xlfunc(function))
        written = io.StringIO()
        xlwings_udfs.generate_vba_wrapper("csxl.excel.udfs", marked, written, types.SimpleNamespace(Name="csxl.xlam"))
        return '#Const App = "Microsoft Excel" \'Adjust when using outside of Excel\n' + written.getvalue()
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def test_udf_module_is_what_xlwings_generates_with_its_const_first():
    ours = (MACROS / "CsxlUdfs.bas").read_text(encoding="ascii")
    code = "\n".join(line for line in ours.splitlines() if not line.startswith(("Attribute ", "'")))
    assert code.strip() == _xlwings_udf_wrappers().replace("\r\n", "\n").strip()
    first_code_line = next(line for line in ours.splitlines() if not line.startswith(("Attribute ", "'")))
    assert first_code_line.startswith('#Const App = "Microsoft Excel"')  # private to its module: every UDF module needs it


def test_the_ribbon_says_one_chinese_sentence_when_no_workbook_is_open():
    source = (MACROS / "CsxlRibbon.bas").read_text(encoding="ascii")
    run = source[source.index("Sub CsxlRun"):source.index("End Sub", source.index("Sub CsxlRun"))]
    assert run.index("If ActiveWorkbook Is Nothing Then") < run.index("RunPython \"")
    spelled = ["".join(chr(int(code, 16)) for code in codes.split()) for codes in re.findall(r'FromCodes\("([0-9A-F ]+)"\)', run)]
    assert spelled == ["请先打开客服台账工作簿，再点击客服助手的按钮。", "客服助手"]


def test_the_vba_project_is_named_csxl(built):
    import olefile
    from oletools.olevba import decompress_stream

    with zipfile.ZipFile(built) as package:
        container = olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))
    project = container.openstream("PROJECT").read().decode("cp1252")
    assert re.search(r'^Name="csxl"\r?$', project, re.M) and "MyAddin" not in project
    directory = bytes(decompress_stream(bytearray(container.openstream(["VBA", "dir"]).read())))
    assert b"\x04\x00\x04\x00\x00\x00csxl" in directory and b"MyAddin" not in directory  # the PROJECTNAME record
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(built))
    modules = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    assert modules["CsxlUdfs"].replace("\r\n", "\n").strip() == vba_source("CsxlUdfs").replace("\r\n", "\n").strip()


# Each name seen in public ribbons that load in Excel (customUI files found by the search tool); the three the desk
# review could not confirm (ContactCardMenu, ShowTimeZones, ReviewErrorChecking) were replaced.  FilePrint and
# FilePrintQuick (the complaint form, the call sheet) are in public ribbons too.
CONFIRMED_IMAGE_MSO = {"Refresh", "CalendarToolSelectDate", "ErrorChecking", "FindDialog", "ContactPictureMenu",
                       "FileSendAsAttachment", "ReviewTrackChanges", "ChartInsert", "Help", "FilePrint", "FilePrintQuick"}


def test_every_ribbon_icon_is_a_confirmed_office_icon():
    icons = set(re.findall(r'imageMso="([^"]+)"', (MACROS / "customUI.xml").read_text(encoding="utf-8")))
    assert icons <= CONFIRMED_IMAGE_MSO and len(icons) == 11


# --- csxl.conf in the ANSI code page -------------------------------------------------------

def _as_vba_reads(data: bytes, code_page: str) -> dict:
    """VBA's `Input #` of "key","value" lines, in the ANSI code page (xlwings' GetConfigFromFile)."""
    return dict(re.findall(r'"([^"]*)","([^"]*)"', data.decode(code_page)))


def test_a_chinese_interpreter_path_reaches_xlwings_whole_on_chinese_windows():
    plan = install_plan(Path("csxl.xlam"), executable=PureWindowsPath(r"C:\Users\王芳\AppData\Local\Programs\Python\Python311\python.exe"),
                        prefix=Path("/nonexistent"), code_page="cp936")
    written = config_bytes(plan.settings, plan.code_page)
    assert _as_vba_reads(written, "cp936")["Interpreter_Win"] == r"C:\Users\王芳\AppData\Local\Programs\Python\Python311\pythonw.exe"
    assert written != "".join(f'"{k}","{v}"\r\n' for k, v in plan.settings.items()).encode("utf-8")  # what main wrote


def test_a_path_the_code_page_cannot_spell_is_refused_in_one_line():
    with pytest.raises(AddinError) as refused:
        config_bytes({"Interpreter_Win": r"C:\Users\王芳\Python311\pythonw.exe"}, "cp1252")
    assert "只含英文字母的路径" in refused.value.message("zh") and "\n" not in refused.value.message("zh")
    assert "ASCII path" in refused.value.message("en")


# --- the interpreter Excel will start ---------------------------------------------------------

def test_a_conda_interpreter_gets_xlwings_conda_settings(tmp_path):
    env = tmp_path / "Miniconda3" / "envs" / "csxl"
    (env / "conda-meta").mkdir(parents=True)
    assert conda_settings(env) == {"CONDA PATH": str(tmp_path / "Miniconda3"), "CONDA ENV": "csxl"}
    (tmp_path / "Miniconda3" / "conda-meta").mkdir()
    assert conda_settings(tmp_path / "Miniconda3") == {"CONDA PATH": str(tmp_path / "Miniconda3"), "CONDA ENV": "base"}
    assert conda_settings(tmp_path / "plain") == {}
    plan = install_plan(Path("csxl.xlam"), executable=env / "python.exe", prefix=env, code_page="cp936")
    assert _as_vba_reads(config_bytes(plan.settings, "cp936"), "cp936")["CONDA ENV"] == "csxl"


def test_the_store_python_and_a_missing_dll_are_refused(tmp_path):
    store = Path(r"C:\Users\clerk\AppData\Local\Microsoft\WindowsApps\PythonSoftwareFoundation.Python.3.11_qbz5n2kfra8p0\python.exe")
    assert any("Microsoft Store" in p.message("zh") for p in interpreter_problems(store, "64"))
    plain = tmp_path / "Python311" / "pythonw.exe"
    plain.parent.mkdir()
    missing = interpreter_problems(plain, "64")
    assert len(missing) == 1 and "xlwings64-0.37.8.dll" in missing[0].message("zh") and "64 位" in missing[0].message("zh")
    (plain.parent / "xlwings32-0.37.8.dll").write_bytes(b"")
    assert interpreter_problems(plain, "64")  # the 32-bit DLL does not serve a 64-bit Excel
    assert interpreter_problems(plain, "32") == []
    venv = tmp_path / "venv" / "Scripts" / "pythonw.exe"
    venv.parent.mkdir(parents=True)
    (tmp_path / "venv" / "xlwings64-0.37.8.dll").write_bytes(b"")  # a virtualenv: beside Scripts, where xlwings looks
    assert interpreter_problems(venv, "64") == []


def test_install_builds_afresh_instead_of_taking_a_stale_file_from_the_current_folder(tmp_path, csxl_cmd):
    (tmp_path / "csxl.xlam").write_bytes(b"an old add-in")
    result = subprocess.run([*csxl_cmd, "addin", "install"], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "CSXL_LANG": "zh", "HOME": str(tmp_path)})
    assert result.returncode == 3
    first = result.stdout.splitlines()[0]
    assert first.startswith("复制加载项 ") and str(tmp_path / "csxl.xlam") not in first and "csxl-addin-" in first


# --- built from an installed package ----------------------------------------------------------

def test_the_add_in_builds_from_an_installed_package_outside_the_checkout(tmp_path):
    source = tmp_path / "source"  # a copy: setuptools builds in the source tree, and tests may run side by side
    for part in ("csxl", "macros"):
        shutil.copytree(ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / part, source / part)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, timeout=300)
    installed = tmp_path / "site"
    with zipfile.ZipFile(next(wheels.glob("csxl-*.whl"))) as wheel:
        wheel.extractall(installed)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = "import csxl, sys; print(csxl.__file__); from csxl.cli import cli; cli(['addin', 'build', '-o', 'out.xlam'])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=elsewhere,
                          env={**os.environ, "PYTHONPATH": str(installed), "CSXL_LANG": "zh"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith(str(installed))  # the wheel's csxl, not the checkout's
    with zipfile.ZipFile(elsewhere / "out.xlam") as package:
        assert package.read("customUI/customUI.xml") == (MACROS / "customUI.xml").read_bytes()


def test_the_package_list_names_every_package_folder():
    listed = set(re.search(r"^packages = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M).group(1).replace('"', "").split(", "))
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "csxl").rglob("__init__.py")}
    assert folders | {"csxl.macros"} == listed


# --- the selftest ---------------------------------------------------------------------------

def test_selftest_runs_here_over_the_double_and_says_so(tmp_path, csxl_cmd):
    report = tmp_path / "自检.txt"
    result = subprocess.run([*csxl_cmd, "addin", "selftest", "-o", str(report)], capture_output=True, text=True,
                            env={**os.environ, "CSXL_LANG": "zh", "HOME": str(tmp_path)}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "测试替身" in lines[0]
    assert sum(line.startswith("PASS  功能区按钮 ") for line in lines) == len(ACTIONS)
    assert any(line.startswith("PASS  生成的工作表逐格一致") for line in lines)
    assert sum(line.startswith("PASS  工作表函数 ") for line in lines) == 4
    text = report.read_text(encoding="utf-8")
    assert "测试替身" in text and f"通过 {len(ACTIONS) + 5} 项，失败 0 项" in text


def test_a_failing_check_fails_the_selftest_with_exit_code_1(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from csxl.cli import cli
    from csxl.excel import selftest

    failing = [selftest.Check("功能区按钮 refresh", True), selftest.Check("生成的工作表逐格一致（12 张）", False, "今日待办!D2: …")]
    monkeypatch.setattr(selftest, "run", lambda today: (failing, "在本机 Excel 中运行"))
    result = CliRunner().invoke(cli, ["addin", "selftest", "-o", str(tmp_path / "r.txt")])
    assert result.exit_code == 1
    assert "FAIL  生成的工作表逐格一致（12 张）：今日待办!D2: …" in result.output
    assert "通过 1 项，失败 1 项" in (tmp_path / "r.txt").read_text(encoding="utf-8")


def test_the_comparison_names_the_cell_and_both_types():
    from csxl.excel.selftest import differences

    found = differences({"今日待办": [["手机"], ["13800138000"]]}, {"今日待办": [["手机"], [13800138000.0]]})
    assert found == ["今日待办!A2: 文件路径为 «13800138000»（str），Excel 中为 «13800138000.0»（float）"]
    assert differences({"回访月报": [["周期"]]}, {}) == ["回访月报: 缺少这个工作表"]
