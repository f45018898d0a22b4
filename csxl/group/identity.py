"""One customer across branches: the same mobile number, or a car with the same 车架号, makes one group customer.

Branch ids are local (two branches both have a C00001), so every id is first made the
group's own by prefixing its branch (``SZ01:C00001``); then customers linked by a
normalised mobile (``+86 138-0013-8000`` = ``13800138000``) or by owning the same VIN are
joined, and each group of them takes the first of its ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

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


class _Groups:
    def __init__(self, ids):
        self.parent = {i: i for i in ids}

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, members) -> None:
        members = [m for m in members if m in self.parent]
        for other in members[1:]:
            a, b = self.find(members[0]), self.find(other)
            if a != b:
                self.parent[max(a, b)] = min(a, b)


def group_customers(customers: pd.DataFrame, vehicles: pd.DataFrame) -> pd.Series:
    """namespaced customer id → group customer id (the smallest id of its group)."""
    groups = _Groups(customers["customer_id"].tolist())
    numbers = customers["phone"].map(mobile)
    for members in customers["customer_id"][numbers.notna()].groupby(numbers[numbers.notna()]).agg(list):
        groups.join(members)
    owners = vehicles.dropna(subset=["vin", "customer_id"])
    for members in owners.groupby("vin")["customer_id"].agg(list):
        groups.join(members)
    return pd.Series({i: groups.find(i) for i in groups.parent}, dtype="string")


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
    customers = frames["customers"].assign(group=lambda f: f["customer_id"].map(group_of))
    branches_of = customers.groupby("group")[BRANCH].agg(lambda b: "、".join(sorted(set(b))))
    spread = customers.groupby("group")[BRANCH].nunique()
    shared_by_branch = customers[customers["group"].map(spread) > 1].groupby(BRANCH)["group"].nunique()
    for key in ("customers", "vehicles", "visits", "complaints"):
        frame = frames[key]
        frame["customer_id"] = frame["customer_id"].map(group_of).fillna(frame["customer_id"]).astype("string")
    frames["customers"] = frames["customers"].drop_duplicates("customer_id").reset_index(drop=True)
    cars = frames["vehicles"]
    frames["vehicles"] = cars[cars["vin"].isna() | ~cars["vin"].duplicated()].reset_index(drop=True)
    return GroupCustomers(frames, branches_of, shared_by_branch, int((spread > 1).sum()))
