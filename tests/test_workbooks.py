"""workbooks/ holds what the code builds, and `csxl init` builds what the schema declares."""

import importlib.util
import zipfile
from pathlib import Path

import openpyxl
import pytest

from csxl.schema import DUE, INPUT_SHEETS, SETTINGS
from csxl.settings import Settings
from csxl.workbook.reader import read_book
from csxl.workbook.template import build_template

ROOT = Path(__file__).resolve().parent.parent


def _builder():
    spec = importlib.util.spec_from_file_location("build_workbooks", ROOT / "scripts" / "build_workbooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", list(_builder().OUTPUTS))
def test_committed_workbooks_are_current(tmp_path, name):
    fresh = dict(zip(_builder().OUTPUTS, _builder().build(tmp_path)))[name]
    with zipfile.ZipFile(ROOT / "workbooks" / name) as committed, zipfile.ZipFile(fresh) as built:
        assert {n: committed.read(n) for n in committed.namelist()} == {n: built.read(n) for n in built.namelist()}, (
            "run: python scripts/build_workbooks.py"
        )


def test_template_has_every_sheet_with_frozen_styled_headers_and_drop_downs(tmp_path):
    path = build_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    for sheet in INPUT_SHEETS:
        ws = wb[sheet.zh]
        assert [c.value for c in ws[1]] == sheet.headers("zh")
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.bold
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["回访记录"].data_validations.dataValidation}
    assert lists["D2"] == '"7DC,3DC,月回访,年回访,季度回访,生日,节日"'
    assert wb["车辆档案"].column_dimensions["A"].number_format == "@"  # VINs typed in Excel stay text
    assert [c.value for c in wb[DUE.zh][1]] == DUE.headers("zh")


def test_settings_sheet_holds_every_setting_with_default_and_explanation(tmp_path):
    wb = openpyxl.load_workbook(build_template(tmp_path / "t.xlsx"))
    rows = {r[0]: (r[1], r[2]) for r in wb[SETTINGS.zh].iter_rows(min_row=2, values_only=True)}
    for entry in Settings.entries():
        value, help_text = rows[entry.metadata["zh"]]
        assert value == str(getattr(Settings(), entry.name)) and help_text


def test_init_round_trips_with_no_problems(tmp_path):
    for lang in ("zh", "en"):
        book = read_book(build_template(tmp_path / f"{lang}.xlsx", lang=lang))
        assert book.problems == [] and book.settings.lang == lang
