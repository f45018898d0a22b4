"""The few cell formats generated sheets use, found in (or added to) the current styles.xml.

Excel renumbers cell formats when it saves, so indices are never remembered
between writes: each write looks its formats up again, and appends only what
is missing, so repeated refreshes do not make styles.xml grow.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from .package import MAIN_NS, _bytes, _q, _xml

DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0%"
DECIMAL_FORMAT = "#,##0.00"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FILL_RGB = "FFE2EFDA"  # the generated tabs' green header, as `init` draws it (template.GENERATED_COLOR)


@dataclass(frozen=True)
class StyleIds:
    header: int
    date: int
    percent: int
    decimal: int
    datetime: int = 0
    text: int = 0
    wrapped: int = 0  # long text: wrapped, top-aligned, so a printed page shows every character


def _child(parent, tag: str, before: tuple[str, ...] = ()):
    """Find ``tag`` under ``parent`` or create it in schema order (ahead of the first of ``before``)."""
    found = parent.find(_q(MAIN_NS, tag))
    if found is not None:
        return found
    element = etree.Element(_q(MAIN_NS, tag))
    for name in before:
        anchor = parent.find(_q(MAIN_NS, name))
        if anchor is not None:
            anchor.addprevious(element)
            return element
    parent.append(element)
    return element


def _append_counted(container, element) -> int:
    container.append(element)
    container.set("count", str(len(container)))
    return len(container) - 1


def _format_id(root, code: str) -> int:
    numfmts = _child(root, "numFmts", ("fonts",))
    ids = [int(n.get("numFmtId")) for n in numfmts]
    for n in numfmts:
        if n.get("formatCode") == code:
            return int(n.get("numFmtId"))
    new_id = max([163, *ids]) + 1
    _append_counted(numfmts, etree.Element(_q(MAIN_NS, "numFmt"), numFmtId=str(new_id), formatCode=code))
    return new_id


def _bold_font_id(root) -> int:
    fonts = _child(root, "fonts", ("fills",))
    if len(fonts) == 0:
        _append_counted(fonts, etree.fromstring(f'<font xmlns="{MAIN_NS}"><sz val="11"/><name val="Calibri"/></font>'))
    base = fonts[0]

    def key(font):
        return tuple((c.tag, c.get("val")) for c in font if c.tag in (_q(MAIN_NS, "sz"), _q(MAIN_NS, "name")))

    for index, font in enumerate(fonts):
        if font.find(_q(MAIN_NS, "b")) is not None and key(font) == key(base):
            return index
    bold = copy.deepcopy(base)
    bold.insert(0, etree.Element(_q(MAIN_NS, "b")))
    return _append_counted(fonts, bold)


def _header_fill_id(root) -> int:
    fills = _child(root, "fills", ("borders",))
    for index, fill in enumerate(fills):
        pattern = fill.find(_q(MAIN_NS, "patternFill"))
        if pattern is None or pattern.get("patternType") != "solid":
            continue
        fg = pattern.find(_q(MAIN_NS, "fgColor"))
        if fg is not None and (fg.get("rgb") or "").upper() == HEADER_FILL_RGB:
            return index
    fill = etree.fromstring(
        f'<fill xmlns="{MAIN_NS}"><patternFill patternType="solid"><fgColor rgb="{HEADER_FILL_RGB}"/><bgColor indexed="64"/></patternFill></fill>'
    )
    return _append_counted(fills, fill)


_SIDES = ("left", "right", "top", "bottom")


def _thin_border_id(root) -> int:
    borders = _child(root, "borders", ("cellStyleXfs", "cellXfs"))
    for index, border in enumerate(borders):
        sides = [border.find(_q(MAIN_NS, side)) for side in _SIDES]
        if all(side is not None and side.get("style") == "thin" for side in sides):
            return index
    border = etree.fromstring(
        f'<border xmlns="{MAIN_NS}">' + "".join(f'<{side} style="thin"><color auto="1"/></{side}>' for side in _SIDES) + "<diagonal/></border>"
    )
    return _append_counted(borders, border)


def _xf_id(root, num_fmt: int, font: int, fill: int, border: int = 0, vertical: str | None = None, wrap: bool = False) -> int:
    xfs = _child(root, "cellXfs", ("cellStyles", "dxfs", "tableStyles", "colors", "extLst"))
    wanted = {k: v for k, v in (("vertical", vertical), ("wrapText", "1" if wrap else None)) if v}
    for index, xf in enumerate(xfs):
        alignment = xf.find(_q(MAIN_NS, "alignment"))
        if (
            int(xf.get("numFmtId", 0)) == num_fmt
            and int(xf.get("fontId", 0)) == font
            and int(xf.get("fillId", 0)) == fill
            and int(xf.get("borderId", 0)) == border
            and (dict(alignment.attrib) if alignment is not None else {}) == wanted
        ):
            return index
    xf = etree.Element(_q(MAIN_NS, "xf"), numFmtId=str(num_fmt), fontId=str(font), fillId=str(fill), borderId=str(border), xfId="0")
    for attribute, used in (("applyNumberFormat", num_fmt), ("applyFont", font), ("applyFill", fill), ("applyBorder", border)):
        if used:
            xf.set(attribute, "1")
    if wanted:
        xf.set("applyAlignment", "1")
        etree.SubElement(xf, _q(MAIN_NS, "alignment"), **wanted)
    return _append_counted(xfs, xf)


def ensure_styles(styles_xml: bytes) -> tuple[bytes, StyleIds]:
    """Return styles.xml (changed only if something had to be added) and the ids to use."""
    root = _xml(styles_xml)
    before = _bytes(root)
    ids = StyleIds(
        header=_xf_id(root, 0, _bold_font_id(root), _header_fill_id(root), _thin_border_id(root), "center"),
        date=_xf_id(root, _format_id(root, DATE_FORMAT), 0, 0),
        percent=_xf_id(root, _format_id(root, PERCENT_FORMAT), 0, 0),
        decimal=_xf_id(root, _format_id(root, DECIMAL_FORMAT), 0, 0),
        datetime=_xf_id(root, _format_id(root, DATETIME_FORMAT), 0, 0),
        wrapped=_xf_id(root, 0, 0, 0, vertical="top", wrap=True),
    )
    after = _bytes(root)
    return (styles_xml if after == before else after), ids
