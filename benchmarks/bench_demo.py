"""Time `csxl refresh` on the demo workbook (300 customers), whole process, against Python importing pandas.

    .venv/bin/python benchmarks/bench_demo.py [--runs 15]

A small workbook's refresh is start-up and fixed costs, not I/O: imports, pandas' first
calls, a dozen rules and nine report tabs on tiny frames.  Each run is a fresh process on
a fresh copy of the demo workbook; runs of the refresh and of the reference
(`python -c "import pandas, pyarrow, numpy"`) alternate, so both see the same machine.
Prints the best and the median of each and their ratio; the ratio is what carries
from one (noisy, shared) machine to another.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 24)
sys.path.insert(0, str(ROOT))


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from csxl.demo import build_demo

    with tempfile.TemporaryDirectory() as folder:
        demo = build_demo(Path(folder) / "demo.xlsx", TODAY)
        refresh, imports = [], []
        for run in range(args.runs + 1):
            work = Path(folder) / "work.xlsx"
            shutil.copy(demo, work)
            took_refresh = timed([sys.executable, "-m", "csxl", "refresh", str(work), "--today", TODAY.isoformat()])
            took_imports = timed([sys.executable, "-c", "import pandas, pyarrow, numpy"])
            if run:  # the first pair warms the disk cache
                refresh.append(took_refresh)
                imports.append(took_imports)
    for name, values in (("csxl refresh demo (300 customers)", refresh), ("import pandas, pyarrow, numpy", imports)):
        print(f"{name:36} best {min(values):5.2f} s   median {statistics.median(values):5.2f} s")
    print(f"{'refresh ÷ imports':36} best {min(refresh) / min(imports):5.2f}    median {statistics.median(refresh) / statistics.median(imports):5.2f}")


if __name__ == "__main__":
    main()
