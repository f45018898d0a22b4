"""Hostile cells in every column of every input sheet, as a property: no traceback, and no value lost without a word.

Each case writes one input sheet with openpyxl or with xlsxwriter: cells of every
kind (formulas, error cells, booleans, numbers where text belongs, dates in odd
forms and out of range, 40,000-character strings, control characters, emoji),
the header on row 1 or row 3, an empty row in the middle, maybe a repeated header
column, maybe a merged cell, maybe no data rows.  Then `check`, `refresh` and
`remind --send` (to the outbox) run through the real command line in this
process, and every non-empty cell written under one of csxl's headers must
either be read as a value or be named by a data problem (sheet, row, column and value).

CSXL_HYPOTHESIS_EXAMPLES sets the number of cases (default 60).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csxl import jobs
from csxl.cli import cli
from csxl.schema import INPUT_SHEETS, ROW, ColumnType
from csxl.workbook.reader import read_book

TODAY = dt.date(2026, 11, 24)
EXAMPLES = int(os.environ.get("CSXL_HYPOTHESIS_EXAMPLES", "60"))
_cases = [0]


@dataclass(frozen=True)
class Error:
    code: str  # an error cell, as Excel saves one


@dataclass(frozen=True)
class Formula:
    text: str  # openpyxl saves it with no result; xlsxwriter with the result 0


ODD_TEXT = ["=1+1", "+86 138", "-5", "@SUM(A1)", "\t张三", "李\r\n四", "🚗😀", "x" * 40_000, "a\x01b\x1fc", "  ", "2026.1.4",
            "20260104", "1900-02-29", "2026-02-30", "9999-12-31", "约15万", "八", "true", "#N/A"]
cells = st.one_of(
    st.none(),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=12),
    st.booleans(),
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([2.5, -1, 0, 45_000, 2_958_465.0, 1e300]),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from([dt.datetime(9999, 12, 31), dt.datetime(1900, 3, 1), dt.datetime(2026, 11, 25), dt.datetime(2026, 11, 20, 13, 45)]),
    st.sampled_from([Error("#N/A"), Error("#REF!"), Error("#DIV/0!"), Error("#VALUE!")]),
    st.sampled_from([Formula("1/0"), Formula("TODAY()"), Formula('"3DC"'), Formula("A1")]),
)


def _legal_for_openpyxl(value):
    if isinstance(value, str):
        return openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("?", value)
    return value


@st.composite
def sheets(draw):
    sheet = draw(st.sampled_from(INPUT_SHEETS))
    headers = [c.zh for c in sheet.columns]

    def cell_for(column):
        if column.choices and draw(st.booleans()):
            return draw(st.sampled_from([c.zh for c in column.choices]))
        return draw(cells)

    rows = [[cell_for(c) for c in sheet.columns] for _ in range(draw(st.integers(0, 4)))]
    return {
        "sheet": sheet,
        "headers": headers,
        "rows": rows,
        "writer": draw(st.sampled_from(["openpyxl", "xlsxwriter"])),
        "header_row": draw(st.sampled_from([1, 3])),
        "gap": draw(st.booleans()) and len(rows) > 1,  # an empty row after the first data row
        "duplicate": draw(st.none() | st.integers(0, len(headers) - 1)),  # repeat one header at the end
        "merge": draw(st.booleans()) and len(rows) > 0,
    }


def _excel_rows(case) -> list[int]:
    first = case["header_row"] + 1
    return [first + i + (1 if case["gap"] and i > 0 else 0) for i in range(len(case["rows"]))]


def write_case(case, path: Path) -> dict[tuple[int, str], object]:
    """Write the case; returns what is in each data cell under one of csxl's headers after writing (row, header) → value."""
    headers = list(case["headers"])
    rows = [list(r) for r in case["rows"]]
    if case["duplicate"] is not None:
        headers.append(headers[case["duplicate"]])
        for row in rows:
            row.append(row[case["duplicate"]])
    numbers = _excel_rows(case)
    written = {(n, h): v for n, row in zip(numbers, rows) for h, v in zip(case["headers"], row)}
    if case["merge"]:  # A and B of the first data row become one cell: B's value is gone
        written[(numbers[0], headers[1])] = None
    if case["writer"] == "openpyxl":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = case["sheet"].zh
        for c, header in enumerate(headers, 1):
            sheet.cell(case["header_row"], c, header)
        for n, row in zip(numbers, rows):
            for c, value in enumerate(row, 1):
                cell = sheet.cell(n, c)
                if isinstance(value, Error):
                    cell.value, cell.data_type = value.code, "e"
                elif isinstance(value, Formula):
                    cell.value = "=" + value.text
                elif isinstance(value, str):
                    cell.value, cell.data_type = _legal_for_openpyxl(value), "s"  # text, even when it starts with =
                else:
                    cell.value = value
        if case["merge"]:
            sheet.merge_cells(start_row=numbers[0], start_column=1, end_row=numbers[0], end_column=2)
        book.save(path)
    else:
        book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
        sheet = book.add_worksheet(case["sheet"].zh)
        dates = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write_row(case["header_row"] - 1, 0, headers)
        for n, row in zip(numbers, rows):
            for c, value in enumerate(row):
                r = n - 1
                if isinstance(value, Error):
                    sheet.write_formula(r, c, "=NA()", None, value.code)
                elif isinstance(value, Formula):
                    sheet.write_formula(r, c, "=" + value.text)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, dates)
        if case["merge"]:
            first = rows[0][0]
            sheet.merge_range(numbers[0] - 1, 0, numbers[0] - 1, 1, first if isinstance(first, str) else "")
            if not isinstance(first, str):
                written[(numbers[0], headers[0])] = None
        book.close()
    return written


def _holds_something(value) -> bool:
    """Whether a cell holds anything (spaces alone are trimmed away to nothing)."""
    if isinstance(value, str):
        return value.strip() != ""
    return value is not None


def _invoke(*args) -> object:
    result = CliRunner().invoke(cli, [*map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.output, result.exc_info)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 3), (args, result.exit_code, result.output)
    return result


def assert_reads_equal(typed, text) -> None:
    """The read with the schema's types gives what the read of every cell as text gives: each value, each problem."""
    assert typed.problems == text.problems
    for key, frame in text.frames.items():
        pd.testing.assert_frame_equal(typed.frames[key], frame, check_dtype=True, obj=key)


def _one_case(case):
    _cases[0] += 1
    folder = Path(tempfile.mkdtemp(prefix="csxl-hostile-"))
    try:
        path = folder / "台账.xlsx"
        written = write_case(case, path)

        book = read_book(path)
        assert_reads_equal(book, read_book(path, typed=False))
        problems = jobs.compute_due(book, TODAY).problems
        sheet = case["sheet"]
        named = {(p.row, p.column) for p in problems if p.sheet == sheet.zh and p.value not in (None, "")}  # and its value
        rows_named = {p.row for p in problems if p.sheet == sheet.zh}
        frame = book.frames[sheet.key]
        by_row = {int(r): i for i, r in enumerate(frame[ROW])}
        key_of = {c.zh: c.key for c in sheet.columns}
        if case["duplicate"] is not None:
            assert (case["header_row"], case["headers"][case["duplicate"]]) in named, problems
        for (row, header), value in written.items():
            if not _holds_something(value):
                continue
            if row not in by_row:
                assert row in rows_named, f"row {row} left out without a problem ({header} = {value!r}): {problems}"
            elif pd.isna(frame.at[by_row[row], key_of[header]]):
                assert (row, header) in named, f"{sheet.zh}!{row} [{header}] {value!r} read as empty without a problem: {problems}"

        _invoke("check", path, "--today", TODAY)
        _invoke("refresh", path, "--today", TODAY)
        _invoke("remind", path, "--send", "--today", TODAY)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# Two shards, so that the two cores share the campaign (pytest-xdist runs each test on one worker); together they run EXAMPLES.
SHARDS = 2


@pytest.mark.parametrize("shard", range(SHARDS), ids=lambda shard: f"shard {shard + 1} of {SHARDS}")
def test_hostile_cells_never_crash_and_every_unusable_value_is_a_problem(shard, campaign):
    examples = EXAMPLES // SHARDS + (shard < EXAMPLES % SHARDS)
    _cases[0] = 0
    run = settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])(
        given(sheets())(_one_case))
    run()
    assert _cases[0] >= min(examples, 5)
    campaign(f"hostile cells (hypothesis, shard {shard + 1} of {SHARDS}): {_cases[0]} generated cases, "
             "each through check, refresh and remind --send")


TYPED_READ_EXAMPLES = 4 * EXAMPLES
TEXT_DATES = ["2026年3月5日", "2026/3/5", " 2026-03-05 ", "2026-03-05 13:30:00", "2026-02-30", "明年三月", "  ", "46026", ""]
TEXT_NUMBERS = ["12,000元", "¥3500", "约15万", "1e3", " 12 ", "八", "7.5", "  ", "", "-0"]
within_excel = st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 30))
errors = st.sampled_from([Error("#N/A"), Error("#REF!"), Formula("1/0")])
# not a formula: xlsxwriter saves one with the result 0, and in a date column that is serial 0 (1900-01-00), which
# reads the sheet as text — a hostile cell, left to the strategy above
date_errors = st.sampled_from([Error("#N/A"), Error("#REF!")])
# What a typed column holds in a workbook the typed read should take in its stride: its own type mostly, and odd cells it
# converts from their text; what makes it read the sheet as text instead is left to the hostile cells above.
TYPED_CELLS = {
    ColumnType.DATE: st.one_of(st.none(), within_excel, within_excel.map(lambda d: d.replace(hour=0, minute=0, second=0, microsecond=0)),
                               st.sampled_from(TEXT_DATES), st.booleans(), date_errors,
                               st.integers(1, 2_958_464), st.floats(1, 2_958_464)),
    ColumnType.NUMBER: st.one_of(st.none(), st.integers(-10**9, 10**9), st.floats(-1e9, 1e9), st.sampled_from(TEXT_NUMBERS),
                                 st.booleans(), errors),
    ColumnType.SCORE: st.one_of(st.none(), st.integers(1, 10), st.sampled_from(TEXT_NUMBERS), st.booleans(), errors),
}
TYPED_CELLS[ColumnType.DATETIME] = TYPED_CELLS[ColumnType.DATE]


@st.composite
def typed_sheets(draw):
    case = draw(sheets())
    columns = case["sheet"].columns
    case["rows"] = [[draw(TYPED_CELLS[c.type]) if c.type in TYPED_CELLS else value for c, value in zip(columns, row)]
                    for row in case["rows"] + [[None] * len(columns) for _ in range(draw(st.integers(0, 6)))]]
    case["gap"] = case["gap"] and len(case["rows"]) > 1
    return case


class _TextReads(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.sheets: list[str] = []

    def emit(self, record):
        self.sheets.append(record.args[0])


@pytest.mark.parametrize("strategy", [typed_sheets, sheets], ids=["typed cells", "hostile cells"])
def test_the_typed_read_equals_the_text_read(strategy):
    """Dates and numbers read typed, the odd cells from their text (typedread): every value and problem as the text read's."""
    text_reads, cases = _TextReads(), []
    logger = logging.getLogger("csxl.reader")
    logger.addHandler(text_reads)
    logger.setLevel(logging.INFO)

    @settings(max_examples=TYPED_READ_EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(case=strategy())
    def one(case):
        folder = Path(tempfile.mkdtemp(prefix="csxl-typed-"))
        try:
            path = folder / "台账.xlsx"
            write_case(case, path)
            read_as_text = len(text_reads.sheets)
            assert_reads_equal(read_book(path), read_book(path, typed=False))
            cases.append(len(text_reads.sheets) == read_as_text)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    try:
        one()
    finally:
        logger.removeHandler(text_reads)
    if strategy is typed_sheets:  # the typed path itself is what these cases test
        assert sum(cases) >= len(cases) * 0.6, f"{sum(cases)} of {len(cases)} cases read typed"
