"""A dry run, a send and a receipts pull of the demo workbook against a loopback fake of 阿里云 or 腾讯云 (the real SDK).

    .venv/bin/python benchmarks/sms_session.py 腾讯云
    .venv/bin/python benchmarks/sms_session.py 阿里云

Builds the demo in a temporary folder, sets 短信服务商, 短信签名, 短信应用ID, 短信接口地址 (the fake) and the
消息模板's 短信模板编号, then runs `csxl remind`, `csxl remind --send` and `csxl receipts` as a clerk would,
printing what each said and what the fake received.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sms_fakes import FakeAliyun, FakeTencent  # noqa: E402

from csxl import jobs  # noqa: E402
from csxl.demo import DEMO_SETTINGS, demo_rows  # noqa: E402
from csxl.messages.sms import parameter_names  # noqa: E402
from csxl.messages.templates import PLACEHOLDERS, default_rows  # noqa: E402
from csxl.workbook.template import build_template  # noqa: E402

TODAY = dt.date(2026, 11, 24)


def approved(provider: str, body: str) -> str:
    names = parameter_names(body)
    for zh, en in PLACEHOLDERS.items():
        if en in names:
            body = body.replace("{{%s}}" % zh, "${%s}" % en if provider == "阿里云" else "{%d}" % (names.index(en) + 1))
    return body


def main(provider: str) -> None:
    ids = [f"SMS_{200 + n}" if provider == "阿里云" else str(1800 + n) for n in range(len(default_rows("zh")))]
    templates = [{**row, "sms_template_id": i} for row, i in zip(default_rows("zh"), ids)]
    texts = {row["sms_template_id"]: approved(provider, row["body"]) for row in templates}
    names = ({"ALIBABA_CLOUD_ACCESS_KEY_ID": "demo-id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "demo-secret"} if provider == "阿里云"
             else {"TENCENTCLOUD_SECRET_ID": "demo-id", "TENCENTCLOUD_SECRET_KEY": "demo-secret"})
    fake = (FakeAliyun("demo-id", "demo-secret", {"演示汽车"}, texts) if provider == "阿里云"
            else FakeTencent("demo-id", "demo-secret", {"演示汽车"}, texts, "1400000001"))
    with fake, tempfile.TemporaryDirectory() as folder:
        path = build_template(Path(folder) / "演示台账.xlsx", rows={**demo_rows(TODAY, 300), "templates": templates}, settings={
            **DEMO_SETTINGS, "sms_provider": provider, "sms_signature": "演示汽车", "sms_app_id": "1400000001",
            "sms_endpoint": fake.endpoint, "branch_name": "演示店"})
        os.environ.update(names)
        first, second = [d.to for d in jobs.remind(path, TODAY).decisions if d.action == "send"][:2]
        fake.fail_number(first, "MOBILE_NOT_ON_SERVICE 停机")  # its receipt will say so
        env = {**os.environ, "CSXL_LANG": "zh"}
        steps = (["remind", "--today", str(TODAY)], ["remind", "--today", str(TODAY), "--send"], ["receipts"],
                 ["check", "--today", str(TODAY)])
        for n, args in enumerate(steps):
            if n == 2 and provider == "腾讯云":
                fake.reply(second, "TD")  # a customer answers the SMS
            done = subprocess.run([sys.executable, "-m", "csxl", args[0], str(path), *args[1:]], env=env, capture_output=True, text=True)
            print(f"$ csxl {args[0]} 演示台账.xlsx {' '.join(args[1:])}".rstrip())
            shown = done.stdout.splitlines()
            if args[0] == "check":  # only the problem the receipt raised
                shown = [line for line in shown if "短信" in line]
            print("\n".join(shown[:8]))
        print(f"# the fake received: {dict(fake.requests)}; accepted {len(fake.accepted)} SMS, refused {len(fake.refused)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "腾讯云")
