"""Time a real `csxl refresh` on a large synthetic workbook against the I/O floor and the naive openpyxl round trip.

    .venv/bin/python benchmarks/bench_refresh.py --customers 5000 --visits 50000
    .venv/bin/python benchmarks/bench_refresh.py --customers 100000 --visits 1000000 --naive

Builds the workbook once into benchmarks/out/ (reused while the sizes match). Then, in one run
on that file, each measured in a fresh process (cold: imports and first calls included):

- refresh: the `csxl refresh` command, whole process, wall time and peak memory;
- phases: the same work step by step (read per sheet, rules, reports, write);
- floor: fastexcel reading the same sheets with the schema's types, plus the raw-copy
  write of the same generated parts — the I/O no refresh can avoid;
- naive (with --naive, 5 minutes and 6 GB at 100k): openpyxl load_workbook + save.

Each is run --repeat times (default 2) and the best run counts. Prints a table with refresh ÷ floor and naive ÷ refresh, and writes the figures as
JSON beside the workbook (benchmarks/out/refresh-<customers>-<visits>.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
TODAY = dt.date(2026, 11, 24)

PHASES = r"""
import json, resource, sys, time
started = time.perf_counter()
marks = {}
def mark(name):
    marks[name] = time.perf_counter() - started
import datetime as dt
from pathlib import Path
from csxl import jobs
from csxl.workbook.reader import read_book
mark("imports")
path, today = Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2])
sheets = {}
last = [time.perf_counter()]
def progress(name):
    now = time.perf_counter()
    sheets[name] = now
book = read_book(path, progress)
mark("read")
order = list(sheets) + ["end"]
times = list(sheets.values()) + [time.perf_counter()]
per_sheet = {order[i]: round(times[i + 1] - times[i], 3) for i in range(len(order) - 1)}
result = jobs.compute_due(book, today, jobs.journal_facts(path))
mark("rules")
reports = jobs.compute_reports(book, today, tasks=result.tasks)
mark("reports")
from csxl.problems import problems_frame
from csxl.schema import DUE, PROBLEMS
from csxl.workbook.writer import write_generated
generated = {DUE: result.due, PROBLEMS: problems_frame(result.problems), **reports}
write_generated(book.package, generated, book.lang, jobs.report_charts(reports, book.lang))
mark("write")
print(json.dumps({"marks": marks, "read_per_sheet": per_sheet,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

FLOOR_READ = r"""
import json, resource, sys, time
started = time.perf_counter()
import fastexcel
from csxl.schema import CONFIG_SHEETS, INPUT_SHEETS, ColumnType
types = {ColumnType.DATE: "datetime", ColumnType.NUMBER: "float", ColumnType.SCORE: "float"}
reader = fastexcel.read_excel(sys.argv[1])
names = set(reader.sheet_names)
rows = 0
for sheet in (*CONFIG_SHEETS, *INPUT_SHEETS):
    if sheet.zh in names:
        dtypes = {c.zh: types.get(c.type, "string") for c in sheet.columns}
        rows += reader.load_sheet_by_name(sheet.zh, dtypes=dtypes, dtype_coercion="coerce").to_arrow().num_rows
print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

FLOOR_WRITE = r"""
import json, sys, time, zipfile
from csxl.workbook.zipcopy import rewrite_archive
source, refreshed, target = sys.argv[1:4]
generated = json.loads(sys.argv[4])
with zipfile.ZipFile(refreshed) as z:
    parts = {name: z.read(name) for name in generated}
started = time.perf_counter()
with open(target, "wb") as out:
    rewrite_archive(source, out, parts)
print(json.dumps({"seconds": time.perf_counter() - started}))
"""

NAIVE = r"""
import json, resource, sys, time
started = time.perf_counter()
import openpyxl
book = openpyxl.load_workbook(sys.argv[1])
book.save(sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build(path: Path, customers: int, visits: int) -> None:
    sys.path.insert(0, str(ROOT))
    from csxl.demo import demo_rows
    from csxl.workbook.template import build_template

    rows = demo_rows(TODAY, customers)
    add_visits(rows, visits, random.Random(1))
    build_template(path, rows=rows, overwrite=True, constant_memory=True)


def build_apart(path: Path, customers: int, visits: int) -> None:
    """`build` in a process of its own: a process's peak memory (ru_maxrss) survives exec, so every process this one
    started after building in itself would report the building's gigabyte as its own peak."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(build, path, customers, visits).result()


def add_visits(rows: dict, visits: int, rng: random.Random) -> None:
    """Calls on random cars of the demo rows until there are ``visits`` of them."""
    vehicles = rows["vehicles"]
    kinds = ("月回访", "年回访", "季度回访", "3DC", "生日", "节日")
    while len(rows["visits"]) < visits:
        car = vehicles[rng.randrange(len(vehicles))]
        rows["visits"].append({
            "visit_date": TODAY - dt.timedelta(days=rng.randint(0, 700)), "customer_id": car["customer_id"], "vin": car["vin"],
            "kind": rng.choice(kinds), "staff": "李娜", "result": "成功", "overall": rng.randint(5, 10),
        })
    rows["visits"] = rows["visits"][:visits]


def run(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MB) and stdout of one fresh process."""
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    out, err = child.stdout.read(), child.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args[:3])} failed:\n{err}")
    return seconds, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--visits", type=int, default=50000)
    parser.add_argument("--naive", action="store_true", help="also time openpyxl load + save (slow, memory-hungry)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each measurement; the best is reported (the machine is noisy)")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    source = OUT / f"bench-{args.customers}-{args.visits}.xlsx"
    if not source.exists():
        started = time.perf_counter()
        build_apart(source, args.customers, args.visits)
        print(f"built {source.name} ({source.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    python, work = sys.executable, OUT / "work.xlsx"
    csxl = [python, "-m", "csxl"]

    def best(measure):
        return min((measure() for _ in range(max(1, args.repeat))), key=lambda result: result[0])

    def refresh():
        shutil.copyfile(source, work)
        return run([*csxl, "refresh", str(work), "--today", TODAY.isoformat()])

    refresh_seconds, refresh_mb, _ = best(refresh)
    refreshed = OUT / "refreshed.xlsx"
    shutil.copyfile(work, refreshed)

    def phases_run():
        shutil.copyfile(source, work)
        _, peak, out = run([python, "-c", PHASES, str(work), TODAY.isoformat()])
        phases = json.loads(out)
        return phases["marks"]["write"], peak, phases

    _, phases_mb, phases = best(phases_run)

    def floor_run():
        _, peak, out = run([python, "-c", FLOOR_READ, str(source)])
        return json.loads(out)["seconds"], peak, json.loads(out)

    _, floor_read_mb, floor_read = best(floor_run)
    sys.path.insert(0, str(ROOT))
    from csxl.schema import GENERATED_SHEETS
    from csxl.workbook.package import Package

    with_tabs = Package(refreshed)
    names = {s.zh for s in GENERATED_SHEETS}
    generated = [e.part for e in with_tabs.sheets if e.name in names]
    generated += [n for n in with_tabs.part_names() if n.startswith(("xl/charts/", "xl/drawings/drawing", "xl/drawings/_rels/drawing"))]
    floor_write = min(json.loads(run([python, "-c", FLOOR_WRITE, str(source), str(refreshed), str(OUT / "floor.xlsx"), json.dumps(generated)])[2])["seconds"]
                      for _ in range(max(1, args.repeat)))
    floor = floor_read["seconds"] + floor_write

    naive = None
    if args.naive:
        _, naive_mb, naive_out = run([python, "-c", NAIVE, str(source), str(OUT / "naive.xlsx")])
        naive = json.loads(naive_out)

    marks = phases["marks"]
    steps = {"imports": marks["imports"], "read": marks["read"] - marks["imports"], "rules": marks["rules"] - marks["read"],
             "reports": marks["reports"] - marks["rules"], "write": marks["write"] - marks["reports"]}
    figures = {
        "workbook": source.name, "megabytes": round(source.stat().st_size / 1e6, 1), "rows_read": floor_read["rows"],
        "refresh_seconds": round(refresh_seconds, 2), "refresh_peak_mb": round(refresh_mb),
        "phases_seconds": {k: round(v, 2) for k, v in steps.items()}, "read_per_sheet": phases["read_per_sheet"],
        "floor_seconds": round(floor, 2), "floor_read_seconds": round(floor_read["seconds"], 2), "floor_write_seconds": round(floor_write, 2),
        "refresh_over_floor": round(refresh_seconds / floor, 2),
        "naive_seconds": round(naive["seconds"], 1) if naive else None, "naive_peak_mb": round(naive["peak_mb"]) if naive else None,
        "naive_over_refresh": round(naive["seconds"] / refresh_seconds, 1) if naive else None,
        "cpus": os.cpu_count(), "when": dt.datetime.now().isoformat(timespec="seconds"),
    }
    print(f"{source.name}: {figures['megabytes']} MB, {figures['rows_read']:,} rows")
    print(f"  csxl refresh (whole process)  {refresh_seconds:7.2f} s   peak {refresh_mb:,.0f} MB")
    for name, seconds in steps.items():
        print(f"    {name:<8} {seconds:7.2f} s")
    print("    read per sheet: " + ", ".join(f"{k} {v:.2f}" for k, v in phases["read_per_sheet"].items()))
    print(f"  floor (typed read + raw-copy write)  {floor:7.2f} s   (read {floor_read['seconds']:.2f}, write {floor_write:.2f}, peak {floor_read_mb:,.0f} MB)")
    print(f"  refresh ÷ floor  {figures['refresh_over_floor']:.2f}")
    if naive:
        print(f"  naive openpyxl load + save  {naive['seconds']:7.1f} s   peak {naive['peak_mb']:,.0f} MB")
        print(f"  naive ÷ refresh  {figures['naive_over_refresh']:.1f}")
    report = OUT / f"refresh-{args.customers}-{args.visits}.json"
    report.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"  figures: {report.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
