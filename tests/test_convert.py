"""The Arrow conversion of sheet cells against the pandas one it replaced: same values, same problems."""

import random

import pandas as pd
import pyarrow as pa
import pytest
from reference_reader import ReferenceSheetReader

from csxl.schema import SHEETS, ColumnType
from csxl.workbook.reader import _SheetReader

# What clerks and other programs put in cells, per kind of column; every list also meets the others' values.
SAMPLES = {
    ColumnType.DATE: ["2026-01-04", "2026-01-04 00:00:00", "2026-01-04 13:45:00", "2026/1/4", "2026.1.4", "2026年1月4日",
                      "2026-1-4", "2026-02-30", "1900-02-29", "2024-02-29", "2025-02-29", "46026", "46026.5", "60", "61", "0",
                      "9999-12-31", "20260104", "明年三月", "1985年13月2日", " 2026-01-04 ", "2026-13-01"],
    ColumnType.NUMBER: ["0", "12", "-3.5", "+7", "1.", ".5", "1e3", "2.5E-2", "12,000元", "¥3500", "￥ 1，200", "约15万", "一万",
                        "nan", "1 000", "12.5.3", "--1", "3元5角"],
    ColumnType.SCORE: ["1", "10", "0", "11", "7.5", "8.0", "八", "-1", "5 "],
    ColumnType.CHOICE: ["是", "否", "YES", "No", "y", "√", "男", "女", "Male", "7DC", "3dc", "月回访", "monthly", "未接通", "成功",
                        "保养", "事故", "Accident", "电话", "来店", "服务质量", "重大", "已关闭", "新车交车", "上班", "别的", "ß", "SS"],
    ColumnType.TEXT: ["13800138000", "0755-12345678", "=1+1", "粤B·12345", "LSVAB123456789012", "  C001  ", "😀", "a\tb"],
}
SAMPLES[ColumnType.YESNO] = SAMPLES[ColumnType.CHOICE]
EVERYTHING = [v for values in SAMPLES.values() for v in values]


def _fuzzed_sheet(sheet, rng: random.Random, rows: int) -> dict[str, list]:
    columns = {}
    for column in sheet.columns:
        own = SAMPLES[column.type]
        columns[column.header("zh")] = [
            None if rng.random() < 0.15 else "" if rng.random() < 0.05 else rng.choice(own if rng.random() < 0.8 else EVERYTHING)
            for _ in range(rows)
        ]
    return columns


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("key", ["customers", "vehicles", "services", "visits", "complaints", "handover", "workday_adjustments"])
def test_arrow_conversion_equals_the_pandas_one(key, seed):
    sheet = SHEETS[key]
    rng = random.Random(f"{key}-{seed}")
    cells = _fuzzed_sheet(sheet, rng, 400)
    old = ReferenceSheetReader(sheet, sheet.zh, "zh", date1904=seed % 2 == 1)
    expected = old.read(pd.DataFrame(cells, dtype="string"), header_row=1)
    new = _SheetReader(sheet, sheet.zh, "zh", date1904=seed % 2 == 1)
    got = new.read(pa.table({name: pa.array(values, pa.string()) for name, values in cells.items()}), header_row=1)
    assert new.problems == old.problems
    assert len(new.problems) > 0
    pd.testing.assert_frame_equal(got, expected, check_dtype=True, check_index_type=False)
