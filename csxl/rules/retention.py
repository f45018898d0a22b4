"""Keeping the cars coming back (SPEC 5.7): the first service, maintenance predicted from mileage, declined work,
the warranty's end, and maintenance reminders that brought no visit.

Orders count by their day (交车日期, else 进厂日期) up to the as-of day. Mileage going backwards on a car, or
above a million km, is a data problem: such readings drive no prediction (`mileage_problems`).
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

from ..frameops import is_in, positions_in
from ..i18n import t
from ..settings import Settings
from .items import already_sent, days, empty_items, iso, iso_texts, make_items, stamp

MAINTENANCE = "保养"
MAX_MILEAGE = 1_000_000
FIRST_SERVICE, PREDICTED, DECLINED, WARRANTY, NO_RETURN = "首保提醒", "保养提醒", "维修建议跟进", "质保到期", "提醒后未回厂"
REMINDERS_FOLLOWED_UP = ("保养提醒", "首保提醒")


def order_days(services: pd.DataFrame) -> pd.Series:
    """An order's day: its 交车日期, else its 进厂日期 (SPEC 5.4)."""
    return services["date_out"].fillna(services["date_in"])


class Orders:
    """The orders as arrays, each car an integer code: a million-row archive is grouped without sorting strings."""

    def __init__(self, services: pd.DataFrame, today: dt.date | None):
        self.services = services
        self.codes, self.cars = pd.factorize(services["vin"].astype("string"), use_na_sentinel=True)
        day = order_days(services).to_numpy(dtype="datetime64[s]")
        self.known = ~np.isnat(day) & (self.codes >= 0)  # dated, of a car, and (given ``today``) not after it
        if today is not None:
            self.known &= day <= np.datetime64(stamp(today), "s")
        self.day = day
        self.read_on = services["date_in"].fillna(services["date_out"]).to_numpy(dtype="datetime64[s]")
        self.mileage = pd.to_numeric(services["mileage"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        self.maintenance = self.known & services["kind"].eq(MAINTENANCE).fillna(False).to_numpy(dtype=bool)

    def code_of(self, vins: pd.Series) -> np.ndarray:
        """Each car's code (-1 for a car with no order)."""
        return positions_in(vins, pd.Series(self.cars, dtype="string"))

    @functools.cached_property
    def latest_service(self) -> np.ndarray:
        """Per car code, the day of its latest 保养 order (NaT for none)."""
        return self.latest_day(self.maintenance)

    @functools.cached_property
    def latest_order(self) -> np.ndarray:
        """Per car code, the day of its latest order (NaT for none)."""
        return self.latest_day(self.known)

    def latest_day(self, mask: np.ndarray) -> np.ndarray:
        """Per car code, the latest day among the rows of ``mask`` (NaT for none)."""
        return _at(self.day, self.last_rows(mask, self.day), np.datetime64("NaT"))

    def ranked(self, mask: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of ``mask`` ordered by car, then ``key``; and which of them end their car's run."""
        rows = np.flatnonzero(mask)
        order = rows[np.lexsort((key[rows], self.codes[rows]))]
        return order, _group_ends(self.codes[order])

    def last_rows(self, mask: np.ndarray, key: np.ndarray, back: int = 0) -> np.ndarray:
        """Per car code, the row of ``mask`` that is last by ``key`` (``back`` = 1: the one before it); -1 for none."""
        order, ends = self.ranked(mask, key)
        positions = np.flatnonzero(ends) - back
        same_car = positions >= 0
        same_car[same_car] = self.codes[order[positions[same_car]]] == self.codes[order[np.flatnonzero(ends)[same_car]]]
        found = np.full(len(self.cars), -1)
        found[self.codes[order[np.flatnonzero(ends)[same_car]]]] = order[positions[same_car]]
        return found


def _group_ends(codes: np.ndarray) -> np.ndarray:
    return np.r_[codes[1:] != codes[:-1], True] if len(codes) else np.zeros(0, dtype=bool)


def _at(values: np.ndarray, codes: np.ndarray, fill):
    """``values[codes]``, with ``fill`` where a code is -1."""
    found = codes >= 0
    if not len(values):
        return np.full(len(codes), fill, dtype=values.dtype)
    return np.where(found, values[np.where(found, codes, 0)], fill)


def mileage_problems(services: pd.DataFrame, orders: Orders | None = None) -> tuple[pd.Series, pd.Series]:
    """(mileage lower than an earlier order's of the same car, mileage above a million km): masks over ``services``."""
    orders = orders or Orders(services, None)
    readings = ~np.isnan(orders.mileage) & ~np.isnat(orders.read_on) & (orders.codes >= 0)  # every order, whatever its day
    order, ends = orders.ranked(readings, orders.read_on)
    codes, km = orders.codes[order], orders.mileage[order]
    highest = pd.Series(km).groupby(codes).cummax().to_numpy()
    starts = np.r_[True, ends[:-1]]  # a car's first reading: nothing before it
    before = np.where(starts, np.nan, np.r_[np.nan, highest[:-1]])
    backwards = np.zeros(len(services), dtype=bool)
    backwards[order[km < before]] = True
    too_high = (orders.mileage > MAX_MILEAGE)
    return pd.Series(backwards, index=services.index), pd.Series(too_high, index=services.index)


def first_service_reminders(vehicles: pd.DataFrame, orders: Orders, sent, settings: Settings, today: dt.date) -> pd.DataFrame:
    """首保提醒: a car never serviced since delivery, shown in the week before delivery + 首保月数."""
    now = stamp(today)
    first = vehicles["delivery_date"] + pd.DateOffset(months=settings.first_service_months)
    window = (first >= now) & (first <= now + days(settings.reminder_lead_days)) & ~(vehicles["delivery_date"] > now)
    rows, first = vehicles[window.fillna(False)], first[window.fillna(False)]
    if rows.empty:
        return empty_items()
    last_service = _at(orders.latest_service, orders.code_of(rows["vin"]), np.datetime64("NaT"))
    never = ~(last_service >= rows["delivery_date"].to_numpy(dtype="datetime64[s]"))
    rows, first = rows[never], first[never]
    if rows.empty:
        return empty_items()
    lang = settings.lang
    notes = [t("note_first_service", lang, delivered=iso(d), months=settings.first_service_months, date=iso(f))
             for d, f in zip(rows["delivery_date"], first)]
    items = make_items(kind=FIRST_SERVICE, customer_id=rows["customer_id"], vin=rows["vin"], due_date=first, occasion=first,
                       expires=first, note=notes)
    return items[~already_sent(items, sent, by_vehicle=True)]


def predicted_maintenance(vehicles: pd.DataFrame, orders: Orders, backwards: np.ndarray, settings: Settings,
                          between: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> pd.DataFrame:
    """Per car without a 下次保养日期, the predicted next service: the earlier of the interval and the mileage rule.

    Columns: vin, customer_id, last_order, last_day, last_km, by_interval, by_mileage, predicted, rule, rate and the two
    readings the rate comes from. A later 保养 order is the next prediction's anchor, so a car serviced is never due.
    ``between``: only the cars predicted on a day in that range (the rest of the frame is never built).
    """
    services = orders.services
    spoiled = np.zeros(len(orders.cars) + 1, dtype=bool)
    spoiled[orders.codes[backwards]] = True  # a car with mileage going backwards gets no prediction
    last_service = orders.last_rows(orders.maintenance, orders.day)
    cars = vehicles.loc[vehicles["maintenance_due"].isna(), ["vin", "customer_id"]]
    codes = orders.code_of(cars["vin"])
    anchor = _at(last_service, codes, -1)
    usable = (anchor >= 0) & ~spoiled[np.where(codes >= 0, codes, -1)]
    codes, anchor = codes[usable], anchor[usable]
    last_day, last_km = orders.day[anchor], orders.mileage[anchor]
    by_interval = (pd.Series(last_day) + pd.DateOffset(months=settings.maintenance_interval_months)).to_numpy(dtype="datetime64[s]")
    readings = ~np.isnan(orders.mileage) & (orders.mileage <= MAX_MILEAGE) & ~np.isnat(orders.read_on) & orders.known
    a = orders.last_rows(readings, orders.read_on, back=1)[codes]  # the car's last two readings
    b = orders.last_rows(readings, orders.read_on)[codes]
    two = (a >= 0) & (b >= 0)
    a, b = np.where(two, a, 0), np.where(two, b, 0)
    day_a = np.where(two, orders.read_on[a], np.datetime64("NaT"))
    day_b = np.where(two, orders.read_on[b], np.datetime64("NaT"))
    km_a, km_b = np.where(two, orders.mileage[a], np.nan), np.where(two, orders.mileage[b], np.nan)
    elapsed = (day_b - day_a).astype("timedelta64[D]").astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(elapsed > 0, (km_b - km_a) / elapsed, np.nan)
        needed = np.where((rate > 0) & ~np.isnan(last_km), np.maximum(0, (last_km + settings.maintenance_interval_km - km_b) / rate), np.nan)
    by_mileage = day_b + np.where(np.isnan(needed), np.timedelta64("NaT"), np.ceil(np.nan_to_num(needed)).astype("timedelta64[D]"))
    by_mileage_first = ~np.isnat(by_mileage) & (by_mileage < by_interval)
    predicted = np.where(by_mileage_first, by_mileage, by_interval)
    keep = np.ones(len(codes), dtype=bool)
    if between is not None:
        keep = (predicted >= np.datetime64(between[0], "s")) & (predicted <= np.datetime64(between[1], "s"))
    order_no = services["order_no"].to_numpy()
    return cars[usable][keep].reset_index(drop=True).assign(
        last_order=order_no[anchor[keep]], last_day=last_day[keep], last_km=last_km[keep],
        by_interval=by_interval[keep], by_mileage=by_mileage[keep].astype("datetime64[s]"), predicted=predicted[keep].astype("datetime64[s]"),
        rule=np.where(by_mileage_first[keep], "mileage", "interval"), rate=rate[keep],
        order_no_a=np.where(two[keep], order_no[a[keep]], None), day_a=day_a[keep], mileage_a=km_a[keep],
        order_no_b=np.where(two[keep], order_no[b[keep]], None), day_b=day_b[keep], mileage_b=km_b[keep])


def predicted_maintenance_reminders(vehicles, orders: Orders, backwards, sent, settings: Settings, today: dt.date) -> pd.DataFrame:
    """保养提醒 from the prediction, for cars whose 下次保养日期 is empty (a filled one is `renewals`' reminder)."""
    now = stamp(today)
    rows = predicted_maintenance(vehicles, orders, backwards, settings, between=(now, now + days(settings.reminder_lead_days)))
    if rows.empty:
        return empty_items()
    notes = [_prediction_note(row, settings) for row in rows.itertuples(index=False)]
    items = make_items(kind=PREDICTED, customer_id=rows["customer_id"], vin=rows["vin"], due_date=rows["predicted"],
                       occasion=rows["predicted"], expires=rows["predicted"], note=notes)
    return items[~already_sent(items, sent, by_vehicle=True)]


def _prediction_note(row, settings: Settings) -> str:
    lang = settings.lang
    last = t("note_last_service", lang, order=row.last_order, date=iso(row.last_day),
             km="" if pd.isna(row.last_km) else f" {int(row.last_km)} km")
    if row.rule == "mileage":
        how = t("note_by_mileage", lang, km=settings.maintenance_interval_km, a=row.order_no_a, a_date=iso(row.day_a),
                a_km=int(row.mileage_a), b=row.order_no_b, b_date=iso(row.day_b), b_km=int(row.mileage_b), rate=f"{row.rate:.1f}")
    else:
        how = t("note_by_interval", lang, months=settings.maintenance_interval_months)
    return t("note_predicted", lang, date=iso(row.predicted), last=last, how=how)


def declined_work_followups(orders: Orders, settings: Settings, today: dt.date) -> pd.DataFrame:
    """维修建议跟进: a call 建议跟进天数 after an order with declined work, unless the car came back since."""
    now = stamp(today)
    services = orders.services
    advised = orders.known & services["recommended"].astype("string").str.strip().fillna("").ne("").to_numpy(dtype=bool)
    due = orders.day + np.timedelta64(settings.recommendation_followup_days, "D")
    keep = np.timedelta64(settings.followup_overdue_keep_days, "D")
    candidates = advised & (due <= np.datetime64(now, "s")) & (due >= np.datetime64(now, "s") - keep)
    if not candidates.any():
        return empty_items()
    came_back = _at(orders.latest_order, orders.codes, np.datetime64("NaT")) > orders.day
    rows = np.flatnonzero(candidates & ~came_back)
    if not len(rows):
        return empty_items()
    chosen = services.iloc[rows]
    notes = [t("note_declined", settings.lang, order=o, date=d, work=str(w).strip())
             for o, d, w in zip(chosen["order_no"], iso_texts(pd.Series(orders.day[rows])), chosen["recommended"])]
    return make_items(kind=DECLINED, customer_id=pd.NA, vin=chosen["vin"], due_date=due[rows], note=notes)  # owner: with the details


def warranty_reminders(vehicles: pd.DataFrame, sent, settings: Settings, today: dt.date) -> pd.DataFrame:
    """质保到期: the warranty ends within 质保提醒天数."""
    now = stamp(today)
    ends = vehicles["warranty_due"]
    rows = vehicles[ends.notna() & (ends >= now) & (ends <= now + days(settings.warranty_lead_days))]
    if rows.empty:
        return empty_items()
    notes = [t("note_warranty", settings.lang, date=d) for d in iso_texts(rows["warranty_due"])]
    items = make_items(kind=WARRANTY, customer_id=rows["customer_id"], vin=rows["vin"], due_date=rows["warranty_due"],
                       occasion=rows["warranty_due"], expires=rows["warranty_due"], note=notes)
    return items[~already_sent(items, sent, by_vehicle=True)]


def no_return_after_reminder(vehicles: pd.DataFrame, orders: Orders, sent, settings: Settings, today: dt.date) -> pd.DataFrame:
    """提醒后未回厂: a maintenance reminder went out 提醒跟进天数 ago and the car has had no order since."""
    if sent is None or sent.empty or "sent_day" not in sent:
        return empty_items()
    now = stamp(today)
    reminded = sent[is_in(sent["kind"], REMINDERS_FOLLOWED_UP) & sent["vin"].notna() & sent["sent_day"].notna()]
    reminded = reminded.sort_values("sent_day").groupby("vin", sort=False).tail(1)
    latest = _at(orders.latest_order, orders.code_of(reminded["vin"]), np.datetime64("NaT"))
    came_back = pd.Series(latest > reminded["sent_day"].to_numpy(dtype="datetime64[s]"), index=reminded.index)
    due = reminded["sent_day"] + days(settings.reminder_followup_days)
    show = ~came_back & (due <= now) & (due >= now - days(settings.followup_overdue_keep_days))
    rows, due = reminded[show], due[show]
    if rows.empty:
        return empty_items()
    notes = [t("note_no_return", settings.lang, sent=iso(s), kind=k, date=iso(o), days=settings.reminder_followup_days)
             for s, k, o in zip(rows["sent_day"], rows["kind"], rows["occasion"])]
    return make_items(kind=NO_RETURN, customer_id=rows["customer_id"], vin=rows["vin"], due_date=due, note=notes)


def retention_items(frames: dict[str, pd.DataFrame], sent, settings: Settings, today: dt.date, messages_only: bool = False) -> list[pd.DataFrame]:
    """Every retention item due on ``today`` (only the ones that are messages, with ``messages_only``)."""
    vehicles, services = frames["vehicles"], frames["services"]
    orders = Orders(services, today)
    backwards, _ = mileage_problems(services, orders)
    parts = [
        first_service_reminders(vehicles, orders, sent, settings, today),
        predicted_maintenance_reminders(vehicles, orders, backwards.to_numpy(), sent, settings, today),
        warranty_reminders(vehicles, sent, settings, today),
    ]
    if not messages_only:
        parts += [declined_work_followups(orders, settings, today), no_return_after_reminder(vehicles, orders, sent, settings, today)]
    return parts


def return_rate_cars(vehicles: pd.DataFrame, services: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Per car: True when it had an order in the 12 months ending ``as_of`` (回厂率's numerator)."""
    day = order_days(services)
    recent = services.loc[(day > as_of - pd.DateOffset(months=12)) & (day <= as_of), "vin"]
    return is_in(vehicles["vin"], recent)
