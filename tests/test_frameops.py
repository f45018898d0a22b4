"""The Arrow/numpy joins the reports use instead of pandas' merge, against pandas' merge itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from csxl.frameops import all_matches, distinct_pairs

keys = st.lists(st.one_of(st.none(), st.sampled_from(["A", "B", "C", "D", ""])), max_size=25)


@settings(max_examples=200, deadline=None)
@given(keys, keys, st.data())
def test_all_matches_is_an_inner_join_of_distinct_pairs(left, table, data):
    groups = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(table), max_size=len(table))), dtype="int64")
    rows, found = all_matches(pd.Series(left, dtype="string"), pd.Series(table, dtype="string"), groups)
    pairs = pd.DataFrame({"key": pd.Series(table, dtype="object"), "group": groups}).dropna().drop_duplicates()
    expected = pd.DataFrame({"key": pd.Series(left, dtype="object"), "row": range(len(left))}).dropna().merge(pairs, on="key")
    assert sorted(zip(rows.tolist(), found.tolist())) == sorted(zip(expected["row"], expected["group"]))


@settings(max_examples=200, deadline=None)
@given(keys, st.data())
def test_distinct_pairs_keeps_the_first_row_of_each_pair_with_a_key(column, data):
    groups = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(column), max_size=len(column))), dtype="int64")
    frame = pd.DataFrame({"key": pd.Series(column, dtype="object"), "group": groups})
    expected = frame.dropna().drop_duplicates().index.tolist()
    assert distinct_pairs(pd.Series(column, dtype="string"), groups).tolist() == expected


def test_a_repeated_pair_in_the_table_matches_once_and_a_key_in_two_groups_twice():
    rows, found = all_matches(pd.Series(["V1", "V2", None], dtype="string"),
                              pd.Series(["V1", "V1", "V1", None], dtype="string"), np.array([0, 0, 2, 1]))
    assert list(zip(rows.tolist(), found.tolist())) == [(0, 0), (0, 2)]
