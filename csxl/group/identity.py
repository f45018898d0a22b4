"""One customer across branches: the same mobile number, or a car with the same 车架号, makes one group customer.

Branch ids are local (two branches both have a C00001), so every id is first made the
group's own by prefixing its branch (``SZ01:C00001``); then customers linked by a
normalised mobile (``+86 138-0013-8000`` = ``13800138000``) or by owning the same VIN are
joined, and each group of them takes the first of its ids.
"""

from __future__ import annotations

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


def merged(frames: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.Series]:
    """The consolidated frames with one customer per group, and each group customer's branches (joined by 、)."""
    frames = namespaced(frames)
    group_of = group_customers(frames["customers"], frames["vehicles"])
    customers = frames["customers"]
    branches = customers.groupby(customers["customer_id"].map(group_of))[BRANCH].agg(lambda b: "、".join(sorted(set(b))))
    for key in ("customers", "vehicles", "visits", "complaints"):
        frame = frames[key]
        frame["customer_id"] = frame["customer_id"].map(group_of).fillna(frame["customer_id"]).astype("string")
    frames["customers"] = customers.drop_duplicates("customer_id").reset_index(drop=True)
    cars = frames["vehicles"]
    frames["vehicles"] = cars[cars["vin"].isna() | ~cars["vin"].duplicated()].reset_index(drop=True)
    return frames, branches


def shared_customers(frames: dict[str, pd.DataFrame]) -> tuple[pd.Series, int]:
    """Per branch, how many of its customers are also another branch's; and how many group customers that makes."""
    spaced = namespaced(frames)
    group_of = group_customers(spaced["customers"], spaced["vehicles"])
    customers = spaced["customers"].assign(group=lambda f: f["customer_id"].map(group_of))
    spread = customers.groupby("group")[BRANCH].nunique()
    shared = customers[customers["group"].map(spread) > 1]
    return shared.groupby(BRANCH)["group"].nunique(), int((spread > 1).sum())
