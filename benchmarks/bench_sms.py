"""Send N birthday SMS through the 腾讯云 fake (the real SDK, loopback HTTP, signatures checked), kill nothing, count everything.

    .venv/bin/python benchmarks/bench_sms.py --messages 5000

Prints the dry run's time, the send's time, the requests the fake received per action, and how many
numbers got more than one message (must be 0); then a second `remind --send` of the same day, which
must send nothing, and a receipts pull.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sms_fakes import FakeTencent  # noqa: E402

from csxl import jobs  # noqa: E402
from csxl.messages.sms import parameter_names  # noqa: E402
from csxl.messages.templates import PLACEHOLDERS, default_rows  # noqa: E402
from csxl.workbook.template import build_template  # noqa: E402

TODAY = dt.date(2026, 11, 24)


def approved(body: str) -> str:
    names = parameter_names(body)
    for zh, en in PLACEHOLDERS.items():
        if en in names:
            body = body.replace("{{%s}}" % zh, "{%d}" % (names.index(en) + 1))
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    args = parser.parse_args()
    os.environ.update({"TENCENTCLOUD_SECRET_ID": "bench-id", "TENCENTCLOUD_SECRET_KEY": "bench-secret"})
    templates = [{**row, "sms_template_id": str(3000 + n)} for n, row in enumerate(default_rows("zh"))]
    texts = {row["sms_template_id"]: approved(row["body"]) for row in templates}
    customers = [{"customer_id": f"C{n:06d}", "name": f"王{n}", "gender": "男" if n % 2 else "女",
                  "birthday": dt.date(1980 + n % 20, 11, 26 + n % 4), "phone": f"13{n % 10}{n:08d}"} for n in range(args.messages)]
    with FakeTencent("bench-id", "bench-secret", {"某某汽车"}, texts, "1400000001") as fake, tempfile.TemporaryDirectory() as folder:
        path = build_template(Path(folder) / "台账.xlsx", rows={"customers": customers, "templates": templates}, settings={
            "sms_provider": "腾讯云", "sms_signature": "某某汽车", "sms_app_id": "1400000001", "sms_endpoint": fake.endpoint})
        started = time.perf_counter()
        planned = jobs.remind(path, TODAY)
        dry = time.perf_counter() - started
        sends = [d for d in planned.decisions if d.action == "send"]
        print(f"dry run: {len(sends)} SMS, {sum(d.segments for d in sends)} segments planned in {dry:.1f} s; "
              f"requests to the provider: {sum(fake.requests.values())}")
        started = time.perf_counter()
        result = jobs.remind(path, TODAY, send=True)
        took = time.perf_counter() - started
        per_number = Counter(m["number"] for m in fake.accepted)
        print(f"send: {result.counts} in {took:.1f} s ({len(fake.accepted) / took:.0f} SMS/s); requests {dict(fake.requests)}; "
              f"numbers with more than one message: {sum(1 for n in per_number.values() if n > 1)}")
        again = jobs.remind(path, TODAY, send=True)
        print(f"second run of the same day: {again.counts}; accepted in all {len(fake.accepted)}")
        started = time.perf_counter()
        pulled = jobs.receipts(path)
        print(f"receipts: {pulled.delivered} delivered, {pulled.undelivered} not, in {time.perf_counter() - started:.1f} s; "
              f"requests {dict(fake.requests)}")


if __name__ == "__main__":
    main()
