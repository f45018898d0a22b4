"""`csxl addin build` and `csxl addin install`: the 客服助手 add-in (.xlam), assembled on any OS.

The add-in is xlwings' own ribbon template from the pinned xlwings wheel (so
its VBA runtime is the version of the xlwings that answers it), with:
PROJECT_NAME and the VBA project's name set to csxl, its sample ribbon module
replaced by macros/'s modules, its config sheet renamed ``_csxl.conf`` (the
leading underscore keeps it inactive, so the per-user csxl.conf decides), and
macros/customUI.xml as the ribbon, linked the way xlwings links its own
xlwings.xlam. VBA is edited with pyOpenVBA; Excel compiles the source on load.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

from ..errors import CsxlError

XLWINGS_VERSION = "0.37.8"
TEMPLATE = "quickstart_addin_ribbon.xlam"
PROJECT_NAME = "csxl"
TEMPLATE_PROJECT = "myaddin"
TEMPLATE_VBA_PROJECT = "MyAddin"
TEMPLATE_MODULE = "RibbonMyAddin"
MODULES = ("CsxlRibbon", "CsxlUdfs")
RIBBON = "customUI/customUI.xml"
# customUI.xml uses the 2006/01 namespace, which Office reaches through the 2006 relationship (as xlwings.xlam does);
# the 2007 relationship is for the 2009/07 (customUI14) namespace.
RIBBON_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
ADDIN_NAME = "csxl.xlam"
_PROJECTNAME_RECORD = 0x0004  # [MS-OVBA] 2.3.4.2.1.6


def _macros_folder() -> Path:
    """macros/ as installed (csxl/macros, package data) or in a checkout (the repository's top level)."""
    installed = Path(__file__).resolve().parents[1] / "macros"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "macros"


MACROS = _macros_folder()


class AddinError(CsxlError):
    """The add-in cannot be built or installed here; the message says why and what to do."""

    def message(self, lang: str = "zh") -> str:
        return self.args[0] if lang == "zh" or len(self.args) < 2 else self.args[1]


def user_folder() -> Path:
    """The user's csxl folder (%USERPROFILE%\\.csxl): csxl.conf, and the log of clicks on a workbook never saved."""
    return Path(os.environ.get("USERPROFILE") or Path.home()) / f".{PROJECT_NAME}"


def vba_source(module: str) -> str:
    """A module of macros/ as VBA stores it: CRLF line ends, ASCII only (the project's code page drops anything else)."""
    text = (MACROS / f"{module}.bas").read_text(encoding="ascii")
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _without_name(source: str) -> str:
    return re.sub(r'^Attribute VB_Name = "[^"]*"\r\n', "", source)


def template_path() -> Path:
    try:
        installed = metadata.version("xlwings")
    except metadata.PackageNotFoundError:
        raise AddinError("没有安装 xlwings：请运行 pip install \"csxl[excel]\"", "xlwings is not installed: pip install \"csxl[excel]\"") from None
    if installed != XLWINGS_VERSION:
        raise AddinError(
            f"已安装的 xlwings 是 {installed}，加载项需要 {XLWINGS_VERSION}：请运行 pip install xlwings=={XLWINGS_VERSION}",
            f"xlwings {installed} is installed; the add-in needs {XLWINGS_VERSION}: pip install xlwings=={XLWINGS_VERSION}",
        )
    return Path(str(resources.files("xlwings") / TEMPLATE))


def build(out: Path) -> Path:
    """Write the add-in to ``out`` (atomically); returns its path."""
    from pyopenvba import ExcelFile

    from ..workbook.zipcopy import rewrite_archive

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".~csxl-addin-") as work:
        staged = Path(work) / "stage.xlam"
        shutil.copyfile(template_path(), staged)
        with ExcelFile(str(staged)) as book:
            runtime = book.get_module("xlwings")
            marker = f'PROJECT_NAME As String = "{TEMPLATE_PROJECT}"'
            if marker not in runtime:
                raise AddinError("xlwings 模板与预期不符（找不到 PROJECT_NAME）", "the xlwings template is not as expected (no PROJECT_NAME)")
            book.set_module("xlwings", runtime.replace(marker, f'PROJECT_NAME As String = "{PROJECT_NAME}"'))
            project = book.vba_project()
            project.delete_module(TEMPLATE_MODULE)
            for module in MODULES:
                project.add_module(module, _without_name(vba_source(module)))
            book.save()
        import zipfile

        with zipfile.ZipFile(staged) as package:
            workbook_xml = package.read("xl/workbook.xml").decode("utf-8")
            rels = package.read("_rels/.rels").decode("utf-8")
            vba_project = package.read("xl/vbaProject.bin")
        replacements = {
            RIBBON: (MACROS / "customUI.xml").read_bytes(),
            "xl/workbook.xml": workbook_xml.replace(f"_{TEMPLATE_PROJECT}.conf", f"_{PROJECT_NAME}.conf").encode("utf-8"),
            "_rels/.rels": re.sub(r'Type="[^"]*/ui/extensibility"', f'Type="{RIBBON_RELATIONSHIP}"', rels).encode("utf-8"),
            "xl/vbaProject.bin": renamed_project(vba_project, PROJECT_NAME),
        }
        finished = Path(work) / ADDIN_NAME
        with open(finished, "wb") as target:
            rewrite_archive(staged, target, replacements)
        os.replace(finished, out)
    return out


def renamed_project(vba_project: bytes, name: str) -> bytes:
    """The vbaProject.bin with its project named ``name`` (the VBE's "VBAProject (csxl.xlam)" tree shows it)."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    container = CFB.from_bytes(vba_project)
    project_text = container.get_stream("PROJECT").decode("cp1252")
    renamed, count = re.subn(r'^Name="[^"]*"', f'Name="{name}"', project_text, count=1, flags=re.M)
    if count != 1:
        raise AddinError("xlwings 模板与预期不符（VBA 工程没有名称）", "the xlwings template is not as expected (the VBA project has no name)")
    container.write_stream("PROJECT", renamed.encode("cp1252"))
    directory = decompress(container.get_stream_in_storage("VBA", "dir"))
    container.write_stream_in_storage("VBA", "dir", compress(_with_project_name(directory, name.encode("ascii"))))
    return container.to_bytes()


def _with_project_name(directory: bytes, name: bytes) -> bytes:
    """The dir stream with its PROJECTNAME record replaced; the records before it have fixed, known sizes."""
    position = 0
    while position + 6 <= len(directory):
        record = int.from_bytes(directory[position:position + 2], "little")
        size = int.from_bytes(directory[position + 2:position + 6], "little")
        if record == _PROJECTNAME_RECORD:
            return directory[:position + 2] + len(name).to_bytes(4, "little") + name + directory[position + 6 + size:]
        if record == 0x0009:  # PROJECTVERSION: its size field is Reserved, the payload 6 bytes
            size = 6
        position += 6 + size
    raise AddinError("xlwings 模板与预期不符（dir 流中没有工程名称）", "the xlwings template is not as expected (no project name in the dir stream)")


# installing -----------------------------------------------------------------

def ansi_code_page() -> str:
    """The Windows ANSI code page as a Python codec ("cp936" on Chinese Windows): what VBA's ``Open … For Input`` reads."""
    if os.name == "nt":
        import ctypes

        return f"cp{ctypes.windll.kernel32.GetACP()}"
    return "cp1252"


def excel_bitness() -> str | None:
    """'64' or '32' as the registry says Office was installed, None when it does not say."""
    if os.name != "nt":
        return None
    import winreg

    for key, value in ((r"SOFTWARE\Microsoft\Office\ClickToRun\Configuration", "Platform"),
                       (r"SOFTWARE\Microsoft\Office\16.0\Outlook", "Bitness")):
        try:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key) as opened:
                found = str(winreg.QueryValueEx(opened, value)[0]).lower()
        except OSError:
            continue
        return "64" if "64" in found else "32"
    return None


@dataclass
class InstallPlan:
    addin: Path
    xlstart: Path
    config: Path
    interpreter: Path
    code_page: str = "cp1252"
    settings: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            f"复制加载项 {self.addin} → {self.xlstart / ADDIN_NAME}",
            f"写入 {self.config}（{self.code_page}）：" + "，".join(f"{k} = {v}" for k, v in self.settings.items()),
        ]


def conda_settings(prefix: Path) -> dict:
    """xlwings' Conda settings for an interpreter of a conda environment ({} for any other Python).

    Without them a conda Python started by Excel misses its DLLs (xlwings issues #954, #977, #1136).
    """
    if not (prefix / "conda-meta").is_dir():
        return {}
    base = prefix.parent.parent if prefix.parent.name == "envs" else prefix
    return {"CONDA PATH": str(base), "CONDA ENV": prefix.name if base != prefix else "base"}


def interpreter_problems(executable: Path, bitness: str | None) -> list[AddinError]:
    """Why Excel could not start csxl with this Python; empty when it can."""
    problems = []
    text = str(executable)
    if "WindowsApps" in text or "PythonSoftwareFoundation.Python" in text:
        problems.append(AddinError(
            "这是 Microsoft Store 版的 Python：它的 XLSTART 会被重定向到 Excel 找不到的地方。请从 python.org 安装 Python 后再安装加载项",
            "this is the Microsoft Store Python: its XLSTART copy is redirected where Excel never looks (cpython #85368); "
            "install Python from python.org, then install the add-in"))
    wanted = [f"xlwings{bits}-{XLWINGS_VERSION}.dll" for bits in ((bitness,) if bitness else ("64", "32"))]
    folders = (executable.parent, executable.parent.parent)  # a plain install, a virtualenv: where xlwings' VBA looks
    if not any((folder / dll).exists() for folder in folders for dll in wanted):
        problems.append(AddinError(
            f"在 {executable.parent} 旁边找不到 {' 或 '.join(wanted)}（{'Excel 是 ' + bitness + ' 位' if bitness else '与 Excel 位数一致的'}）：请在这个 Python 中运行 pip install xlwings=={XLWINGS_VERSION}",
            f"{' or '.join(wanted)} not found beside {executable.parent}: pip install xlwings=={XLWINGS_VERSION} in this Python"))
    return problems


def install_plan(addin: Path, executable: Path | None = None, prefix: Path | None = None, code_page: str | None = None) -> InstallPlan:
    home = Path(os.environ.get("USERPROFILE") or Path.home())
    appdata = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    interpreter = (executable or Path(sys.executable)).with_name("pythonw.exe")
    settings = {"Interpreter_Win": str(interpreter), "Use UDF Server": "False",
                **conda_settings(Path(prefix or sys.prefix))}
    return InstallPlan(addin, appdata / "Microsoft" / "Excel" / "XLSTART", user_folder() / f"{PROJECT_NAME}.conf", interpreter,
                       code_page or ansi_code_page(), settings)


def config_bytes(settings: dict, code_page: str) -> bytes:
    """xlwings' conf file ("key","value" per line) in the ANSI code page, which is how its VBA reads it.

    A path the code page cannot spell would reach Excel garbled ("Could not find Interpreter!"): refused.
    """
    text = "".join(f'"{key}","{value}"\r\n' for key, value in settings.items())
    try:
        return text.encode(code_page)
    except UnicodeEncodeError as exc:
        bad = text[exc.start:exc.end]
        raise AddinError(
            f"Python 的路径含有 Windows 代码页 {code_page} 写不出的字符「{bad}」：请把 Python 安装到只含英文字母的路径（如 C:\\Python311），再安装加载项",
            f"the Python path has characters the Windows code page {code_page} cannot write ({bad!r}): "
            "install Python into a plain ASCII path (such as C:\\Python311), then install the add-in") from None


def install(addin: Path, plan: InstallPlan | None = None) -> InstallPlan:
    """Put the add-in in the user's XLSTART folder and point it at this environment's pythonw.exe (Windows only)."""
    plan = plan or install_plan(addin)
    if os.name != "nt":
        raise AddinError("只能在 Windows 上安装加载项（Excel 桌面版），以上步骤未执行", "the add-in installs on Windows only (desktop Excel); nothing above was done")
    if not plan.interpreter.exists():
        raise AddinError(f"找不到 {plan.interpreter}：请在 csxl 的 Python 环境中运行", f"{plan.interpreter} not found: run this in csxl's environment")
    problems = interpreter_problems(plan.interpreter, excel_bitness())
    if problems:
        raise problems[0]
    written = config_bytes(plan.settings, plan.code_page)  # refused before anything is copied
    plan.xlstart.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(plan.addin, plan.xlstart / ADDIN_NAME)
    plan.config.parent.mkdir(parents=True, exist_ok=True)
    plan.config.write_bytes(written)
    return plan
