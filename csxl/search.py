"""Archive search: customers by name, phone, plate, VIN or customer id (partial, any case)."""

from __future__ import annotations

import pandas as pd

from .frameops import is_in

CUSTOMER_KEYS = ("customer_id", "name", "phone")
VEHICLE_KEYS = ("plate", "vin")


def _contains(frame: pd.DataFrame, columns, text: str) -> pd.Series:
    needle = text.strip().casefold()
    hit = pd.Series(False, index=frame.index)
    for column in columns:
        hit |= frame[column].astype("string").str.casefold().str.contains(needle, regex=False).fillna(False)
    return hit


def search_customers(customers: pd.DataFrame, vehicles: pd.DataFrame, text: str) -> list[tuple[pd.Series, pd.DataFrame]]:
    """Each matching customer with all of their vehicles, in archive order."""
    if not text.strip():
        return []
    by_vehicle = set(vehicles.loc[_contains(vehicles, VEHICLE_KEYS, text), "customer_id"])
    found = customers[_contains(customers, CUSTOMER_KEYS, text) | is_in(customers["customer_id"], by_vehicle)]
    return [(person, vehicles[vehicles["customer_id"] == person["customer_id"]]) for _, person in found.iterrows()]
