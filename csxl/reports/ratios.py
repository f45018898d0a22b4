"""Rates and means that are empty (NaN), not zero and not an error, when there is nothing to divide."""

from __future__ import annotations

import numpy as np
import pandas as pd


def ratio(numerator, denominator):
    """numerator / denominator, NaN where the denominator is 0 or missing; a Series when either is one, an array for arrays."""
    top = np.asarray(numerator, dtype="float64")
    bottom = np.asarray(denominator, dtype="float64")
    safe = np.where((bottom == 0) | np.isnan(bottom), np.nan, bottom)
    values = top / safe
    for operand in (numerator, denominator):
        if isinstance(operand, pd.Series):
            return pd.Series(values, index=operand.index)
    return float(values) if values.ndim == 0 else values
