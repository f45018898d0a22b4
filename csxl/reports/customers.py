"""客户价值 and 客户分析: spend, visits, lifetime value, churn, and the groups they fall in (SPEC 5.4)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..frameops import is_in, lookup
from ..rules.items import days, stamp
from ..rules.retention import order_days, return_rate_cars
from ..schema import (
    AGE_BAND_DIMENSION, AGE_BANDS, ALL, CAR_AGE_BANDS, CAR_AGE_DIMENSION, CAR_AGE_LIMITS, CUSTOMER_ANALYSIS, CUSTOMER_VALUE, CUSTOMERS, SERVICE_KIND_DIMENSION, SERVICE_KINDS, VEHICLES,
    choice_label,
)
from ..settings import Settings
from .ratios import ratio


def dated_orders(frames: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> pd.DataFrame:
    """Orders with their customer and date (交车日期, else 进厂日期), leaving out those dated after ``as_of``."""
    services = frames["services"]
    owners = frames["vehicles"].set_index("vin")["customer_id"]
    date = order_days(services)
    orders = services.assign(customer_id=lookup(services["vin"], owners), date=date)
    return orders[~(orders["date"] > as_of)]


def customer_value(frames: dict[str, pd.DataFrame], settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """One row per customer, by lifetime value descending then customer id."""
    now = stamp(as_of)
    customers, vehicles = frames["customers"], frames["vehicles"]
    vehicles = vehicles[~(vehicles["delivery_date"] > now)]
    orders = dated_orders(frames, now)
    by_order = orders.groupby("customer_id").agg(orders=("order_no", "size"), amount=("amount", "sum"),
                                                 first_order=("date", "min"), last_order=("date", "max"))
    by_car = vehicles.groupby("customer_id").agg(vehicles=("vin", "size"), first_car=("delivery_date", "min"),
                                                 last_car=("delivery_date", "max"))
    frame = customers[["customer_id", "name", "member_tier", "churn_reason"]].join(by_order, on="customer_id").join(by_car, on="customer_id")
    frame[["orders", "vehicles"]] = frame[["orders", "vehicles"]].fillna(0).astype("int64")
    frame["amount"] = frame["amount"].fillna(0.0)
    frame["first_seen"] = frame[["first_order", "first_car"]].min(axis=1).astype("datetime64[s]")
    frame["last_seen"] = frame[["last_order", "last_car"]].max(axis=1).astype("datetime64[s]")
    years = np.maximum(1.0, (now - frame["first_seen"]).dt.days.astype("float64") / 365).fillna(1.0)
    frame["orders_per_year"] = frame["orders"] / years
    frame["avg_order"] = ratio(frame["amount"], frame["orders"]).fillna(0.0)
    frame["lifetime_value"] = frame["avg_order"] * frame["orders_per_year"] * settings.customer_expected_years
    at_risk = (frame["last_seen"] < now - days(settings.churn_days)).fillna(False) | frame["churn_reason"].notna()
    frame["churn_risk"] = np.where(at_risk, "是", "否")
    thresholds = settings.tier_thresholds_list
    limits = np.array([limit for _, limit in thresholds])
    position = np.searchsorted(limits, frame["amount"].to_numpy(), side="right") - 1
    names = np.array([name for name, _ in thresholds] + [None], dtype=object)
    frame["suggested_tier"] = names[np.where(position >= 0, position, len(thresholds))]
    frame = frame.sort_values(["lifetime_value", "customer_id"], ascending=[False, True], kind="stable")
    return frame[CUSTOMER_VALUE.keys].reset_index(drop=True).assign(customer_id=lambda f: f["customer_id"].astype("string"))


def whole_years(since: pd.Series, as_of: dt.date) -> pd.Series:
    """Full years from each date to ``as_of`` (an anniversary on ``as_of`` counts); NaN without a date."""
    start = pd.to_datetime(since)
    reached = (start.dt.month < as_of.month) | ((start.dt.month == as_of.month) & (start.dt.day <= as_of.day))
    return as_of.year - start.dt.year - (~reached).astype("int64")


def age_bands(birthdays: pd.Series, as_of: dt.date) -> pd.Series:
    """The 年龄段 of each customer, by full years of age at ``as_of``."""
    age = whole_years(birthdays, as_of)
    bands = pd.cut(age, bins=[-np.inf, 30, 40, 50, 60, np.inf], right=False, labels=[b.zh for b in AGE_BANDS[:5]])
    return bands.astype("string").fillna(AGE_BANDS[-1].zh)


def customer_analysis(frames: dict[str, pd.DataFrame], values: pd.DataFrame, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Customer groups with their share of customers, cars, orders and spend, and their churn."""
    lang, now = settings.lang, stamp(as_of)
    customers = frames["customers"].assign(age_band=age_bands(frames["customers"]["birthday"], as_of))
    vehicles = frames["vehicles"][~(frames["vehicles"]["delivery_date"] > now)]
    orders = dated_orders(frames, now)
    at_risk = values.loc[values["churn_risk"] == "是", "customer_id"]
    returned = vehicles.loc[return_rate_cars(vehicles, frames["services"], now), "vin"]
    total_customers, total_amount = len(customers), orders["amount"].sum()

    def row(dimension: str, value: str, people, cars, jobs) -> dict:
        people = pd.Series(people, dtype="string").dropna().drop_duplicates()
        risk = int(is_in(people, at_risk).sum())
        amount = float(jobs["amount"].sum())
        return {"dimension": dimension, "value": value, "customers": len(people), "share": ratio(len(people), total_customers),
                "vehicles": len(cars), "orders": len(jobs), "amount": amount, "amount_share": ratio(amount, total_amount),
                "amount_per_customer": ratio(amount, len(people)), "churn_risk": risk, "churn_rate": ratio(risk, len(people)),
                "return_rate": ratio(int(is_in(cars["vin"], returned).sum()), len(cars))}

    rows = [row(ALL.label(lang), ALL.label(lang), customers["customer_id"], vehicles, orders)]
    for model in sorted(vehicles["model"].dropna().unique()):
        cars = vehicles[vehicles["model"] == model]
        rows.append(row(VEHICLES.column("model").header(lang), model, cars["customer_id"], cars, orders[is_in(orders["vin"], cars["vin"])]))
    groups = [("member_tier", None), ("branch", None), ("gender", None), ("age_band", AGE_BANDS), ("churn_reason", None)]
    for key, fixed in groups:
        column_values = customers[key]
        present = [b.zh for b in fixed] if fixed else sorted(column_values.dropna().unique())
        header = AGE_BAND_DIMENSION.label(lang) if key == "age_band" else CUSTOMERS.column(key).header(lang)
        choices = fixed or (CUSTOMERS.column(key).choices if key in CUSTOMERS.keys else ())
        for value in present:
            people = customers.loc[column_values == value, "customer_id"]
            cars = vehicles[is_in(vehicles["customer_id"], people)]
            rows.append(row(header, choice_label(choices, value, lang), people, cars, orders[is_in(orders["customer_id"], people)]))
        if key == "age_band":
            rows.extend(_service_kind_rows(row, vehicles, orders, lang))
    rows.extend(_car_age_rows(row, vehicles, orders, as_of, lang))
    frame = pd.DataFrame(rows)
    return frame[CUSTOMER_ANALYSIS.keys]


def _service_kind_rows(row, vehicles, orders, lang) -> list[dict]:
    header = SERVICE_KIND_DIMENSION.label(lang)
    found = []
    for kind in SERVICE_KINDS:
        jobs = orders[orders["kind"] == kind.zh]
        found.append(row(header, kind.label(lang), jobs["customer_id"], vehicles[is_in(vehicles["vin"], jobs["vin"])], jobs))
    return found


def car_age_bands(delivery: pd.Series, as_of: dt.date) -> pd.Series:
    """The 车龄 band of each car, by whole years since delivery at ``as_of`` (NA without a delivery date)."""
    bands = pd.cut(whole_years(delivery, as_of), bins=[-np.inf, *CAR_AGE_LIMITS, np.inf], right=False,
                   labels=[b.zh for b in CAR_AGE_BANDS])
    return bands.astype("string")


def _car_age_rows(row, vehicles, orders, as_of, lang) -> list[dict]:
    header = CAR_AGE_DIMENSION.label(lang)
    bands = car_age_bands(vehicles["delivery_date"], as_of)
    found = []
    for band in CAR_AGE_BANDS:
        cars = vehicles[(bands == band.zh).fillna(False)]
        found.append(row(header, band.label(lang), cars["customer_id"], cars, orders[is_in(orders["vin"], cars["vin"])]))
    return found
