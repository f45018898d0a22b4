"""Rebuild csxl/calendars/lunar_months.csv: the first day of every lunar month, lunar years 1899–2102.

    python scripts/build_lunar_table.py

lunar_python works each lunar year out astronomically (milliseconds apiece);
csxl reads this table instead, and tests/test_lunar.py checks it against the
library day by day from 1900 to 2100.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from lunar_python import LunarYear, Solar

FIRST_YEAR, LAST_YEAR = 1899, 2102
TABLE = Path(__file__).resolve().parent.parent / "csxl" / "calendars" / "lunar_months.csv"


def month_starts(lunar_year: int) -> list[tuple[int, int, bool, dt.date]]:
    starts = []
    for month in LunarYear.fromYear(lunar_year).getMonths():
        if month.getYear() == lunar_year:
            first = Solar.fromJulianDay(month.getFirstJulianDay())
            starts.append((lunar_year, abs(month.getMonth()), month.getMonth() < 0, dt.date(first.getYear(), first.getMonth(), first.getDay())))
    return starts


def main() -> None:
    rows = [row for year in range(FIRST_YEAR, LAST_YEAR + 1) for row in month_starts(year)]
    rows.sort(key=lambda r: r[3])
    with TABLE.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["lunar_year", "month", "leap", "first_day"])
        for year, month, leap, first in rows:
            out.writerow([year, month, int(leap), first.isoformat()])
    print(f"wrote {TABLE} ({len(rows)} months)")


if __name__ == "__main__":
    main()
