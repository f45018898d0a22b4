"""Files a clerk may hand csxl that are not the plain .xlsx it writes: each works, or ends in one clear line.

(The zip bomb is in test_faults.py; the .xls, .ods and CSV look-alikes by their first bytes are in test_cli.py.)
"""

import datetime as dt
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from cli_runs import run

from csxl.demo import demo_rows
from csxl.workbook.template import build_template

TODAY = dt.date(2026, 11, 24)
NO_SOFFICE = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed; .ci/run installs it")


def one_clear_line(done) -> str:
    assert done.returncode == 3, done  # the file cannot be used
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def demo_book(tmp_path):
    return build_template(tmp_path / "台账.xlsx", rows=demo_rows(TODAY, 60))


def todo_rows(path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path, read_only=True)["今日待办"]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def soffice_convert(source, to: str, folder):
    folder.mkdir(exist_ok=True)
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
         "--convert-to", to, "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return folder / (source.stem + "." + to.split(":")[0])


def test_a_password_protected_workbook_is_one_line(csxl_cmd, demo_book, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = tmp_path / "加密.xlsx"
    with open(demo_book, "rb") as plain, open(locked, "wb") as out:
        OOXMLFile(plain).encrypt("1234", out)
    for command in ("check", "refresh", "remind"):
        line = one_clear_line(run(csxl_cmd, command, locked, "--today", TODAY))
        assert line == f"Error: 不是有效的 .xlsx 工作簿：{locked}（它像是旧版 .xls 文件或设了密码的工作簿：请在 Excel 中取消密码，另存为 .xlsx）"


@NO_SOFFICE
def test_a_real_xls_is_one_line(csxl_cmd, demo_book, tmp_path):
    old = soffice_convert(demo_book, "xls", tmp_path / "xls")
    assert old.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    line = one_clear_line(run(csxl_cmd, "refresh", old, "--today", TODAY))
    assert "请在 Excel 中" in line and "另存为 .xlsx" in line


@NO_SOFFICE
def test_a_workbook_saved_by_libreoffice_refreshes_like_the_original(csxl_cmd, demo_book, tmp_path):
    resaved = soffice_convert(demo_book, "xlsx:Calc MS Excel 2007 XML", tmp_path / "libreoffice")
    assert run(csxl_cmd, "refresh", demo_book, "--today", TODAY).returncode == 0
    done = run(csxl_cmd, "refresh", resaved, "--today", TODAY)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done
    assert todo_rows(resaved) == todo_rows(demo_book)


def test_a_1904_workbook_refreshes_like_the_original(csxl_cmd, demo_book, tmp_path):
    mac = tmp_path / "mac.xlsx"
    book = openpyxl.load_workbook(demo_book)
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904  # every date is saved as a serial from 1904
    book.save(mac)
    with zipfile.ZipFile(mac) as archive:
        assert b'date1904="1"' in archive.read("xl/workbook.xml")
    assert run(csxl_cmd, "refresh", demo_book, "--today", TODAY).returncode == 0
    assert run(csxl_cmd, "refresh", mac, "--today", TODAY).returncode == 0
    assert todo_rows(mac) == todo_rows(demo_book)  # openpyxl reads each with its own epoch


VBA_CT = "application/vnd.ms-office.vbaProject"
MACRO_MAIN_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def _with_macros(xlsx, xlsm, vba_project: bytes):
    """The workbook as Excel saves it with macros: a vbaProject part and the macro-enabled content type."""
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", MACRO_MAIN_CT.encode())
                data = data.replace(b"</Types>", f'<Default Extension="bin" ContentType="{VBA_CT}"/></Types>'.encode())
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
            out.writestr(item, data)
        out.writestr("xl/vbaProject.bin", vba_project)


def test_an_xlsm_keeps_its_macros_through_a_refresh(csxl_cmd, demo_book, tmp_path):
    from oletools.olevba import VBA_Parser

    from csxl.excel.addin import build

    with zipfile.ZipFile(build(tmp_path / "csxl.xlam")) as addin:
        vba_project = addin.read("xl/vbaProject.bin")
    xlsm = tmp_path / "台账.xlsm"
    _with_macros(demo_book, xlsm, vba_project)
    done = run(csxl_cmd, "refresh", xlsm, "--today", TODAY)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done
    with zipfile.ZipFile(xlsm) as archive:
        assert archive.read("xl/vbaProject.bin") == vba_project
        assert MACRO_MAIN_CT.encode() in archive.read("[Content_Types].xml")
        assert "今日待办" in openpyxl.load_workbook(xlsm, read_only=True, keep_vba=True).sheetnames
    modules = [name for _, _, name, _ in VBA_Parser(str(xlsm)).extract_macros()]
    assert modules, "the macros are still there and readable"
    assert todo_rows(xlsm)[1:]  # the tab was written
