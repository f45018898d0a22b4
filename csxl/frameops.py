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
