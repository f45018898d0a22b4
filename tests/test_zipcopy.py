"""The raw-copy zip writer: unchanged members keep their compressed bytes, whatever wrote the archive."""

import io
import zipfile

import pytest
from ziptools import local_extra, stored_bytes

from csxl.workbook.zipcopy import check_members, rewrite_archive


def rewrite(source, target, replacements=None, removals=()):
    with open(target, "wb") as out:
        rewrite_archive(source, out, replacements or {}, removals)
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
    return target


class Unseekable(io.RawIOBase):
    """A write-only stream, so zipfile falls back to data descriptors (flag bit 3)."""

    def __init__(self):
        self.buffer = bytearray()

    def writable(self):
        return True

    def write(self, data):
        self.buffer += data
        return len(data)


def test_unchanged_members_keep_their_compressed_bytes(tmp_path):
    source = tmp_path / "in.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("keep/deflated.xml", b"<a>" + b"x" * 5000 + b"</a>", compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        archive.writestr("keep/stored.bin", bytes(range(256)) * 10, compress_type=zipfile.ZIP_STORED)
        archive.writestr("change.xml", b"old")
        archive.writestr("drop.xml", b"gone")
    target = rewrite(source, tmp_path / "out.zip", {"change.xml": b"new", "added/新.xml": b"<b/>"}, {"drop.xml"})
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["keep/deflated.xml", "keep/stored.bin", "change.xml", "added/新.xml"]
        assert archive.read("change.xml") == b"new"
        assert archive.read("added/新.xml") == b"<b/>"
        assert archive.getinfo("keep/stored.bin").compress_type == zipfile.ZIP_STORED
    for name in ("keep/deflated.xml", "keep/stored.bin"):
        assert stored_bytes(target, name) == stored_bytes(source, name)


def test_members_written_with_data_descriptors(tmp_path):
    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", b"<a>" * 1000)
        archive.writestr("b.xml", b"<b>" * 1000)
    source = tmp_path / "descriptors.zip"
    source.write_bytes(bytes(stream.buffer))
    with zipfile.ZipFile(source) as archive:
        assert all(info.flag_bits & 0x08 for info in archive.infolist())
    target = rewrite(source, tmp_path / "out.zip", {"b.xml": b"<new/>"})
    with zipfile.ZipFile(target) as archive:
        assert archive.read("a.xml") == b"<a>" * 1000
        assert archive.read("b.xml") == b"<new/>"
        assert not archive.getinfo("a.xml").flag_bits & 0x08
    assert stored_bytes(target, "a.xml") == stored_bytes(source, "a.xml")


def test_zip64_member_records_are_rebuilt(tmp_path):
    source = tmp_path / "zip64.zip"
    with zipfile.ZipFile(source, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("big.xml", "w", force_zip64=True) as member:
            member.write(b"<row/>" * 10000)
        archive.writestr("small.xml", b"<s/>")
    assert local_extra(source, "big.xml")[:2] == b"\x01\x00"  # the source's local header has a zip64 record
    target = rewrite(source, tmp_path / "out.zip", {"small.xml": b"<t/>"})
    with zipfile.ZipFile(target) as archive:
        assert archive.read("big.xml") == b"<row/>" * 10000
    assert stored_bytes(target, "big.xml") == stored_bytes(source, "big.xml")


def test_more_members_than_a_plain_zip_can_count(tmp_path):
    source = tmp_path / "many.zip"
    count = 70_000
    with zipfile.ZipFile(source, "w", compression=zipfile.ZIP_STORED) as archive:
        for i in range(count):
            archive.writestr(f"p/{i}", b"")
    target = rewrite(source, tmp_path / "out.zip", {"extra.xml": b"<x/>"})
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert len(names) == count + 1 and names[-1] == "extra.xml"
    assert b"PK\x06\x06" in target.read_bytes()[-200:]  # the zip64 end record carries the count


def test_check_members_catches_a_damaged_member(tmp_path):
    target = tmp_path / "out.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("sheet.xml", b"<worksheet/>" * 100)
    data = bytearray(target.read_bytes())
    position = data.index(b"<worksheet/>")
    data[position + 1] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile):
        check_members(target, ["sheet.xml"])
