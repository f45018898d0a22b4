"""The Arrow/numpy joins the reports use instead of pandas' merge, against pandas' merge itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from csxl.frameops import code_matches, distinct_code_pairs, row_keys

keys = st.lists(st.one_of(st.none(), st.sampled_from(["A", "B", "C", "D", ""])), max_size=25)


def codes(*columns: list) -> list:
    """Each column's texts as the whole-number keys the joins take."""
    return row_keys([pd.DataFrame({"key": pd.Series(column, dtype="string")}) for column in columns], ["key"])


@settings(max_examples=200, deadline=None)
@given(keys, keys, st.data())
def test_code_matches_is_an_inner_join_of_distinct_pairs(left, table, data):
    groups = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(table), max_size=len(table))), dtype="int64")
    rows, found = code_matches(*codes(left, table), groups)
    pairs = pd.DataFrame({"key": pd.Series(table, dtype="object"), "group": groups}).dropna().drop_duplicates()
    expected = pd.DataFrame({"key": pd.Series(left, dtype="object"), "row": range(len(left))}).dropna().merge(pairs, on="key")
    assert sorted(zip(rows.tolist(), found.tolist())) == sorted(zip(expected["row"], expected["group"]))


@settings(max_examples=200, deadline=None)
@given(keys, st.data())
def test_distinct_pairs_keeps_the_first_row_of_each_pair_with_a_key(column, data):
    groups = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(column), max_size=len(column))), dtype="int64")
    frame = pd.DataFrame({"key": pd.Series(column, dtype="object"), "group": groups})
    expected = frame.dropna().drop_duplicates().index.tolist()
    assert distinct_code_pairs(codes(column)[0], groups).tolist() == expected


def test_a_repeated_pair_in_the_table_matches_once_and_a_key_in_two_groups_twice():
    rows, found = code_matches(*codes(["V1", "V2", None], ["V1", "V1", "V1", None]), np.array([0, 0, 2, 1]))
    assert list(zip(rows.tolist(), found.tolist())) == [(0, 0), (0, 2)]



@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(["2026-01-04", "2026-01-05"])), st.one_of(st.none(), st.sampled_from(["V1", "V2"]))),
                max_size=20), st.lists(st.tuples(st.sampled_from(["2026-01-04", "2026-01-05"]), st.sampled_from(["V1", "V2"])), max_size=20))
def test_row_keys_are_equal_exactly_when_every_value_is(left, right):
    def frame(values):
        return pd.DataFrame({"day": pd.to_datetime(pd.Series([d for d, _ in values], dtype=object)).astype("datetime64[s]"),
                             "vin": pd.Series([v for _, v in values], dtype="string")})

    a, b = frame(left), frame(right)
    a_keys, b_keys = row_keys([a, b], ["day", "vin"])
    for i, (day, vin) in enumerate(left):
        assert (a_keys[i] == -1) == (day is None or vin is None)
        for j, other in enumerate(right):
            if a_keys[i] >= 0:
                assert (a_keys[i] == b_keys[j]) == ((day, vin) == other)
