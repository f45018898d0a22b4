"""Turn a sheet's text cells (an Arrow column each) into typed values, finding every cell that is not usable.

Arrow's compute kernels do the bulk in C++: trimming, strict ISO dates,
plain numbers, and the few distinct values of a choice column.  Only the
cells they reject go on to the slower, more forgiving parsers (Chinese dates,
serial numbers, ``12,000元``), so a million-row sheet costs little more than
loading it, and every bad cell is still found.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..calendars.parsing import parse_dates

_ISO = r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d+)?)?$"
_FRACTION_OF_SECOND = r"(:\d{2})\.\d+$"
_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_NUMBER_DECORATION = r"[,，¥￥元\s]"


def _mask(array) -> np.ndarray:
    """A boolean Arrow array as numpy, null as False."""
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


def trimmed(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Whitespace trimmed; empty cells as null; one contiguous array."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], pa.string())
    text = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def to_dates(text: pa.Array, date1904: bool) -> tuple[pd.Series, np.ndarray]:
    """(dates as datetime64[s], mask of non-empty cells that are not dates)."""
    iso = _mask(pc.match_substring_regex(text, _ISO))
    # A moment with a fraction of a second (how a reader writes one) counts to the whole second, as typed cells do.
    whole_seconds = pc.replace_substring_regex(text, _FRACTION_OF_SECOND, r"\1")
    parsed = pc.coalesce(
        pc.strptime(whole_seconds, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True),
        pc.strptime(whole_seconds, format="%Y-%m-%d", unit="s", error_is_null=True),
    )
    # Arrow rolls 2026-02-30 over into March: a date only counts if its day is the day that was written.
    written_day = pc.cast(pc.if_else(pa.array(iso), pc.utf8_slice_codeunits(text, 8, 10), None), pa.int64())
    exact = iso & _mask(pc.equal(pc.day(parsed), written_day))
    dates = pd.Series(pc.if_else(pa.array(exact), parsed, None).to_numpy(zero_copy_only=False), dtype="datetime64[s]")
    rest = _mask(pc.is_valid(text)) & ~exact
    bad = np.zeros(len(dates), dtype=bool)
    if rest.any():
        positions = np.flatnonzero(rest)
        slow, slow_bad = parse_dates(pd.Series(text.take(pa.array(positions)).to_pylist(), index=positions, dtype="string"), date1904)
        dates.iloc[positions] = slow.to_numpy()
        bad[positions] = slow_bad.to_numpy()
    return dates, bad


def to_numbers(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(float values, mask of non-empty cells that are not numbers); ``12,000元`` and ``¥3500`` are numbers."""
    plain = pc.match_substring_regex(text, _PLAIN_NUMBER)
    values = pc.cast(pc.if_else(plain, text, None), pa.float64()).to_numpy(zero_copy_only=False).astype("float64")
    rest = _mask(pc.is_valid(text)) & ~_mask(plain)
    if rest.any():
        positions = np.flatnonzero(rest)
        cleaned = pc.replace_substring_regex(text.take(pa.array(positions)), _NUMBER_DECORATION, "")
        again = pc.match_substring_regex(cleaned, _PLAIN_NUMBER)
        values[positions] = pc.cast(pc.if_else(again, cleaned, None), pa.float64()).to_numpy(zero_copy_only=False)
    bad = _mask(pc.is_valid(text)) & np.isnan(values)
    return values, bad


def typed_dates(values: pa.Array, odd, date1904: bool) -> tuple[pd.Series, np.ndarray]:
    """`to_dates` for a column read as moments: (dates to the second, mask of unusable cells); ``odd`` (`typedread.OddCells`)
    are its cells that were not moments, converted from their text."""
    seconds = pc.cast(pc.floor_temporal(values, unit="second"), pa.timestamp("s"))
    dates = pd.Series(seconds.to_numpy(zero_copy_only=False), dtype="datetime64[s]")
    bad = np.zeros(len(dates), dtype=bool)
    if len(odd.offsets):
        odd_dates, odd_bad = to_dates(odd.texts, date1904)
        dates.iloc[odd.offsets] = odd_dates.to_numpy()
        bad[odd.offsets] = odd_bad
    return dates, bad


def typed_numbers(values: pa.Array, odd) -> tuple[np.ndarray, np.ndarray]:
    """`to_numbers` for a column read as numbers; ``odd`` are its cells that were not numbers, converted from their text."""
    numbers = values.to_numpy(zero_copy_only=False).astype("float64")
    bad = np.zeros(len(numbers), dtype=bool)
    if len(odd.offsets):
        odd_numbers, odd_bad = to_numbers(odd.texts)
        numbers[odd.offsets] = odd_numbers
        bad[odd.offsets] = odd_bad
    return numbers, bad


def is_plain_number(text: str) -> bool:
    return re.match(_PLAIN_NUMBER, text) is not None


def number_text(number: float) -> str:
    """A number as fastexcel writes a number cell as text (Rust's ``{:.9}``, trailing zeros cut): 11, 7.5, 1000."""
    return f"{number:.9f}".rstrip("0").rstrip(".")


def to_choices(text: pa.Array, spellings: dict[str, str]) -> tuple[pd.Series, np.ndarray]:
    """(canonical values, mask of non-empty cells that are none of them); ``spellings`` maps casefolded spellings."""
    encoded = pc.dictionary_encode(text)
    canonical = pa.array([spellings.get(v.casefold()) for v in encoded.dictionary.to_pylist()], pa.string())
    values = canonical.take(encoded.indices)
    bad = _mask(pc.is_valid(text)) & ~_mask(pc.is_valid(values))
    return as_strings(values), bad


def as_strings(text: pa.Array | pa.ChunkedArray) -> pd.Series:
    """The Arrow column as a pandas string column, without copying through Python objects."""
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks or [pa.array([], pa.string())], pa.string())))
