"""Time `csxl group load` / `group report` over N branch workbooks against the read floor of the same files.

    .venv/bin/python benchmarks/bench_group.py --branches 20 --customers 20000 --visits 200000
    .venv/bin/python benchmarks/bench_group.py --branches 20 --customers 100000 --visits 1000000 --postgres

Builds the branch workbooks once into benchmarks/out/group-<branches>-<customers>-<visits>/ (reused), and a
single workbook of the same total size for the reports comparison.  Then, in one run:

- floor: fastexcel reading every input sheet of every branch file into Arrow (no csxl code);
- load: `csxl group load STORE BOOK...` of all branches, whole process, wall time, CPU time of all its
  processes and peak memory (DuckDB; with --postgres also a PostgreSQL started from the machine's
  binaries, on loopback). The CPU time says what the load costs where the wall time on two shared
  cores says as much about the host's other tenants;
- reload: the same command again with nothing changed (every file skipped by its sha256);
- report: `csxl group report`, whole process, against the reports phase of `csxl refresh` on the
  single workbook of the same total size (`jobs.compute_reports`, in-process), and its three phases
  timed apart in this process (store read, the tabs computed, the workbook written): the computing
  phase is what compares with the reports phase, the reading and writing come on top;
- the store's size on disk, and load seconds per million visit rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
TODAY = dt.date(2026, 11, 24)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))


def build_branch(path: Path, code: str, seed: int, customers: int, visits: int) -> None:
    from bench_refresh import add_visits

    from csxl.demo import DEMO_SETTINGS, demo_rows
    from csxl.workbook.template import build_template

    rows = demo_rows(TODAY, customers, seed=seed)
    for car in rows["vehicles"]:
        if car["vin"] == "LSVDEMO0000000001":  # the demo's deliberate orphan car: one per branch, not shared
            car["vin"] = f"LSVDEMO{seed:010d}"
    add_visits(rows, visits, random.Random(seed))
    build_template(path, rows=rows, overwrite=True, constant_memory=True,
                   settings={**DEMO_SETTINGS, "branch_code": code, "branch_name": f"{code}店"})


# runs csxl's command line in this process, then reports the largest resident size of it and of its worker processes
_PEAK = """
import resource, runpy, sys
sys.argv = ["csxl", *sys.argv[1:]]
try:
    runpy.run_module("csxl", run_name="__main__")
except SystemExit as exit:
    code = exit.code
else:
    code = 0
# VmHWM, not RUSAGE_SELF: ru_maxrss survives exec, so it would count the benchmark's own size at the fork (776 MB
# for a load of 280 MB, in a run that had just built the workbooks); the workers are forked from csxl, no exec
with open("/proc/self/status") as status:
    own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
peak = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(f"PEAK {peak}", file=sys.stderr)
sys.exit(code)
"""


def timed(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak MB, CPU seconds) of one whole csxl process (its worker processes included)."""
    before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{command[:2]} failed: {done.stderr.strip()}")
    peak = int(done.stderr.rsplit("PEAK ", 1)[1].split()[0])
    return took, peak / 1024, _children_cpu() - before


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes, and of theirs.  The host's other tenants move it
    less than the wall time of work spread over two shared cores (time stolen from a core is not counted), though
    shared caches still do: the same load took 23–33 s of CPU on this machine in one afternoon."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def read_floor(books: list[Path]) -> tuple[float, float]:
    """(wall, CPU) seconds of reading every input sheet of ``books`` into Arrow with fastexcel, one file after another."""
    import logging

    import fastexcel

    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # as csxl does: a column of mixed cells is no news here

    from csxl.schema import INPUT_SHEETS

    started, cpu = time.perf_counter(), time.process_time()
    for book in books:
        reader = fastexcel.read_excel(str(book))
        for sheet in INPUT_SHEETS:
            if sheet.zh in reader.sheet_names:
                reader.load_sheet_by_name(sheet.zh).to_arrow()
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=20)
    parser.add_argument("--customers", type=int, default=20000, help="in all branches together")
    parser.add_argument("--visits", type=int, default=200000, help="in all branches together")
    parser.add_argument("--postgres", action="store_true", help="also load into a PostgreSQL on loopback")
    args = parser.parse_args()
    folder = OUT / f"group-{args.branches}-{args.customers}-{args.visits}"
    folder.mkdir(parents=True, exist_ok=True)
    books = [folder / f"B{n:02d}.xlsx" for n in range(1, args.branches + 1)]
    for n, book in enumerate(books, 1):
        if not book.exists():
            print(f"building {book.name} …", flush=True)
            build_branch(book, book.stem, 1000 + n, args.customers // args.branches, args.visits // args.branches)
    single = folder / "single.xlsx"
    if not single.exists():
        print("building the single workbook of the same size …", flush=True)
        from bench_refresh import build_apart

        build_apart(single, args.customers, args.visits)

    floor, floor_cpu = read_floor(books)
    rows = []
    stores = {"duckdb": str(folder / "group.duckdb")}
    server = None
    if args.postgres:
        from pg_server import PostgresServer

        server = PostgresServer(Path(tempfile.mkdtemp(prefix="csxl-pg-bench-")))
        stores["postgresql"] = server.start()
    try:
        for kind, spec in stores.items():
            if kind == "duckdb":
                for leftover in folder.glob("group.duckdb*"):
                    leftover.unlink()
            load, load_peak, load_cpu = timed(["group", "load", spec, *map(str, books), "--today", str(TODAY)])
            reload, _, _ = timed(["group", "load", spec, *map(str, books), "--today", str(TODAY)])
            report_out = folder / f"group-report-{kind}.xlsx"
            report, report_peak, _ = timed(["group", "report", spec, "--today", str(TODAY), "-o", str(report_out)])
            size = sum(p.stat().st_size for p in folder.glob("group.duckdb*")) if kind == "duckdb" else _pg_size(spec)
            rows.append((kind, load, load_peak, load_cpu, reload, report, report_peak, size))
    finally:
        if server:
            server.stop()
            shutil.rmtree(server.folder, ignore_errors=True)

    # before the single workbook is read: forked report workers would otherwise start from a process holding it
    read, compute, write = report_phases(stores["duckdb"], folder)

    from csxl import jobs
    from csxl.workbook.reader import read_book

    book = read_book(single)
    started = time.perf_counter()
    jobs.compute_reports(book, TODAY)
    reports_phase = time.perf_counter() - started

    print(f"\n{args.branches} branches, {args.customers} customers, {args.visits} visits in all; "
          f"read floor (fastexcel → Arrow, every input sheet of every file): {floor:.1f} s ({floor_cpu:.1f} s CPU); "
          f"single-workbook reports phase at the same size: {reports_phase:.1f} s")
    print(f"{'store':<11}{'load s':>8}{'÷ floor':>9}{'CPU s':>7}{'CPU ÷ floor CPU':>17}{'peak MB':>9}{'reload s':>10}"
          f"{'report s':>10}{'÷ reports':>11}{'peak MB':>9}{'size MB':>9}{'s / M visits':>14}")
    for kind, load, peak, load_cpu, reload, report, report_peak, size in rows:
        print(f"{kind:<11}{load:>8.1f}{load / floor:>9.2f}{load_cpu:>7.1f}{load_cpu / floor_cpu:>17.2f}{peak:>9.0f}{reload:>10.2f}"
              f"{report:>10.1f}{report / reports_phase:>11.2f}{report_peak:>9.0f}{size / 1e6:>9.1f}{load / (args.visits / 1e6):>14.1f}")
    print("CPU s: every process of the load (workers included); ÷ floor CPU: the work the load does for each second of "
          "the floor's, which two cores of its own would turn into about half that in wall time")
    print(f"group report phases, in this process (duckdb): store read {read:.1f} s, tabs computed {compute:.1f} s "
          f"(÷ reports phase {compute / reports_phase:.2f}), workbook written {write:.1f} s")


def report_phases(store: str, folder: Path) -> tuple[float, float, float]:
    """`group report`'s three phases timed apart, on the DuckDB store the run loaded: the computing phase is the one
    that compares with the single workbook's reports phase; reading the store and writing the workbook come on top."""
    from csxl import jobs
    from csxl.group.report import group_report, read_group
    from csxl.group.store import open_store

    started = time.perf_counter()
    with open_store(store, create=False) as opened:
        data = read_group(opened)
    read = time.perf_counter()
    tabs = group_report(data, TODAY, jobs.report_month(None, TODAY), "en")
    computed = time.perf_counter()
    jobs.write_report_workbook(folder / "group-report-phases.xlsx", tabs, "en", "Group report")
    return read - started, computed - read, time.perf_counter() - computed


def _pg_size(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as con:
        return con.execute("SELECT pg_database_size(current_database())").fetchone()[0]


if __name__ == "__main__":
    os.environ.setdefault("CSXL_LANG", "en")
    main()
