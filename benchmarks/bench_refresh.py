"""Time csxl's read, rules and write on a large synthetic workbook.

    .venv/bin/python benchmarks/bench_refresh.py --customers 5000 --visits 50000
    .venv/bin/python benchmarks/bench_refresh.py --customers 100000 --visits 1000000

Builds the workbook once into benchmarks/out/ (reused while the sizes match),
then reports the best of --repeat runs for each stage, and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csxl import jobs  # noqa: E402
from csxl.demo import demo_rows  # noqa: E402
from csxl.workbook.reader import read_book  # noqa: E402
from csxl.workbook.template import build_template  # noqa: E402

TODAY = dt.date(2026, 11, 24)


def build(path: Path, customers: int, visits: int) -> None:
    rows = demo_rows(TODAY, customers)
    rng = random.Random(1)
    vehicles = rows["vehicles"]
    kinds = ("月回访", "年回访", "季度回访", "3DC", "生日", "节日")
    while len(rows["visits"]) < visits:
        car = vehicles[rng.randrange(len(vehicles))]
        rows["visits"].append({
            "visit_date": TODAY - dt.timedelta(days=rng.randint(0, 700)), "customer_id": car["customer_id"], "vin": car["vin"],
            "kind": rng.choice(kinds), "staff": "李娜", "result": "成功", "overall": rng.randint(5, 10),
        })
    rows["visits"] = rows["visits"][:visits]
    build_template(path, rows=rows, overwrite=True, constant_memory=True)


def best_of(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--visits", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    source = out / f"bench-{args.customers}-{args.visits}.xlsx"
    if not source.exists():
        started = time.perf_counter()
        build(source, args.customers, args.visits)
        print(f"built {source.name} ({source.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    work = out / "work.xlsx"

    book = read_book(source)
    sizes = {k: len(v) for k, v in book.frames.items() if len(v)}
    print("rows:", ", ".join(f"{k} {n:,}" for k, n in sizes.items()))
    read = best_of(args.repeat, lambda: read_book(source))
    compute = best_of(args.repeat, lambda: jobs.compute_due(book, TODAY))

    def refresh():
        shutil.copyfile(source, work)
        jobs.refresh(work, TODAY)

    whole = best_of(args.repeat, refresh)
    due = jobs.compute_due(book, TODAY)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"read   {read:6.2f} s")
    print(f"rules  {compute:6.2f} s  ({len(due.due):,} due, {len(due.problems):,} problems)")
    print(f"refresh (read + rules + write) {whole:6.2f} s")
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
