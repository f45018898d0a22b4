import datetime as dt
import random

import pytest
from lunar_python import Solar

from csxl.calendars.lunar import lunar_label, lunar_month_day


def _direct(day: dt.date):
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    return abs(lunar.getMonth()), lunar.getDay(), lunar.getMonth() < 0


def test_fast_lookup_agrees_with_the_library_date_by_date():
    rng = random.Random(7)
    days = [dt.date(1930, 1, 1) + dt.timedelta(days=rng.randint(0, 60000)) for _ in range(400)]
    assert [lunar_month_day(d) for d in days] == [_direct(d) for d in days]


@pytest.mark.parametrize(
    "day, expected",
    [
        (dt.date(2025, 7, 30), (6, 6, True)),  # 闰六月初六
        (dt.date(2026, 2, 17), (1, 1, False)),  # 春节
        (dt.date(2026, 2, 16), (12, 29, False)),  # 除夕 of a 29-day 腊月
        (dt.date(1990, 10, 3), (8, 15, False)),
    ],
)
def test_leap_months_and_year_ends(day, expected):
    assert lunar_month_day(day) == expected == _direct(day)


def test_label():
    assert (lunar_label(8, 15), lunar_label(6, 6, leap=True)) == ("八月十五", "闰六月初六")
