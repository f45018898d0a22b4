"""Writing the generated tabs into a real workbook: user parts untouched, atomic, refusing when unsafe."""

import datetime as dt
import os
import zipfile

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from ziptools import stored_bytes

from csxl import jobs
from csxl.errors import WorkbookChanged, WorkbookOpenInExcel
from csxl.problems import problems_frame
from csxl.schema import DUE, GENERATED_SHEETS, PROBLEMS
from csxl.workbook.reader import read_book
from csxl.workbook.template import build_template
from csxl.workbook.writer import write_generated

# openpyxl warns that it would drop the extended validation; these tests check csxl does not.
pytestmark = pytest.mark.filterwarnings("ignore:Data Validation extension:UserWarning")

TODAY = dt.date(2026, 11, 24)
ROWS = {
    "customers": [
        {"customer_id": "C1", "name": "=HYPERLINK(\"http://x\",\"点我\")", "phone": "075512345678", "birthday": dt.date(1990, 11, 28)},
        {"customer_id": "C2", "name": "李四", "birthday": "不知道"},
    ],
    "vehicles": [{"vin": "V1", "customer_id": "C1", "plate": "粤B12345", "insurance_due": dt.date(2026, 11, 30)}],
}

# An Excel 2010 extended data validation (a list taken from another sheet), which openpyxl drops on save.
X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>设置!$A$2:$A$5</xm:f></x14:formula1><xm:sqref>I2:I100</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst>"
)


def _parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _sheet_part(path, name):
    from csxl.workbook.package import Package

    return next(e.part for e in Package(path).sheets if e.name == name)


@pytest.fixture
def clerk_workbook(tmp_path):
    """A workbook from the template, then edited the way a clerk (or Excel) would."""
    path = build_template(tmp_path / "台账.xlsx", rows=ROWS)
    wb = openpyxl.load_workbook(path)
    ws = wb["客户档案"]
    ws["B2"].font = Font(bold=True, color="FFFF0000")
    ws["B3"].fill = PatternFill("solid", fgColor="FFFFFF00")
    ws["C2"].comment = Comment("老客户，只接下午电话", "刘敏")
    ws.conditional_formatting.add("D2:D100", CellIsRule(operator="lessThan", formula=["DATE(1960,1,1)"], fill=PatternFill("solid", fgColor="FFFFC7CE")))
    dv = DataValidation(type="list", formula1='"普通,银卡,金卡"')
    ws.add_data_validation(dv)
    dv.add("I2:I100")
    wb.save(path)
    # Add what openpyxl cannot keep, straight into the part, as Excel itself would have written it.
    part = _sheet_part(path, "客户档案")
    parts = _parts(path)
    parts[part] = parts[part].replace(b"</worksheet>", X14_VALIDATION.encode() + b"</worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _generated_parts(path) -> set[str]:
    """The parts of the generated tabs, their drawings and charts, and the structure that lists them."""
    names = {s.zh for s in GENERATED_SHEETS}
    sheet_parts = {_sheet_part(path, n) for n in names}
    with zipfile.ZipFile(path) as z:
        charts = {n for n in z.namelist() if n.startswith(("xl/charts/", "xl/drawings/drawing", "xl/drawings/_rels/drawing"))}
    rels = {p.replace("worksheets/", "worksheets/_rels/") + ".rels" for p in sheet_parts}
    return sheet_parts | rels | charts | {"xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml"}


def test_refresh_leaves_every_user_part_byte_identical(clerk_workbook):
    before = _parts(clerk_workbook)
    jobs.refresh(clerk_workbook, TODAY)
    after = _parts(clerk_workbook)
    allowed = _generated_parts(clerk_workbook)
    changed = {n for n in set(before) | set(after) if before.get(n) != after.get(n)}
    assert changed <= allowed, changed - allowed
    assert {_sheet_part(clerk_workbook, "今日待办"), _sheet_part(clerk_workbook, "数据问题")} <= changed
    assert X14_VALIDATION.encode() in after[_sheet_part(clerk_workbook, "客户档案")]
    assert set(before) - set(after) <= allowed


def test_refresh_copies_user_parts_without_recompressing(clerk_workbook):
    # Excel's deflate is not zlib's level 6: pack the parts at level 9 so that any re-compression shows.
    parts = _parts(clerk_workbook)
    with zipfile.ZipFile(clerk_workbook, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    original = clerk_workbook.with_name("original.xlsx")
    original.write_bytes(clerk_workbook.read_bytes())
    jobs.refresh(clerk_workbook, TODAY)
    generated = _generated_parts(clerk_workbook)
    with zipfile.ZipFile(original) as z:
        user_parts = [n for n in z.namelist() if n not in generated]
    assert user_parts
    for name in user_parts:
        assert stored_bytes(clerk_workbook, name) == stored_bytes(original, name), name


def test_refresh_keeps_the_workbook_mode(clerk_workbook):
    os.chmod(clerk_workbook, 0o664)
    jobs.refresh(clerk_workbook, TODAY)
    assert clerk_workbook.stat().st_mode & 0o777 == 0o664


def test_refresh_writes_due_and_problems_readable_by_openpyxl(clerk_workbook):
    jobs.refresh(clerk_workbook, TODAY)
    wb = openpyxl.load_workbook(clerk_workbook)
    due = [[c.value for c in row] for row in wb["今日待办"].iter_rows()]
    assert due[0] == DUE.headers("zh")
    kinds = sorted(r[0] for r in due[1:])
    assert kinds == ["生日关怀", "续保提醒"]
    renewal = next(r for r in due[1:] if r[0] == "续保提醒")
    assert renewal[3] == "075512345678" and renewal[6] == dt.datetime(2026, 11, 30) and renewal[7] == 0
    assert wb["今日待办"].freeze_panes == "A2"
    problems = [[c.value for c in row] for row in wb["数据问题"].iter_rows()]
    assert problems[0] == PROBLEMS.headers("zh")
    assert problems[1][:4] == ["客户档案", 3, "生日", "不知道"]


def test_text_that_looks_like_a_formula_stays_text(clerk_workbook):
    jobs.refresh(clerk_workbook, TODAY)
    xml = _parts(clerk_workbook)[_sheet_part(clerk_workbook, "今日待办")]
    assert b"<f>" not in xml
    assert "=HYPERLINK".encode() in xml
    assert openpyxl.load_workbook(clerk_workbook)["今日待办"]["C2"].data_type != "f"


def test_repeated_refreshes_do_not_grow_styles(clerk_workbook):
    jobs.refresh(clerk_workbook, TODAY)
    styles = _parts(clerk_workbook)["xl/styles.xml"]
    jobs.refresh(clerk_workbook, TODAY)
    assert _parts(clerk_workbook)["xl/styles.xml"] == styles


def test_refresh_keeps_the_previous_file_as_backup(clerk_workbook):
    before = clerk_workbook.read_bytes()
    _, backup = jobs.refresh(clerk_workbook, TODAY)
    assert backup.read_bytes() == before
    assert not [p for p in clerk_workbook.parent.iterdir() if p.name.startswith(".~csxl-")]


def test_refused_when_open_in_excel_and_nothing_changes(clerk_workbook):
    lock = clerk_workbook.with_name("~$" + clerk_workbook.name)
    lock.write_bytes(b"owner")
    before, mtime = clerk_workbook.read_bytes(), clerk_workbook.stat().st_mtime_ns
    with pytest.raises(WorkbookOpenInExcel):
        jobs.refresh(clerk_workbook, TODAY)
    assert clerk_workbook.read_bytes() == before and clerk_workbook.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in clerk_workbook.parent.iterdir()) == sorted([clerk_workbook.name, lock.name])


def test_not_overwritten_when_the_clerk_saved_in_between(clerk_workbook):
    book = read_book(clerk_workbook)
    wb = openpyxl.load_workbook(clerk_workbook)  # the clerk saves a change meanwhile
    wb["客户档案"]["B3"] = "李四（已改）"
    wb.save(clerk_workbook)
    os.utime(clerk_workbook, ns=(book.package.fingerprint.mtime_ns + 10**9,) * 2)
    saved = clerk_workbook.read_bytes()
    with pytest.raises(WorkbookChanged):
        write_generated(book.package, {PROBLEMS: problems_frame(book.problems)}, "zh")
    assert clerk_workbook.read_bytes() == saved
    assert not [p for p in clerk_workbook.parent.iterdir() if p.name.startswith(".~csxl-")]


def test_a_deleted_generated_tab_is_added_back(clerk_workbook):
    wb = openpyxl.load_workbook(clerk_workbook)
    del wb["今日待办"]
    wb.save(clerk_workbook)
    jobs.refresh(clerk_workbook, TODAY)
    wb = openpyxl.load_workbook(clerk_workbook)
    assert wb.sheetnames[-1] == "今日待办"
    assert wb["今日待办"]["A1"].value == "事项类型"
    with zipfile.ZipFile(clerk_workbook) as z:
        types = z.read("[Content_Types].xml").decode()
    assert types.count("worksheet+xml") == len(wb.sheetnames)


def test_an_added_sheet_is_listed_in_the_document_properties(tmp_path):
    from lxml import etree

    from csxl.workbook.package import Package
    from csxl.workbook.writer import _Edit

    path = build_template(tmp_path / "b.xlsx")
    edit = _Edit(Package(path))
    edit.add_sheet("新表")
    edit.finish()
    app = etree.fromstring(edit.replacements["docProps/app.xml"])
    ns = {"vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"}
    ns["ep"] = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    titles = [e.text for e in app.iterfind("ep:TitlesOfParts//vt:lpstr", ns)]
    sheets = len(Package(path).sheets)
    assert titles[sheets] == "新表"  # after the other worksheets, before the named ranges (print titles)
    assert app.find(".//vt:i4", ns).text == str(sheets + 1)


def test_calc_chain_naming_a_generated_sheet_is_dropped(clerk_workbook):
    jobs.refresh(clerk_workbook, TODAY)
    from csxl.workbook.package import Package

    due_id = next(e.sheet_id for e in Package(clerk_workbook).sheets if e.name == "今日待办")
    parts = _parts(clerk_workbook)
    parts["xl/calcChain.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="A2" i="{due_id}"/></calcChain>'
    ).encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId999" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    )
    with zipfile.ZipFile(clerk_workbook, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    jobs.refresh(clerk_workbook, TODAY)
    after = _parts(clerk_workbook)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]


def test_english_workbook_gets_english_generated_tabs(tmp_path):
    path = build_template(tmp_path / "en.xlsx", lang="en", rows=ROWS)
    jobs.refresh(path, TODAY)
    wb = openpyxl.load_workbook(path)
    rows = [[c.value for c in r] for r in wb["Due today"].iter_rows()]
    assert rows[0] == DUE.headers("en")
    assert sorted(r[0] for r in rows[1:]) == ["birthday greeting", "insurance reminder"]
    assert "Data problems" in wb.sheetnames


def test_absolute_relationship_targets_are_followed(clerk_workbook):
    """Some generators write Target="/xl/styles.xml" instead of "styles.xml"."""
    parts = _parts(clerk_workbook)
    rels = parts["xl/_rels/workbook.xml.rels"]
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(b'Target="styles.xml"', b'Target="/xl/styles.xml"').replace(
        b'Target="worksheets/', b'Target="/xl/worksheets/')
    assert parts["xl/_rels/workbook.xml.rels"] != rels
    with zipfile.ZipFile(clerk_workbook, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    jobs.refresh(clerk_workbook, TODAY)
    assert openpyxl.load_workbook(clerk_workbook)["今日待办"]["A1"].value == "事项类型"
