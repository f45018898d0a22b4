"""Regenerate workbooks/ from the code: the templates (zh, en) and the demo workbook.

    python scripts/build_workbooks.py
"""

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csxl.demo import build_demo  # noqa: E402
from csxl.workbook.template import build_template  # noqa: E402

DEMO_DAY = dt.date(2026, 11, 24)
OUTPUTS = {
    "template.xlsx": lambda p: build_template(p, "zh", overwrite=True),
    "template-en.xlsx": lambda p: build_template(p, "en", overwrite=True),
    "demo.xlsx": lambda p: build_demo(p, DEMO_DAY, customers=300),
}


def build(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [make(folder / name) for name, make in OUTPUTS.items()]


if __name__ == "__main__":
    for path in build(ROOT / "workbooks"):
        print(path.relative_to(ROOT))
