"""Column operations that pandas does slowly on Arrow-backed strings."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def is_in(column: pd.Series, values: Iterable | pd.Series) -> pd.Series:
    """``column.isin(values)`` computed by Arrow (pandas' own isin loops in Python for Arrow strings)."""
    value_set = pa.array(pd.Series(list(values) if not isinstance(values, pd.Series) else values, dtype="string").dropna().unique())
    mask = pc.is_in(pa.array(column.astype("string")), value_set=value_set)
    return pd.Series(mask.fill_null(False).to_numpy(zero_copy_only=False), index=column.index)
