"""Looking inside zip archives below what zipfile shows: the bytes as stored."""

import struct
import zipfile


def _data_start(raw, info: zipfile.ZipInfo) -> int:
    raw.seek(info.header_offset)
    name_length, extra_length = struct.unpack_from("<HH", raw.read(30), 26)
    return info.header_offset + 30 + name_length + extra_length


def stored_bytes(path, name: str) -> bytes:
    """A member's bytes exactly as stored (still compressed)."""
    with open(path, "rb") as raw, zipfile.ZipFile(raw) as archive:
        info = archive.getinfo(name)
        raw.seek(_data_start(raw, info))
        return raw.read(info.compress_size)


def local_extra(path, name: str) -> bytes:
    """The extra fields of a member's local header."""
    with open(path, "rb") as raw, zipfile.ZipFile(raw) as archive:
        info = archive.getinfo(name)
        end = _data_start(raw, info)
        raw.seek(info.header_offset + 28)
        extra_length = struct.unpack("<H", raw.read(2))[0]
        raw.seek(end - extra_length)
        return raw.read(extra_length)
