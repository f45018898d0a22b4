"""Archive search (一车两档): customers by name, phone, plate, VIN or customer id; by date; and one customer's whole card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .frameops import is_in

CUSTOMER_KEYS = ("customer_id", "name", "phone")
VEHICLE_KEYS = ("plate", "vin")
# What clerks type between the parts of a plate or a phone number: 粤B·4E8MC, 粤B 4E8MC, 155-0382-3660.
_SEPARATORS = r"[\s·•.\-—_/()（）]"
DATE_FIELDS = {"delivery": ("vehicles", "delivery_date"), "repair": ("services", "date_out"), "visit": ("visits", "visit_date")}


def _normalised(values: pd.Series) -> pd.Series:
    return values.astype("string").str.replace(_SEPARATORS, "", regex=True).str.casefold()


def _needle(text: str) -> str:
    return pd.Series([text], dtype="string").str.replace(_SEPARATORS, "", regex=True).str.casefold().iloc[0]


def _contains(frame: pd.DataFrame, columns, text: str) -> pd.Series:
    needle = _needle(text)
    hit = pd.Series(False, index=frame.index)
    if not needle:
        return hit
    for column in columns:
        hit |= _normalised(frame[column]).str.contains(needle, regex=False).fillna(False)
    return hit


def matching_customers(customers: pd.DataFrame, vehicles: pd.DataFrame, text: str) -> pd.DataFrame:
    """Customers whose id, name or phone, or one of whose cars' plate or VIN, contains ``text`` (separators ignored)."""
    if not text.strip():
        return customers.iloc[0:0]
    by_vehicle = vehicles.loc[_contains(vehicles, VEHICLE_KEYS, text), "customer_id"]
    return customers[_contains(customers, CUSTOMER_KEYS, text) | is_in(customers["customer_id"], by_vehicle)]


def search_customers(customers: pd.DataFrame, vehicles: pd.DataFrame, text: str) -> list[tuple[pd.Series, pd.DataFrame]]:
    """Each matching customer with all of their vehicles, in archive order."""
    found = matching_customers(customers, vehicles, text)
    return [(person, vehicles[vehicles["customer_id"] == person["customer_id"]]) for _, person in found.iterrows()]


def best_match(customers: pd.DataFrame, vehicles: pd.DataFrame, text: str) -> tuple[pd.Series | None, pd.DataFrame]:
    """The one customer ``text`` names (an exact id, phone, plate or VIN wins over partial matches), and all matches."""
    found = matching_customers(customers, vehicles, text)
    if len(found) <= 1:
        return (found.iloc[0] if len(found) else None), found
    needle = _needle(text)
    exact = found[(_normalised(found["customer_id"]) == needle) | (_normalised(found["phone"]) == needle) | (found["name"] == text.strip())]
    cars = vehicles[(_normalised(vehicles["plate"]) == needle) | (_normalised(vehicles["vin"]) == needle)]
    exact = pd.concat([exact, found[is_in(found["customer_id"], cars["customer_id"])]]).drop_duplicates("customer_id")
    return (exact.iloc[0] if len(exact) == 1 else None), found


@dataclass
class Card:
    """One customer's whole file: the person, cars, repairs, calls, complaints and messages."""

    customer: pd.Series
    vehicles: pd.DataFrame
    services: pd.DataFrame
    visits: pd.DataFrame
    complaints: pd.DataFrame
    messages: pd.DataFrame


def customer_card(frames: dict[str, pd.DataFrame], customer: pd.Series, messages: pd.DataFrame | None) -> Card:
    cid = customer["customer_id"]
    vehicles = frames["vehicles"][frames["vehicles"]["customer_id"] == cid]
    services = frames["services"][is_in(frames["services"]["vin"], vehicles["vin"])]
    visits = frames["visits"]
    visits = visits[(visits["customer_id"] == cid).fillna(False) | is_in(visits["vin"], vehicles["vin"])]
    complaints = frames["complaints"]
    complaints = complaints[(complaints["customer_id"] == cid).fillna(False) | is_in(complaints["vin"], vehicles["vin"])]
    sent = messages[messages["customer_id"] == cid] if messages is not None and not messages.empty else pd.DataFrame()
    return Card(
        customer, vehicles,
        services.sort_values("date_out", ascending=False, na_position="last"),
        visits.sort_values("visit_date", ascending=False),
        complaints.sort_values("received_date", ascending=False),
        sent,
    )


def search_by_date(frames: dict[str, pd.DataFrame], start: dt.date, end: dt.date, by: str) -> pd.DataFrame:
    """Deliveries, repairs or calls dated from ``start`` to ``end`` (both included), with their customer, oldest first."""
    sheet, column = DATE_FIELDS[by]
    rows = frames[sheet]
    rows = rows[rows[column].between(pd.Timestamp(start), pd.Timestamp(end))]
    vehicles = frames["vehicles"].set_index("vin")
    people = frames["customers"].set_index("customer_id")
    owner = rows["customer_id"] if "customer_id" in rows and sheet != "services" else None
    customer_id = rows["vin"].map(vehicles["customer_id"]).astype("string")
    if owner is not None:
        customer_id = owner.astype("string").fillna(customer_id)
    out = pd.DataFrame({
        "date": rows[column], "customer_id": customer_id, "name": customer_id.map(people["name"]),
        "phone": customer_id.map(people["phone"]), "plate": rows["vin"].map(vehicles["plate"]), "vin": rows["vin"],
        "detail": _detail(rows, sheet),
    })
    return out.sort_values(["date", "customer_id"], kind="stable").reset_index(drop=True)


def _detail(rows: pd.DataFrame, sheet: str) -> pd.Series:
    if sheet == "vehicles":
        return rows["model"].astype("string")
    if sheet == "services":
        return (rows["order_no"].astype("string") + " " + rows["kind"].astype("string").fillna("")).str.strip()
    return (rows["kind"].astype("string") + " " + rows["result"].astype("string").fillna("")).str.strip()
