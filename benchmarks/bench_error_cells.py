"""Time reading a 客户档案 whose 生日 column is all #N/A (a failed VLOOKUP), against the same sheet without them.

    .venv/bin/python benchmarks/bench_error_cells.py --rows 100000

Each error cell becomes a data problem; the reading must stay linear in the number of them.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import xlsxwriter

from csxl.schema import CUSTOMERS
from csxl.workbook.reader import read_book

OUT = Path(__file__).resolve().parent / "out"


def build(path: Path, rows: int, errors: bool) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet(CUSTOMERS.zh)
    headers = [c.zh for c in CUSTOMERS.columns]
    sheet.write_row(0, 0, headers)
    birthday = headers.index("生日")
    for row in range(1, rows + 1):
        sheet.write_string(row, 0, f"C{row:06d}")
        sheet.write_string(row, 1, "张三")
        if errors:
            sheet.write_formula(row, birthday, "=NA()", None, "#N/A")
        else:
            sheet.write_string(row, birthday, "1990-01-02")
    book.close()


def timed(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    book = read_book(path)
    return time.perf_counter() - started, len(book.problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    results = {}
    for errors in (False, True):
        path = OUT / f"error-cells-{args.rows}-{'errors' if errors else 'clean'}.xlsx"
        build(path, args.rows, errors)
        results[errors] = timed(path)
    (clean, _), (with_errors, problems) = results[False], results[True]
    print(f"{args.rows:,} rows: clean {clean:.2f} s; every 生日 #N/A {with_errors:.2f} s with {problems:,} problems; ratio {with_errors / clean:.2f}")


if __name__ == "__main__":
    main()
