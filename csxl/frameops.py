"""Column operations that pandas does slowly on Arrow-backed strings."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def is_in(column: pd.Series, values: Iterable | pd.Series) -> pd.Series:
    """``column.isin(values)`` computed by Arrow (pandas' own isin loops in Python for Arrow strings)."""
    value_set = pa.array(pd.Series(list(values) if not isinstance(values, pd.Series) else values, dtype="string").dropna().unique())
    mask = pc.is_in(pa.array(column.astype("string")), value_set=value_set)
    return pd.Series(mask.fill_null(False).to_numpy(zero_copy_only=False), index=column.index)


def positions_in(keys: pd.Series, values: pd.Series) -> np.ndarray:
    """For each key, the position of its first occurrence in ``values`` (-1 where absent), by Arrow's hash lookup."""
    value_set = pa.array(pd.Series(values, dtype="string").reset_index(drop=True))
    return pc.index_in(pa.array(keys.astype("string")), value_set=value_set).fill_null(-1).to_numpy().astype("int64")


def distinct_code_pairs(codes: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The positions of the first row of each distinct (key, group) pair with a key (keys: whole numbers as
    `row_keys` makes them, -1 for none; ``groups``: whole numbers)."""
    codes, groups = np.asarray(codes, dtype="int64"), np.asarray(groups, dtype="int64")
    given = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[given] * (groups.max(initial=0) + 1) + groups[given], return_index=True)
    return np.sort(given[first])


def code_matches(keys: np.ndarray, table_keys: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (position in ``keys``, group) pair where the key equals a ``table_keys`` entry with that group (a
    whole number): an inner join where a key may belong to several groups.  A (key, group) pair repeated in the
    table counts once; a missing key matches nothing.

    Keys are whole numbers as `row_keys` makes them (-1: none), made once by a caller that joins the same
    columns again and again; the join is then numpy's sort and binary search, where pandas' merge and
    drop_duplicates cost milliseconds even on small frames, and the reports join dozens of times per branch.
    """
    keys, table_keys = np.asarray(keys, dtype="int64"), np.asarray(table_keys, dtype="int64")
    groups = np.asarray(groups, dtype="int64")
    given = table_keys >= 0
    width = groups.max(initial=0) + 1
    pairs = np.unique(table_keys[given] * width + groups[given])  # each (key, group) once, in key order
    pair_keys, pair_groups = pairs // width, pairs % width
    first = np.searchsorted(pair_keys, keys, side="left")
    counts = np.where(keys >= 0, np.searchsorted(pair_keys, keys, side="right") - first, 0)
    rows = np.repeat(np.arange(len(keys)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return rows, pair_groups[np.repeat(first, counts) + offsets]


def row_keys(frames: list[pd.DataFrame], columns: list[str]) -> list[np.ndarray]:
    """Per frame, one whole number per row standing for its values in ``columns``: equal across ``frames`` exactly
    when every value is, -1 where one is missing.  Joins on several columns by numpy, not pandas' merge."""
    sizes = [len(frame) for frame in frames]
    key = np.zeros(sum(sizes), dtype="int64")
    missing = np.zeros(sum(sizes), dtype=bool)
    for column in columns:
        codes, uniques = pd.factorize(pd.concat([frame[column] for frame in frames], ignore_index=True))
        missing |= codes < 0
        key = pd.factorize(key * (len(uniques) + 1) + codes)[0]  # kept dense: the product never overflows
    key[missing] = -1
    return np.split(key, np.cumsum(sizes)[:-1])


def lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``keys.map(table)`` for string keys, by Arrow's hash lookup (pandas maps Arrow strings through Python).

    ``table`` is indexed by the key; the first entry of a repeated key wins; a missing key gives NA.
    """
    table = table[~table.index.duplicated()]
    if table.empty:
        return pd.Series(pd.NA, index=keys.index, dtype=object).astype(table.dtype)
    positions = positions_in(keys, pd.Series(table.index))
    found = positions >= 0
    taken = table.take(np.where(found, positions, 0)).set_axis(keys.index)
    return taken.where(found)


def with_a_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each empty Arrow text column holding one (empty) chunk.

    An empty frame filtered from Arrow data holds no chunks at all, and pandas
    cannot join two such columns ("cannot construct ChunkedArray from empty
    vector"): a workbook with no rows on two sheets made every report crash.
    """
    for name in frame.columns:
        array = frame[name].array
        if not isinstance(array, pd.arrays.ArrowStringArray):
            continue
        chunks = array.__arrow_array__()  # the Arrow protocol: the column's chunked array as it is
        if chunks.num_chunks == 0:
            frame[name] = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([pa.array([], chunks.type)])), index=frame.index)
    return frame
