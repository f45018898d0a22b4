"""Write the generated tabs into a workbook, touching nothing the user owns."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pandas as pd
from lxml import etree

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
from .sheetxml import render_sheet
from .styles import ensure_styles

STYLES_REL = DOC_REL_NS + "/styles"


def find_sheet(package: Package, sheet: Sheet) -> SheetEntry | None:
    wanted = {s.casefold() for s in sheet.spellings()}
    return next((e for e in package.sheets if e.name.strip().casefold() in wanted), None)


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
        self.structure_changed = False

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
        self.structure_changed = True
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
        self.structure_changed = True

    def finish(self) -> None:
        if self.structure_changed:
            self.replacements[self.package.workbook_part] = _bytes(self.workbook)
            self.replacements[Package.rels_of(self.package.workbook_part)] = _bytes(self.rels)
            self.replacements["[Content_Types].xml"] = _bytes(self.content_types)
            if self.app is not None:
                self.replacements["docProps/app.xml"] = _bytes(self.app)


def _localised(frame: pd.DataFrame, sheet: Sheet, lang: str) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column in sheet.columns:
        values = frame[column.key] if column.key in frame else pd.Series(None, index=frame.index, dtype=object)
        if column.type in (ColumnType.CHOICE, ColumnType.YESNO) and lang != "zh":
            values = values.map(lambda v, c=column: v if pd.isna(v) else choice_label(c.choices, v, lang))
        out[column.key] = values
    return out


def write_generated(package: Package, frames: dict[Sheet, pd.DataFrame], lang: str) -> Path:
    """Replace (or add) the generated sheets in ``frames``; returns the backup path."""
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
        sheet_rels = Package.rels_of(entry.part)
        if package.has(sheet_rels):
            edit.removals.add(sheet_rels)  # our sheet XML references no drawings, comments or tables
        edit.replacements[entry.part] = render_sheet(
            _localised(frame, sheet, lang),
            sheet.headers(lang),
            [c.type for c in sheet.columns],
            [c.width for c in sheet.columns],
            ids,
            package.date1904,
        )
    edit.drop_calc_chain_if_it_names(replaced_ids)
    edit.finish()
    return write_parts(package.path, edit.replacements, edit.removals, package.fingerprint)
