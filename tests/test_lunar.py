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


def _library_days(first_year: int, last_year: int) -> dict[int, tuple[int, int, bool]]:
    """Every solar day (as an ordinal) of the lunar years given → (month, day, leap), from the library's own
    months: each month's first day and length.  The library converts a single day in about half a millisecond,
    a whole month as fast; the date-by-date test above ties the two together."""
    from lunar_python import LunarYear

    days = {}
    for year in range(first_year, last_year + 1):
        for month in LunarYear.fromYear(year).getMonthsInYear():
            first = Solar.fromJulianDay(month.getFirstJulianDay())
            start = dt.date(first.getYear(), first.getMonth(), first.getDay()).toordinal()
            for offset in range(month.getDayCount()):
                days[start + offset] = (abs(month.getMonth()), offset + 1, month.isLeap())
    return days


def test_table_agrees_with_the_library_every_day_from_1900_to_2100():
    """Every solar day of 1900–2100: (month, day, leap) from the table equals the library's."""
    import numpy as np

    from csxl.calendars.lunar import lunar_month_days

    start, end = dt.date(1900, 1, 1).toordinal(), dt.date(2100, 12, 31).toordinal() + 1
    library = _library_days(1899, 2100)  # lunar 1899 holds 1900's January
    expected = [library.get(ordinal) for ordinal in range(start, end)]
    assert None not in expected
    epoch = dt.date(1970, 1, 1).toordinal()
    months, days, leaps = lunar_month_days(np.arange(start - epoch, end - epoch))
    got = list(zip(months.tolist(), days.tolist(), leaps.tolist()))
    assert len(got) == len(expected) == end - start
    mismatches = [(dt.date.fromordinal(start + i), e, g) for i, (e, g) in enumerate(zip(expected, got)) if e != g]
    assert mismatches == []


def test_solar_of_lunar_agrees_with_the_library_including_missing_30ths():
    from lunar_python import Lunar, LunarMonth

    from csxl.calendars.lunar import solar_of_lunar

    for year in range(1900, 2101):
        for month in range(1, 13):
            length = LunarMonth.fromYm(year, month).getDayCount()
            for day in (1, 15, 29, 30):
                solar = Lunar.fromYmd(year, month, min(day, length)).getSolar()
                assert solar_of_lunar(year, month, day) == dt.date(solar.getYear(), solar.getMonth(), solar.getDay()), (year, month, day)


def test_vectorised_birthday_window_equals_the_rule_for_one_customer():
    import pandas as pd

    from csxl.rules.birthdays import next_birthday, occasions_in_window

    rng = random.Random(11)
    birthdays = [dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20000)) for _ in range(300)] + [dt.date(1988, 2, 29)] * 4
    lunar = ["是" if rng.random() < 0.4 else "否" for _ in birthdays]
    for today in (dt.date(2026, 2, 22), dt.date(2026, 12, 27), dt.date(2027, 2, 23), dt.date(2028, 2, 24), dt.date(2026, 9, 20)):
        got = occasions_in_window(pd.Series(pd.to_datetime(birthdays)), pd.Series(lunar), today, 2, 7)
        expected = [next_birthday(b, flag == "是", today, 2, 7) for b, flag in zip(birthdays, lunar)]
        assert [None if pd.isna(g) else g.date() for g in got] == expected, today
