"""Loading a branch's workbook into the group store: its rows replaced in one transaction, or skipped when unchanged."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from .. import clock
from ..errors import BranchClaimed, BranchNotNamed
from ..schema import INPUT_SHEETS
from ..settings import Settings
from .store import Store

# 门店名称's defaults: a workbook still carrying one cannot be told from another branch's
_DEFAULT_NAMES = {f.default for f in fields(Settings) if f.name == "branch_name"} | {
    f.metadata["default_en"] for f in fields(Settings) if f.name == "branch_name"}


@dataclass
class LoadResult:
    path: Path
    branch: str | None
    skipped: bool  # the same file (sha256) as the last load
    rows: dict[str, int]
    problems: int = 0


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_branch(store: Store, path: Path, today: dt.date, replace: bool = False) -> LoadResult:
    from ..jobs import compute_due, journal_facts
    from ..workbook.reader import read_book

    path = Path(path).resolve()
    digest = file_digest(path)
    last = store.last_loads()
    for previous in last.values():
        if previous.sha256 == digest:  # unchanged since its last load: not even read
            return LoadResult(path, previous.branch, True, json.loads(previous.rows))
    book = read_book(path)
    branch = book.settings.branch
    if branch in _DEFAULT_NAMES:
        raise BranchNotNamed(branch)
    claimed = last.get(branch)
    if claimed and Path(claimed.file) != path and not replace:
        raise BranchClaimed(f"{branch} ← {claimed.file}")
    facts = journal_facts(path)
    result = compute_due(book, today, facts)
    frames = {sheet.key: book.frames[sheet.key] for sheet in INPUT_SHEETS}
    problems = [p.as_dict() for p in result.problems]
    frames["problems"] = pd.DataFrame({
        "sheet": [p["sheet"] for p in problems], "row_number": [p["row"] for p in problems],
        "column_name": [p["column"] for p in problems], "value": [p["value"] for p in problems],
        "message": [p["message"] for p in problems]})
    frames["due_items"] = result.due
    frames["sent_messages"] = facts.sent if facts.sent is not None else None
    frames["branch_settings"] = pd.DataFrame({"name": [f.name for f in fields(Settings)],
                                              "value": [str(getattr(book.settings, f.name)) for f in fields(Settings)]})
    rows = {sheet.key: len(book.frames[sheet.key]) for sheet in INPUT_SHEETS}
    store.replace_branch(branch, frames, {
        "file": str(path), "sha256": digest, "rows": json.dumps(rows), "as_of": today,
        "loaded_at": clock.now().replace(tzinfo=None, microsecond=0)})
    return LoadResult(path, branch, False, rows, len(problems))
