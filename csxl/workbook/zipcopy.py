"""Write a zip archive from another one, copying unchanged members' compressed bytes as they are.

Re-compressing a 700 MB workbook to change 20 MB of it costs seconds; copying
the stored bytes costs a disk copy, and keeps the user's parts exactly as
Excel stored them.  Each copied member gets a fresh local header built from
the central directory (so members written with a trailing data descriptor,
flag bit 3, come out with their CRC and sizes in the header), and zip64
records are written wherever a size, an offset or the member count needs them.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

_LOCAL = struct.Struct("<4s5H3L2H")  # signature … extra length: 30 bytes
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # 46 bytes
_END = struct.Struct("<4s4H2LH")  # 22 bytes
_END64 = struct.Struct("<4sQ2H2L4Q")  # 56 bytes
_LOCATOR64 = struct.Struct("<4sLQL")  # 20 bytes
_ZIP64_EXTRA = 0x0001
_DATA_DESCRIPTOR = 0x08
_UTF8 = 0x800
_MAX32 = 0xFFFFFFFF
_MAX16 = 0xFFFF
_COPY_CHUNK = 1 << 20


@dataclass
class _Written:
    name: bytes
    flags: int
    method: int
    dos_time: int
    dos_date: int
    crc: int
    compressed: int
    size: int
    offset: int
    extra: bytes  # central-directory extra fields other than zip64
    external_attr: int
    create_system: int


def _without_zip64(extra: bytes) -> bytes:
    """Extra fields with any zip64 record removed (it is rebuilt for the new offsets)."""
    kept, position = [], 0
    while position + 4 <= len(extra):
        header_id, length = struct.unpack_from("<HH", extra, position)
        end = position + 4 + length
        if header_id != _ZIP64_EXTRA:
            kept.append(extra[position:end])
        position = end
    return b"".join(kept)


def _dos_stamp(date_time: tuple) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((max(year, 1980) - 1980) << 9) | (month << 5) | day


class ZipCopier:
    """Builds the new archive member by member on a binary stream."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.written: list[_Written] = []
        self.names: set[str] = set()

    def copy(self, source: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Copy ``info``'s member from ``source`` without inflating it."""
        source.seek(info.header_offset)
        header = source.read(_LOCAL.size)
        if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        source.seek(name_length, 1)
        local_extra = _without_zip64(source.read(extra_length))
        entry = _Written(
            name=info.orig_filename.encode("utf-8" if info.flag_bits & _UTF8 else "cp437"),
            flags=info.flag_bits & ~_DATA_DESCRIPTOR,
            method=info.compress_type,
            dos_time=0, dos_date=0,
            crc=info.CRC, compressed=info.compress_size, size=info.file_size,
            offset=0, extra=_without_zip64(info.extra), external_attr=info.external_attr,
            create_system=info.create_system,
        )
        entry.dos_time, entry.dos_date = _dos_stamp(info.date_time)
        self._local_header(entry, local_extra)
        remaining = info.compress_size
        while remaining:
            chunk = source.read(min(remaining, _COPY_CHUNK))
            if not chunk:
                raise zipfile.BadZipFile(f"{info.filename} is truncated")
            self.out.write(chunk)
            remaining -= len(chunk)
        self._add(entry, info.filename)

    def add(self, name: str, data: bytes, date_time: tuple = (1980, 1, 1, 0, 0, 0), level: int = 6, body: bytes | None = None) -> None:
        """Add a new member, deflated (``body``: ``data`` already deflated at ``level`` by the caller)."""
        body = deflate(data, level) if body is None else body
        dos_time, dos_date = _dos_stamp(date_time)
        encoded = name.encode("utf-8")
        entry = _Written(
            name=encoded, flags=0 if encoded.isascii() else _UTF8, method=zipfile.ZIP_DEFLATED,
            dos_time=dos_time, dos_date=dos_date, crc=zlib.crc32(data), compressed=len(body), size=len(data),
            offset=0, extra=b"", external_attr=0, create_system=0,
        )
        self._local_header(entry, b"")
        self.out.write(body)
        self._add(entry, name)

    def _add(self, entry: _Written, name: str) -> None:
        if name in self.names:
            raise ValueError(f"duplicate zip member {name}")
        self.names.add(name)
        self.written.append(entry)

    def _local_header(self, entry: _Written, extra: bytes) -> None:
        entry.offset = self.out.tell()
        big = entry.size >= _MAX32 or entry.compressed >= _MAX32
        if big:
            extra = struct.pack("<HHQQ", _ZIP64_EXTRA, 16, entry.size, entry.compressed) + extra
        self.out.write(_LOCAL.pack(
            b"PK\x03\x04", 45 if big else 20, entry.flags, entry.method, entry.dos_time, entry.dos_date,
            entry.crc, _MAX32 if big else entry.compressed, _MAX32 if big else entry.size, len(entry.name), len(extra),
        ))
        self.out.write(entry.name)
        self.out.write(extra)

    def finish(self) -> None:
        """Write the central directory and its end records."""
        start = self.out.tell()
        for entry in self.written:
            # Values that do not fit 32 bits move to the zip64 record, in this order, leaving 0xFFFFFFFF behind.
            values = (entry.size, entry.compressed, entry.offset)
            fields = [v for v in values if v >= _MAX32]
            size, compressed, offset = (min(v, _MAX32) for v in values)
            extra = entry.extra
            if fields:
                extra = struct.pack(f"<HH{len(fields)}Q", _ZIP64_EXTRA, 8 * len(fields), *fields) + extra
            version = 45 if fields else 20
            self.out.write(_CENTRAL.pack(
                b"PK\x01\x02", (entry.create_system << 8) | version, version, entry.flags, entry.method,
                entry.dos_time, entry.dos_date, entry.crc, compressed, size,
                len(entry.name), len(extra), 0, 0, 0, entry.external_attr, offset,
            ))
            self.out.write(entry.name)
            self.out.write(extra)
        end = self.out.tell()
        count, length = len(self.written), end - start
        if count >= _MAX16 or start >= _MAX32 or length >= _MAX32:
            self.out.write(_END64.pack(b"PK\x06\x06", _END64.size - 12, 45, 45, 0, 0, count, count, length, start))
            self.out.write(_LOCATOR64.pack(b"PK\x06\x07", 0, end, 1))
            count16, length32, start32 = min(count, _MAX16), min(length, _MAX32), min(start, _MAX32)
        else:
            count16, length32, start32 = count, length, start
        self.out.write(_END.pack(b"PK\x05\x06", 0, 0, count16, count16, length32, start32, 0))


def deflate(data: bytes, level: int = 6) -> bytes:
    """Raw deflate, as zip members store it (zlib releases the GIL: parts compress in parallel)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def rewrite_archive(
    source_path, out: BinaryIO, replacements: dict[str, bytes], removals: Iterable[str] = (), level: int = 6,
    deflating: dict[str, Future] | None = None,
) -> None:
    """Write ``source_path``'s members to ``out``, replacing, removing and adding as asked.

    Replaced members keep their place and date; new ones follow in the order given.  ``deflating``: replacements
    whose deflate (at ``level``) the caller started already, so that it ran while the next part was made.
    """
    removals = set(removals)
    deflating = deflating or {}
    with open(source_path, "rb") as raw, zipfile.ZipFile(raw) as archive, ThreadPoolExecutor(max_workers=2) as pool:
        bodies = {name: deflating.get(name) or pool.submit(deflate, data, level)
                  for name, data in replacements.items() if name not in removals}
        infos = archive.infolist()
        copier = ZipCopier(out)
        for info in infos:
            if info.filename in removals:
                continue
            data = replacements.get(info.filename)
            if data is None:
                copier.copy(raw, info)
            else:
                copier.add(info.filename, data, info.date_time, level, bodies[info.filename].result())
        present = {i.filename for i in infos}
        for name, data in replacements.items():
            if name not in present and name not in removals:
                copier.add(name, data, level=level, body=bodies[name].result())
        copier.finish()


def check_members(path, names: Iterable[str]) -> None:
    """Inflate the named members of the written archive (zipfile checks each CRC); raises on damage."""

    def inflate(name: str) -> None:
        with zipfile.ZipFile(path) as archive, archive.open(name) as member:
            while member.read(_COPY_CHUNK):
                pass

    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(inflate, name) for name in names]:
            done.result()
