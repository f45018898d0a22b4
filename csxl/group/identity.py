"""One customer across branches: the same mobile number, or a car with the same 车架号, makes one group customer.

Branch ids are local (two branches both have a C00001), so every id is first made the
group's own by prefixing its branch (``SZ01:C00001``); then customers linked by a
normalised mobile (``+86 138-0013-8000`` = ``13800138000``) or by owning the same VIN are
joined, and each group of them takes the first of its ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..frameops import lookup, positions_in
from ..messages.addresses import mobile
from .store import BRANCH

# the id columns of each input table that are local to a branch
LOCAL_IDS = {
    "customers": ("customer_id",), "vehicles": ("customer_id",), "visits": ("customer_id", "order_no"),
    "complaints": ("customer_id", "complaint_id"), "services": ("order_no",), "handover": (),
}


def namespaced(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = {}
    for key, frame in frames.items():
        frame = frame.copy()
        for column in LOCAL_IDS.get(key, ()):
            frame[column] = (frame[BRANCH] + ":" + frame[column]).astype("string")
        out[key] = frame
    return out


def group_customers(customers: pd.DataFrame, vehicles: pd.DataFrame) -> pd.Series:
    """namespaced customer id → group customer id (the smallest id of its group).

    Connected components by label propagation: every customer starts as its own label (its rank among the
    ids), each phone and each VIN passes the smallest label of its customers to all of them, until nothing
    changes.  A handful of numpy passes for a group of 100,000 customers, where a union-find walked them in Python.
    """
    ids = pd.Series(customers["customer_id"].dropna().unique(), dtype="string").sort_values(ignore_index=True)
    numbers = customers["phone"].map(mobile)
    links = []  # (customer, the phone or VIN it links through), both as positions
    for members, keys in ((positions_in(customers["customer_id"][numbers.notna()], ids), pd.factorize(numbers.dropna())[0]),
                          (positions_in(vehicles["customer_id"].where(vehicles["vin"].notna()), ids), pd.factorize(vehicles["vin"])[0])):
        known = (members >= 0) & (keys >= 0)
        links.append((members[known], keys[known]))
    label = np.arange(len(ids))
    while True:
        before = label.copy()
        for members, keys in links:
            smallest = np.full(keys.max(initial=-1) + 1, len(ids))
            np.minimum.at(smallest, keys, label[members])
            np.minimum.at(label, members, smallest[keys])
        label = label[label]  # a label is a customer whose own label may have moved on since
        if np.array_equal(label, before):
            break
    return pd.Series(ids.to_numpy()[label], index=ids.to_numpy(), dtype="string")


@dataclass
class GroupCustomers:
    """The consolidated frames with one customer per group, each group customer's branches (joined by 、), and per
    branch how many of its customers another branch shares; ``shared`` counts the group customers spanning branches."""

    frames: dict[str, pd.DataFrame]
    branches_of: pd.Series
    shared_by_branch: pd.Series
    shared: int


def merged(frames: dict[str, pd.DataFrame]) -> GroupCustomers:
    frames = namespaced(frames)
    group_of = group_customers(frames["customers"], frames["vehicles"])
    customers = frames["customers"].assign(group=lambda f: lookup(f["customer_id"], group_of))
    branches_of = _branches_of(customers)
    spread = customers.groupby("group")[BRANCH].nunique()
    shared_by_branch = customers[lookup(customers["group"], spread) > 1].groupby(BRANCH)["group"].nunique()
    for key in ("customers", "vehicles", "visits", "complaints"):
        frame = frames[key]
        frame["customer_id"] = lookup(frame["customer_id"], group_of).fillna(frame["customer_id"]).astype("string")
    frames["customers"] = frames["customers"].drop_duplicates("customer_id").reset_index(drop=True)
    cars = frames["vehicles"]
    frames["vehicles"] = cars[cars["vin"].isna() | ~cars["vin"].duplicated()].reset_index(drop=True)
    return GroupCustomers(frames, branches_of, shared_by_branch, int((spread > 1).sum()))


def _branches_of(customers: pd.DataFrame) -> pd.Series:
    """group customer id → its branches joined by 、 (only the few shared ones are joined in Python)."""
    pairs = customers[["group", BRANCH]].drop_duplicates().sort_values(["group", BRANCH])
    single = ~pairs["group"].duplicated(keep=False)
    shared = pairs[~single].groupby("group")[BRANCH].agg("、".join)
    return pd.concat([pairs[single].set_index("group")[BRANCH], shared]).astype("string")
