"""`csxl addin build` and `csxl addin install`: the 客服助手 add-in (.xlam), assembled on any OS.

The add-in is xlwings' own ribbon template from the pinned xlwings wheel (so
its VBA runtime is the version of the xlwings that answers it), with:
PROJECT_NAME set to csxl, its sample ribbon module replaced by macros/'s
modules, its config sheet renamed ``_csxl.conf`` (the leading underscore keeps
it inactive, so the per-user csxl.conf decides), and macros/customUI.xml as
the ribbon.  VBA is edited with pyOpenVBA; Excel compiles the source on load.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from ..errors import CsxlError

XLWINGS_VERSION = "0.37.8"
TEMPLATE = "quickstart_addin_ribbon.xlam"
PROJECT_NAME = "csxl"
TEMPLATE_PROJECT = "myaddin"
TEMPLATE_MODULE = "RibbonMyAddin"
MACROS = Path(__file__).resolve().parents[2] / "macros"
MODULES = ("CsxlRibbon", "CsxlUdfs")
RIBBON = "customUI/customUI.xml"
ADDIN_NAME = "csxl.xlam"


class AddinError(CsxlError):
    """The add-in cannot be built or installed here; the message says why and what to do."""

    def message(self, lang: str = "zh") -> str:
        return self.args[0] if lang == "zh" or len(self.args) < 2 else self.args[1]


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
        replacements = {
            RIBBON: (MACROS / "customUI.xml").read_bytes(),
            "xl/workbook.xml": workbook_xml.replace(f"_{TEMPLATE_PROJECT}.conf", f"_{PROJECT_NAME}.conf").encode("utf-8"),
        }
        finished = Path(work) / ADDIN_NAME
        with open(finished, "wb") as target:
            rewrite_archive(staged, target, replacements)
        os.replace(finished, out)
    return out


@dataclass
class InstallPlan:
    addin: Path
    xlstart: Path
    config: Path
    interpreter: Path

    def lines(self) -> list[str]:
        return [
            f"复制加载项 {self.addin} → {self.xlstart / ADDIN_NAME}",
            f"写入 {self.config}：Interpreter_Win = {self.interpreter}",
        ]


def install_plan(addin: Path) -> InstallPlan:
    home = Path(os.environ.get("USERPROFILE") or Path.home())
    appdata = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    interpreter = Path(sys.executable).with_name("pythonw.exe")
    return InstallPlan(addin, appdata / "Microsoft" / "Excel" / "XLSTART", home / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf", interpreter)


def config_text(interpreter: Path) -> str:
    """xlwings' conf file format: "key","value" per line."""
    return f'"Interpreter_Win","{interpreter}"\n"Use UDF Server","False"\n'


def install(addin: Path) -> InstallPlan:
    """Put the add-in in the user's XLSTART folder and point it at this environment's pythonw.exe (Windows only)."""
    plan = install_plan(addin)
    if os.name != "nt":
        raise AddinError("只能在 Windows 上安装加载项（Excel 桌面版），以上步骤未执行", "the add-in installs on Windows only (desktop Excel); nothing above was done")
    if not plan.interpreter.exists():
        raise AddinError(f"找不到 {plan.interpreter}：请在 csxl 的 Python 环境中运行", f"{plan.interpreter} not found: run this in csxl's environment")
    plan.xlstart.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(plan.addin, plan.xlstart / ADDIN_NAME)
    plan.config.parent.mkdir(parents=True, exist_ok=True)
    plan.config.write_text(config_text(plan.interpreter), encoding="utf-8")
    return plan
