"""Write the generated tabs into a workbook, touching nothing the user owns."""

from __future__ import annotations

import posixpath
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
from lxml import etree
from xlsxwriter.utility import xl_col_to_name

from ..schema import ColumnType, Sheet, choice_label
from .package import (
    CALC_CHAIN_REL,
    CT_NS,
    DOC_REL_NS,
    EXT_PROPS_NS,
    MAIN_NS,
    PKG_REL_NS,
    VT_NS,
    WORKSHEET_CT,
    WORKSHEET_REL,
    Package,
    SheetEntry,
    _bytes,
    _q,
    _xml,
    write_parts,
)
from .charts import CHART_CT, CHART_REL, DRAWING_CT, DRAWING_REL, chart_xml, drawing_xml, relationships_xml
from .sheetxml import render_sheet
from .styles import ensure_styles
from .zipcopy import deflate

STYLES_REL = DOC_REL_NS + "/styles"


def find_sheet_name(names: list[str], sheet: Sheet) -> str | None:
    """The workbook's name for ``sheet`` (Chinese or English, any case, stray spaces ignored)."""
    wanted = {s.casefold() for s in sheet.spellings()}
    return next((n for n in names if n.strip().casefold() in wanted), None)


def find_sheet(package: Package, sheet: Sheet) -> SheetEntry | None:
    name = find_sheet_name([e.name for e in package.sheets], sheet)
    return next((e for e in package.sheets if e.name == name), None)


class _Edit:
    """The structural parts a write may change, parsed once."""

    def __init__(self, package: Package):
        self.package = package
        self.workbook = package.workbook_xml
        self.rels = package.workbook_rels
        self.content_types = _xml(package.read("[Content_Types].xml"))
        self.app = _xml(package.read("docProps/app.xml")) if package.has("docProps/app.xml") else None
        self.replacements: dict[str, bytes] = {}
        self.removals: set[str] = set()
        self.changed: set[str] = set()  # which structural parts to write

    def rel_target(self, rel_type: str) -> str | None:
        for rel in self.rels:
            if rel.get("Type") == rel_type:
                return Package.resolve(self.package.workbook_part, rel.get("Target"))
        return None

    def add_sheet(self, name: str) -> SheetEntry:
        used_parts = {e.part for e in self.package.sheets} | self.package.part_names() | set(self.replacements)
        number = 1
        while f"xl/worksheets/sheet{number}.xml" in used_parts:
            number += 1
        part = f"xl/worksheets/sheet{number}.xml"
        rel_ids = {r.get("Id") for r in self.rels}
        rel_number = 1
        while f"rId{rel_number}" in rel_ids:
            rel_number += 1
        rel_id = f"rId{rel_number}"
        sheets = self.workbook.find(_q(MAIN_NS, "sheets"))
        sheet_id = max([int(s.get("sheetId")) for s in sheets] + [0]) + 1
        etree.SubElement(sheets, _q(MAIN_NS, "sheet"), {"name": name, "sheetId": str(sheet_id), _q(DOC_REL_NS, "id"): rel_id})
        target = posixpath.relpath(part, posixpath.dirname(self.package.workbook_part))
        etree.SubElement(self.rels, _q(PKG_REL_NS, "Relationship"), Id=rel_id, Type=WORKSHEET_REL, Target=target)
        etree.SubElement(self.content_types, _q(CT_NS, "Override"), PartName="/" + part, ContentType=WORKSHEET_CT)
        self._add_title(name)
        self.changed.update(("workbook", "rels", "content_types", "app"))
        entry = SheetEntry(name, sheet_id, rel_id, part)
        self.package.sheets.append(entry)
        return entry

    def _add_title(self, name: str) -> None:
        if self.app is None:
            return
        pairs = self.app.find(f"{_q(EXT_PROPS_NS, 'HeadingPairs')}/{_q(VT_NS, 'vector')}")
        titles = self.app.find(f"{_q(EXT_PROPS_NS, 'TitlesOfParts')}/{_q(VT_NS, 'vector')}")
        if pairs is None or titles is None or len(pairs) < 2:
            return
        count = pairs[1].find(_q(VT_NS, "i4"))  # worksheets always come first
        if count is None:
            return
        position = int(count.text)
        count.text = str(position + 1)
        title = etree.Element(_q(VT_NS, "lpstr"))
        title.text = name
        titles.insert(position, title)
        titles.set("size", str(len(titles)))

    def drop_calc_chain_if_it_names(self, sheet_ids: set[int]) -> None:
        """Excel rebuilds a missing calcChain, but repairs one that names formulas we replaced."""
        part = self.rel_target(CALC_CHAIN_REL)
        if part is None or not self.package.has(part):
            return
        chain = _xml(self.package.read(part))
        current, named = None, set()
        for cell in chain:
            current = int(cell.get("i", current or 0))
            named.add(current)
        if not named & sheet_ids:
            return
        self.removals.add(part)
        for rel in list(self.rels):
            if rel.get("Type") == CALC_CHAIN_REL:
                self.rels.remove(rel)
        for override in list(self.content_types):
            if override.get("PartName") == "/" + part:
                self.content_types.remove(override)
        self.changed.update(("rels", "content_types"))

    def drop_parts_of(self, part: str) -> None:
        """Remove the parts only ``part`` points to (drawings, charts, comments, …), so a rewrite never duplicates them."""
        rels_part = Package.rels_of(part)
        if not self.package.has(rels_part) or rels_part in self.removals:
            return
        self.removals.add(rels_part)
        for rel in _xml(self.package.read(rels_part)):
            if rel.get("TargetMode") == "External":
                continue
            target = Package.resolve(part, rel.get("Target"))
            if self.package.has(target) and target not in self.removals:
                self.removals.add(target)
                self.drop_parts_of(target)
        for override in list(self.content_types):
            if override.get("PartName", "").lstrip("/") in self.removals:
                self.content_types.remove(override)
                self.changed.add("content_types")

    def free_part(self, pattern: str) -> str:
        """The first ``pattern.format(n)`` that no current or new part uses."""
        taken = self.package.part_names() | set(self.replacements)
        number = 1
        while pattern.format(number) in taken:
            number += 1
        return pattern.format(number)

    def add_charts(self, entry: SheetEntry, charts: list, columns: list[str]) -> str:
        """Write the drawing and chart parts of a sheet; returns the sheet's relationship id for the drawing."""
        drawing = self.free_part("xl/drawings/drawing{}.xml")
        self.replacements[drawing] = b""  # reserve the name while the charts take theirs
        chart_rels = []
        for index, chart in enumerate(charts, start=1):
            part = self.free_part("xl/charts/chart{}.xml")
            self.replacements[part] = chart_xml(chart, entry.name, columns)
            self._override(part, CHART_CT)
            chart_rels.append((f"rId{index}", CHART_REL, posixpath.relpath(part, posixpath.dirname(drawing))))
        self.replacements[drawing] = drawing_xml([rel_id for rel_id, _, _ in chart_rels], len(columns) + 1)
        self.replacements[Package.rels_of(drawing)] = relationships_xml(chart_rels)
        self._override(drawing, DRAWING_CT)
        self.replacements[Package.rels_of(entry.part)] = relationships_xml(
            [("rId1", DRAWING_REL, posixpath.relpath(drawing, posixpath.dirname(entry.part)))]
        )
        return "rId1"

    def _override(self, part: str, content_type: str) -> None:
        etree.SubElement(self.content_types, _q(CT_NS, "Override"), PartName="/" + part, ContentType=content_type)
        self.changed.add("content_types")

    def set_print_names(self, entry: SheetEntry, last_column: str, last_row: int | None) -> None:
        """Print titles (the header row on every page) and, given ``last_row``, the print area: the table, not the charts beside it."""
        sheets = self.workbook.find(_q(MAIN_NS, "sheets"))
        position = next(i for i, s in enumerate(sheets) if s.get(_q(DOC_REL_NS, "id")) == entry.rel_id)
        names = self.workbook.find(_q(MAIN_NS, "definedNames"))
        if names is None:
            names = etree.Element(_q(MAIN_NS, "definedNames"))
            anchor = next((self.workbook.find(_q(MAIN_NS, t)) for t in ("externalReferences", "functionGroups", "sheets")
                           if self.workbook.find(_q(MAIN_NS, t)) is not None))
            anchor.addnext(names)
        quoted = "'" + entry.name.replace("'", "''") + "'"
        wanted = {"_xlnm.Print_Titles": f"{quoted}!$1:$1"}
        if last_row is not None:
            wanted["_xlnm.Print_Area"] = f"{quoted}!$A$1:${last_column}${last_row}"
        for name, value in wanted.items():
            found = next((d for d in names if d.get("name") == name and d.get("localSheetId") == str(position)), None)
            if found is None:
                found = etree.SubElement(names, _q(MAIN_NS, "definedName"), name=name, localSheetId=str(position))
            if found.text != value:
                found.text = value
                self.changed.add("workbook")

    def finish(self) -> None:
        if "workbook" in self.changed:
            self.replacements[self.package.workbook_part] = _bytes(self.workbook)
        if "rels" in self.changed:
            self.replacements[Package.rels_of(self.package.workbook_part)] = _bytes(self.rels)
        if "content_types" in self.changed:
            self.replacements["[Content_Types].xml"] = _bytes(self.content_types)
        if "app" in self.changed and self.app is not None:
            self.replacements["docProps/app.xml"] = _bytes(self.app)


def localised(frame: pd.DataFrame, sheet: Sheet, lang: str) -> pd.DataFrame:
    """The frame as a tab in ``lang`` shows it: the sheet's columns in order, choices in that language (attrs kept)."""
    out = pd.DataFrame(index=frame.index)
    for column in sheet.columns:
        values = frame[column.key] if column.key in frame else pd.Series(None, index=frame.index, dtype=object)
        if column.type in (ColumnType.CHOICE, ColumnType.YESNO) and lang != "zh":
            # one pass per choice, not a Python call per cell: a group's 客户价值 has 100k rows of them
            values = values.replace({c.zh: choice_label(column.choices, c.zh, lang) for c in column.choices})
        out[column.key] = values
    out.attrs = frame.attrs
    return out


def write_generated(
    package: Package, frames: dict[Sheet, pd.DataFrame], lang: str, charts: dict[Sheet, list] | None = None,
    keep_backup: bool = True, print_charts: bool = False,
) -> Path | None:
    """Replace (or add) the generated sheets in ``frames``, with their ``charts``; returns the backup path.

    Tabs print their table only, unless ``print_charts`` (the monthly report workbook prints its charts too).
    """
    # Each tab is deflated as soon as it is rendered, on the other core, while the next one renders.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="csxl-deflate") as deflater:
        replacements, removals, deflating = generated_parts(package, frames, lang, charts, print_charts, deflater)
        return write_parts(package.path, replacements, removals, package.fingerprint, keep_backup, deflating)


def generated_parts(package: Package, frames: dict[Sheet, pd.DataFrame], lang: str, charts: dict[Sheet, list] | None = None,
                    print_charts: bool = False, deflater: ThreadPoolExecutor | None = None):
    """The parts to replace and to remove so that ``package`` holds ``frames`` as its generated tabs, and the
    deflates started: ``deflater``, a pool, deflates each tab's XML as soon as it is made (part → Future)."""
    charts = charts or {}
    deflating: dict[str, Future] = {}
    edit = _Edit(package)
    styles_part = edit.rel_target(STYLES_REL)
    current_styles = package.read(styles_part)
    styles_xml, ids = ensure_styles(current_styles)
    if styles_xml != current_styles:
        edit.replacements[styles_part] = styles_xml
    replaced_ids = set()
    for sheet, frame in frames.items():
        entry = find_sheet(package, sheet) or edit.add_sheet(sheet.name(lang))
        replaced_ids.add(entry.sheet_id)
        edit.drop_parts_of(entry.part)  # the old drawing and charts (or whatever the tab pointed to) go
        drawing = edit.add_charts(entry, charts[sheet], sheet.keys) if charts.get(sheet) else None
        if drawing:
            edit.removals.discard(Package.rels_of(entry.part))
        edit.replacements[entry.part] = xml = render_sheet(
            localised(frame, sheet, lang),
            sheet.headers(lang),
            [c.type for c in sheet.columns],
            [c.width_for(lang) for c in sheet.columns],
            ids,
            package.date1904,
            lang,
            drawing,
        )
        if deflater is not None:
            deflating[entry.part] = deflater.submit(deflate, xml)
        edit.set_print_names(entry, xl_col_to_name(len(sheet.columns) - 1), None if print_charts else len(frame) + 1)
    edit.drop_calc_chain_if_it_names(replaced_ids)
    edit.finish()
    return edit.replacements, edit.removals, deflating
