"""Time `read_book` with the schema's types against the same read of every cell as text, on one workbook.

    .venv/bin/python benchmarks/bench_read.py benchmarks/out/bench-100000-1000000.xlsx --runs 3

Each run is a fresh process (imports excluded from the time), typed and text alternated so
that a noisy machine weighs on both alike.  Prints each run, the best of each, and typed ÷ text.
Build the workbook first with bench_refresh.py (it is cached in benchmarks/out/).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ONE_READ = r"""
import json, resource, sys, time
from pathlib import Path
from csxl.workbook.reader import read_book
started = time.perf_counter()
book = read_book(Path(sys.argv[1]), typed=sys.argv[2] == "typed")
print(json.dumps({"seconds": time.perf_counter() - started, "problems": len(book.problems),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def one_read(path: Path, how: str) -> dict:
    done = subprocess.run([sys.executable, "-c", ONE_READ, str(path), how], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="runs of each read (default 3)")
    args = parser.parse_args()
    best = {}
    for run in range(1, args.runs + 1):
        for how in ("typed", "text"):
            result = one_read(args.workbook, how)
            print(f"run {run}  {how:5}  {result['seconds']:6.2f} s  peak {result['peak_mb']:,.0f} MB  {result['problems']:,} problems")
            best[how] = min(best.get(how, result["seconds"]), result["seconds"])
    print(f"best: typed {best['typed']:.2f} s, text {best['text']:.2f} s, typed ÷ text {best['typed'] / best['text']:.2f}")


if __name__ == "__main__":
    main()
