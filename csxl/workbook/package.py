"""The .xlsx file as a zip package of parts.

csxl never round-trips a workbook through a spreadsheet library: it reads the
few structural parts it needs (workbook.xml and its relationships) and, on
write, replaces only the parts of the generated sheets, copying every other
part through unchanged.  See SPEC section 6 for why.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
import tempfile
import zipfile
import zlib
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import IsAFolder, NotAWorkbook, WorkbookChanged, WorkbookNotFound, WorkbookOpenInExcel, WorkbookReadOnly, WriteFailed
from ..files import workbook_temp_prefix
from .zipcopy import check_members, rewrite_archive

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
EXT_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

WORKSHEET_REL = DOC_REL_NS + "/worksheet"
CALC_CHAIN_REL = DOC_REL_NS + "/calcChain"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass(frozen=True)
class SheetEntry:
    name: str
    sheet_id: int
    rel_id: str
    part: str  # e.g. xl/worksheets/sheet1.xml


@dataclass(frozen=True)
class Fingerprint:
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> Fingerprint:
        stat = path.stat()
        return cls(stat.st_size, stat.st_mtime_ns)


def lock_file(path: Path) -> Path:
    """The owner file Excel and WPS keep beside an open workbook."""
    return path.with_name("~$" + path.name)


def ensure_not_open(path: Path) -> None:
    """Refuse while Excel, WPS or LibreOffice has the workbook open (each leaves its owner file beside it)."""
    # Excel shortens long names in the lock file (~$ replaces the first two characters).
    candidates = {lock_file(path), path.with_name("~$" + path.name[2:])} if len(path.name) > 2 else {lock_file(path)}
    candidates.add(path.with_name(f".~lock.{path.name}#"))  # LibreOffice
    if any(c.exists() for c in candidates):
        raise WorkbookOpenInExcel(path)


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# A part that inflates past this is refused before anything reads it (a 1M-visit sheet is about 600 MB).
MAX_PART_BYTES = 4 * 1024**3


def what_file_is(path: Path) -> str:
    """What a file that is not a usable workbook seems to be, from its name and first bytes (a message id)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return "file_unreadable"
    if not head:
        return "file_empty"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "file_ole"  # .xls (Excel 97–2003), or an .xlsx with a password
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                    return "file_ods"
                if "xl/workbook.xml" in names and path.suffix.lower() not in WORKBOOK_SUFFIXES:
                    return "file_wrong_suffix"
        except zipfile.BadZipFile:
            return "file_damaged"
        return "file_zip"
    try:
        head.decode("utf-8")
        return "file_text"
    except UnicodeDecodeError:
        return "file_other"


class Package:
    """Read access to the structure of an .xlsx file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if self.path.is_dir():
            raise IsAFolder(self.path)
        if not self.path.exists():
            raise WorkbookNotFound(self.path)
        self.fingerprint = Fingerprint.of(self.path)
        if self.path.suffix.lower() not in WORKBOOK_SUFFIXES:
            raise NotAWorkbook(self.path, what_file_is(self.path))
        try:
            # Opened per read and closed at once: Windows cannot replace a file that is held open.
            with zipfile.ZipFile(self.path) as archive:
                if any(info.file_size > MAX_PART_BYTES for info in archive.infolist()):
                    raise NotAWorkbook(self.path, "file_bomb")
                self._names = set(archive.namelist())
                self.workbook_part = self._office_document(archive)
                self.workbook_xml = _xml(archive.read(self.workbook_part))
                self.workbook_rels = _xml(archive.read(self.rels_of(self.workbook_part)))
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
            raise NotAWorkbook(self.path, what_file_is(self.path)) from exc
        self.sheets = self._sheets()

    # structure -----------------------------------------------------------
    @staticmethod
    def rels_of(part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", name + ".rels")

    @staticmethod
    def _office_document(archive: zipfile.ZipFile) -> str:
        rels = _xml(archive.read("_rels/.rels"))
        for rel in rels:
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target").lstrip("/")
        raise KeyError("officeDocument")

    @staticmethod
    def resolve(source_part: str, target: str) -> str:
        """The part a relationship of ``source_part`` points to (targets may be relative or absolute)."""
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))

    def _sheets(self) -> list[SheetEntry]:
        targets = {rel.get("Id"): (rel.get("Type"), rel.get("Target")) for rel in self.workbook_rels}
        entries = []
        sheets = self.workbook_xml.find(_q(MAIN_NS, "sheets"))
        for sheet in sheets if sheets is not None else ():
            rel_id = sheet.get(_q(DOC_REL_NS, "id"))
            rel_type, target = targets.get(rel_id, (None, None))
            if rel_type != WORKSHEET_REL:
                continue  # chart sheets and dialog sheets hold no rows
            entries.append(SheetEntry(sheet.get("name"), int(sheet.get("sheetId")), rel_id, self.resolve(self.workbook_part, target)))
        return entries

    @property
    def date1904(self) -> bool:
        pr = self.workbook_xml.find(_q(MAIN_NS, "workbookPr"))
        return pr is not None and pr.get("date1904", "0").lower() in ("1", "true")

    def read(self, part: str) -> bytes:
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(part)

    def part_names(self) -> set[str]:
        return set(self._names)

    def has(self, part: str) -> bool:
        return part in self._names

    def first_value_row(self, part: str) -> int:
        """The Excel row number of the first row that holds a value (where readers find the header)."""
        with zipfile.ZipFile(self.path) as archive, archive.open(part) as stream:
            for _, row in etree.iterparse(stream, tag=_q(MAIN_NS, "row"), huge_tree=True):
                for cell in row:
                    if cell.find(_q(MAIN_NS, "v")) is not None or cell.find(_q(MAIN_NS, "is")) is not None:
                        return int(row.get("r"))
                row.clear()
        return 1


def write_parts(
    path: Path,
    replacements: dict[str, bytes],
    removals: set[str],
    expected: Fingerprint,
    keep_backup: bool = True,
    deflating: dict[str, Future] | None = None,
) -> Path | None:
    """Write ``path`` anew with some parts replaced or removed; every other part is copied as it is.

    Unchanged parts are copied compressed, byte for byte; only the new parts
    are deflated, and only they are read back to check them.  The new file is
    written beside the old one, given the old one's mode, and swapped in
    atomically; the previous file is kept as ``<name>.bak`` unless told not to.  Refuses when the
    workbook is open in Excel or was saved by someone else since ``expected``
    was taken.  Returns the backup's path.  ``deflating``: parts already being deflated (see `rewrite_archive`).
    """
    path = Path(path)
    ensure_not_open(path)
    if Fingerprint.of(path) != expected:
        raise WorkbookChanged(path)
    if not path.stat().st_mode & stat.S_IWUSR:  # replacing it would succeed on Linux, and undo the clerk's choice
        raise WorkbookReadOnly(path)
    try:
        return _write_beside(path, replacements, removals, expected, keep_backup, deflating)
    except OSError as exc:  # a full disk, a read-only folder or file: the workbook is as it was
        raise WriteFailed(path, exc.strerror or str(exc)) from exc


def _write_beside(path: Path, replacements: dict[str, bytes], removals: set[str], expected: Fingerprint, keep_backup: bool,
                  deflating: dict[str, Future] | None = None):
    fd, tmp_name = tempfile.mkstemp(prefix=workbook_temp_prefix(path), suffix=".xlsx", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            rewrite_archive(path, out, replacements, removals, deflating=deflating)
            out.flush()
            os.fsync(out.fileno())
        try:
            check_members(tmp, [name for name in replacements if name not in removals])
        except (zipfile.BadZipFile, zlib.error) as exc:
            raise NotAWorkbook(tmp) from exc
        _copy_ownership(path, tmp)
        ensure_not_open(path)
        if Fingerprint.of(path) != expected:
            raise WorkbookChanged(path)
        backup = path.with_name(path.name + ".bak") if keep_backup else None
        if backup:
            _keep_backup(path, backup)
        os.replace(tmp, path)
        return backup
    finally:
        if tmp.exists():
            tmp.unlink()


def _copy_ownership(original: Path, replacement: Path) -> None:
    """The replacement keeps the original's mode, and its owner and group where we may set them."""
    info = original.stat()
    os.chmod(replacement, stat.S_IMODE(info.st_mode))
    if hasattr(os, "chown"):
        try:
            os.chown(replacement, info.st_uid, info.st_gid)
        except PermissionError:
            pass  # only root may give a file away; the mode is what the other clerks need


def _keep_backup(path: Path, backup: Path) -> None:
    staging = backup.with_name(backup.name + ".tmp")
    if staging.exists():
        staging.unlink()
    try:
        os.link(path, staging)  # instant: the old file's data stays reachable under the backup name
    except OSError:
        shutil.copy2(path, staging)
    os.replace(staging, backup)
