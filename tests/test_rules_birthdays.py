import datetime as dt

import pandas as pd
import pytest
from conftest import D, frames

from csxl.rules.birthdays import birthday_greetings
from csxl.rules.items import empty_sent


def _due(settings, birthday, today, lunar="否", visits=(), sent=None):
    f = frames(customers=[{"customer_id": "C1", "name": "张三", "birthday": birthday, "lunar_birthday": lunar}], visits=list(visits))
    return birthday_greetings(f["customers"], f["visits"], sent, settings, today)


@pytest.mark.parametrize(
    "birthday, today, occasion",
    [
        (D(1990, 11, 26), D(2026, 11, 24), D(2026, 11, 26)),  # 2 days ahead: lower bound, inclusive
        (D(1990, 12, 1), D(2026, 11, 24), D(2026, 12, 1)),  # 7 days ahead: upper bound, inclusive
        (D(1990, 11, 25), D(2026, 11, 24), None),  # 1 day ahead: too late
        (D(1990, 12, 2), D(2026, 11, 24), None),  # 8 days ahead: too early
        (D(1990, 11, 24), D(2026, 11, 24), None),  # today
        (D(1990, 1, 3), D(2026, 12, 28), D(2027, 1, 3)),  # across the year boundary
        (D(1988, 2, 29), D(2027, 2, 21), D(2027, 2, 28)),  # Feb 29 in a common year → Feb 28
        (D(1988, 2, 29), D(2028, 2, 22), D(2028, 2, 29)),  # and in a leap year it stays
        (D(1988, 2, 29), D(2027, 2, 23), D(2027, 2, 28)),
    ],
)
def test_solar_birthdays(settings, birthday, today, occasion):
    items = _due(settings, birthday, today)
    if occasion is None:
        assert items.empty
    else:
        assert list(items["occasion"]) == [pd.Timestamp(occasion)]
        assert items["expires"].iloc[0] == pd.Timestamp(occasion)
        assert items["due_date"].iloc[0] == pd.Timestamp(occasion) - pd.Timedelta(days=2)


@pytest.mark.parametrize(
    "birthday, today, occasion",
    [
        # born 1990-10-03 = lunar 八月十五; in 2026 that is 2026-09-25 (checked against `lunardate`)
        (D(1990, 10, 3), D(2026, 9, 20), D(2026, 9, 25)),
        (D(1990, 10, 3), D(2026, 9, 28), None),  # the solar date would be 5 days ahead, the lunar one has passed
        # born in the leap sixth month (2025-07-30 = 闰六月初六) → celebrated on 六月初六: 2026-07-19
        (D(2025, 7, 30), D(2026, 7, 14), D(2026, 7, 19)),
        # born on 七月三十 (2025-09-21); the seventh month of 2026 has 29 days → 七月廿九 = 2026-09-10
        (D(2025, 9, 21), D(2026, 9, 5), D(2026, 9, 10)),
    ],
)
def test_lunar_birthdays(settings, birthday, today, occasion):
    items = _due(settings, birthday, today, lunar="是")
    if occasion is None:
        assert items.empty
    else:
        assert list(items["occasion"]) == [pd.Timestamp(occasion)]
        assert "农历生日" in items["note"].iloc[0]


def test_lunar_birthday_note_names_the_lunar_date(settings):
    items = _due(settings, D(1990, 10, 3), D(2026, 9, 20), lunar="是")
    assert items["note"].iloc[0] == "农历生日 八月十五（公历 2026-09-25）"


def test_a_birthday_visit_before_the_birthday_closes_it(settings):
    visits = [{"visit_date": D(2026, 11, 24), "customer_id": "C1", "kind": "生日"}]
    assert _due(settings, D(1990, 11, 28), D(2026, 11, 24), visits=visits).empty
    old = [{"visit_date": D(2025, 11, 24), "customer_id": "C1", "kind": "生日"}]
    assert len(_due(settings, D(1990, 11, 28), D(2026, 11, 24), visits=old)) == 1


def test_a_message_already_sent_closes_it(settings):
    sent = empty_sent()
    sent.loc[0] = ["C1", pd.NA, "生日关怀", pd.Timestamp("2026-11-28"), pd.Timestamp("2026-11-22")]
    assert _due(settings, D(1990, 11, 28), D(2026, 11, 24), sent=sent).empty
    sent.loc[0] = ["C1", pd.NA, "生日关怀", pd.Timestamp("2025-11-28"), pd.Timestamp("2025-11-22")]
    assert len(_due(settings, D(1990, 11, 28), D(2026, 11, 24), sent=sent)) == 1


def test_window_bounds_come_from_settings(settings):
    from dataclasses import replace

    narrow = replace(settings, birthday_min_days=3, birthday_max_days=3)
    assert _due(narrow, D(1990, 11, 26), D(2026, 11, 24)).empty
    assert len(_due(narrow, D(1990, 11, 27), D(2026, 11, 24))) == 1


def test_customers_without_birthday_are_skipped(settings):
    f = frames(customers=[{"customer_id": "C1", "name": "张三"}])
    assert birthday_greetings(f["customers"], f["visits"], None, settings, dt.date(2026, 11, 24)).empty
