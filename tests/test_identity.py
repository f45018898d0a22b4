"""One customer across branches (numpy label propagation) against the plain union-find it replaced."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from csxl.group.identity import _branches_of, group_customers
from csxl.group.store import BRANCH
from csxl.messages.addresses import mobile


def union_find_groups(customers: pd.DataFrame, vehicles: pd.DataFrame) -> dict[str, str]:
    """The reference: join the customers of each phone and each VIN; a group is named by its smallest id."""
    parent = {i: i for i in customers["customer_id"].dropna()}

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    def join(members):
        members = [m for m in members if m in parent]
        for other in members[1:]:
            a, b = find(members[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)

    numbers = customers["phone"].map(mobile)
    for members in customers["customer_id"][numbers.notna()].groupby(numbers[numbers.notna()]).agg(list):
        join(members)
    for members in vehicles.dropna(subset=["vin", "customer_id"]).groupby("vin")["customer_id"].agg(list):
        join(members)
    return {i: find(i) for i in parent}


phones = st.one_of(st.none(), st.sampled_from(["13800138000", "+86 138-0013-8000", "13900139000", "0755-1234567", "12345"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["SZ01", "SZ02", "GZ01"]), phones), max_size=30), st.data())
def test_label_propagation_finds_the_union_finds_groups(people, data):
    ids = [f"{branch}:C{i:03d}" for i, (branch, _) in enumerate(people)]
    customers = pd.DataFrame({"customer_id": pd.Series(ids, dtype="string"),
                              "phone": pd.Series([phone for _, phone in people], dtype="string"),
                              BRANCH: [branch for branch, _ in people]})
    owners = st.one_of(st.none(), st.just("GZ09:C999"), *(st.just(i) for i in ids[:10]))
    cars = data.draw(st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(["V1", "V2", "V3", "V4"])), owners), max_size=30))
    vehicles = pd.DataFrame({"vin": pd.Series([v for v, _ in cars], dtype="string"), "customer_id": pd.Series([o for _, o in cars], dtype="string")})

    found = group_customers(customers, vehicles)
    assert found.to_dict() == union_find_groups(customers, vehicles)

    grouped = customers.assign(group=customers["customer_id"].map(found))
    expected = grouped.groupby("group")[BRANCH].agg(lambda b: "、".join(sorted(set(b)))).to_dict()
    assert _branches_of(grouped).to_dict() == expected
