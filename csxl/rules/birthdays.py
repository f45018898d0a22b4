"""Birthday wishes, sent 2–7 days ahead (both bounds settings, both inclusive).

A Feb 29 birthday falls on Feb 28 in common years.  Lunar birthdays (农历生日=是)
follow `calendars.lunar`: a leap-month birth is kept in the ordinary month of
that number, a 30th in a 29-day month on the 29th.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

from ..calendars.lunar import MISSING, lunar_label, lunar_month_day, lunar_month_days, solar_of_lunar, solar_of_lunar_days
from ..i18n import t
from ..settings import Settings
from .items import already_sent, days, empty_items, iso, make_items, visited_for_occasion


def solar_occurrence(birthday: dt.date, year: int) -> dt.date:
    if birthday.month == 2 and birthday.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return birthday.replace(year=year)


def lunar_occurrences(birthday: dt.date, around: int) -> list[dt.date]:
    """Solar dates of the lunar birthday in the lunar years around solar year ``around``."""
    month, day, _leap = lunar_month_day(birthday)
    return [solar_of_lunar(year, month, day) for year in (around - 1, around, around + 1)]


def next_birthday(birthday: dt.date, lunar: bool, today: dt.date, min_days: int, max_days: int) -> dt.date | None:
    """The occurrence that is between ``min_days`` and ``max_days`` ahead of ``today``, if any."""
    if lunar:
        candidates = lunar_occurrences(birthday, today.year)
    else:
        candidates = [solar_occurrence(birthday, year) for year in (today.year, today.year + 1)]
    for day in candidates:
        if min_days <= (day - today).days <= max_days:
            return day
    return None


def _days(dates: pd.Series) -> np.ndarray:
    return pd.to_datetime(dates).to_numpy(dtype="datetime64[D]").astype("int64")


def _solar_occurrences(birthdays: pd.Series, year: int) -> np.ndarray:
    """Days since 1970 of each birthday in ``year`` (Feb 29 → Feb 28 in common years)."""
    month, day = birthdays.dt.month.to_numpy(), birthdays.dt.day.to_numpy()
    if not calendar.isleap(year):
        day = np.where((month == 2) & (day == 29), 28, day)
    first_of_month = np.array([f"{year}-{m:02d}" for m in range(1, 13)], dtype="datetime64[M]").astype("datetime64[D]").astype("int64")
    return first_of_month[month - 1] + day - 1


def occasions_in_window(birthdays: pd.Series, lunar: pd.Series, today: dt.date, min_days: int, max_days: int) -> pd.Series:
    """Each customer's birthday occurrence that falls ``min_days``–``max_days`` ahead of ``today`` (NaT if none).

    Vectorised ``next_birthday``: solar birthdays in this year and the next, lunar ones in the lunar years around today.
    """
    now = dt.date(today.year, today.month, today.day).toordinal() - dt.date(1970, 1, 1).toordinal()
    found = np.full(len(birthdays), MISSING, dtype="int64")
    is_lunar = lunar.eq("是").fillna(False).to_numpy()
    candidates = [(~is_lunar, _solar_occurrences(birthdays, year)) for year in (today.year, today.year + 1)]
    month, day, _leap = lunar_month_days(_days(birthdays))
    candidates += [(is_lunar & (month > 0), solar_of_lunar_days(year, month, day)) for year in (today.year - 1, today.year, today.year + 1)]
    for applies, occurrence in candidates:
        ahead = occurrence - now
        take = applies & (found == MISSING) & (occurrence != MISSING) & (ahead >= min_days) & (ahead <= max_days)
        found = np.where(take, occurrence, found)
    dates = pd.Series(found.astype("datetime64[D]"), index=birthdays.index).astype("datetime64[s]")
    return dates.where(found != MISSING)


def birthday_greetings(
    customers: pd.DataFrame, visits: pd.DataFrame, sent: pd.DataFrame | None, settings: Settings, today: dt.date
) -> pd.DataFrame:
    people = customers[customers["birthday"].notna()]
    if people.empty:
        return empty_items()
    lo, hi = settings.birthday_min_days, settings.birthday_max_days
    people = people.assign(occasion=occasions_in_window(people["birthday"], people["lunar_birthday"], today, lo, hi))
    people = people[people["occasion"].notna()]
    if people.empty:
        return empty_items()
    notes = []
    for birthday, occasion, lunar in zip(people["birthday"], people["occasion"], people["lunar_birthday"]):
        if lunar == "是":
            month, day, leap = lunar_month_day(birthday.date())
            notes.append(t("note_lunar_birthday", settings.lang, lunar=lunar_label(month, day, leap), date=iso(occasion)))
        else:
            notes.append(t("note_birthday", settings.lang, date=iso(occasion)))
    items = make_items(
        kind="生日关怀",
        customer_id=people["customer_id"].to_numpy(),
        due_date=(people["occasion"] - days(lo)).to_numpy(),
        occasion=people["occasion"].to_numpy(),
        expires=people["occasion"].to_numpy(),
        note=notes,
    )
    wished = visited_for_occasion(items, visits, "生日", hi)
    return items[~wished & ~already_sent(items, sent, by_vehicle=False)].reset_index(drop=True)
