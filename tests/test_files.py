"""Files beside the workbook: the modes the other clerks need, and no leftovers after an interrupted run."""

import datetime as dt
import os

import pytest

from csxl import jobs
from csxl.workbook.template import build_template

TODAY = dt.date(2026, 11, 24)
CUSTOMERS = [{"customer_id": "C1", "name": "张三", "birthday": dt.date(1990, 11, 28), "email": "c1@example.com"}]


@pytest.fixture
def book(tmp_path):
    return build_template(tmp_path / "台账.xlsx", rows={"customers": CUSTOMERS})


@pytest.mark.parametrize("umask, expected", [(0o002, 0o664), (0o022, 0o644)])
def test_new_files_follow_the_umask(book, umask, expected):
    previous = os.umask(umask)
    try:
        jobs.remind(book, TODAY, send=True)
        out, _ = jobs.monthly_report_book(book, TODAY)
    finally:
        os.umask(previous)
    messages = list((book.parent / "outbox").glob("*.eml"))
    assert messages
    assert {m.stat().st_mode & 0o777 for m in messages} == {expected}
    assert out.stat().st_mode & 0o777 == expected


@pytest.mark.parametrize("mode", [0o664, 0o640])
def test_refresh_keeps_the_mode_of_the_workbook_and_its_backup(book, mode):
    os.chmod(book, mode)
    _, backup = jobs.refresh(book, TODAY)
    assert book.stat().st_mode & 0o777 == mode
    assert backup.stat().st_mode & 0o777 == mode


def test_the_next_run_removes_what_a_killed_run_left(book):
    leftover = book.with_name(f".~csxl-{book.name}-abc123.xlsx")
    leftover.write_bytes(b"half a workbook")
    other = book.with_name(".~csxl-别的台账.xlsx-zzz.xlsx")  # another workbook's: not ours to touch
    other.write_bytes(b"x")
    (book.parent / "outbox").mkdir()
    half_mail = book.parent / "outbox" / f".tmp-{book.stem}-q1w2.eml"
    half_mail.write_bytes(b"From: ")
    jobs.remind(book, TODAY, send=True)
    assert not half_mail.exists()
    jobs.refresh(book, TODAY)
    assert not leftover.exists()
    assert other.exists()
