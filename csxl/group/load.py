"""Loading branch workbooks into the group store: each branch's rows replaced in one transaction, or skipped when unchanged.

Reading a workbook and computing its due items and problems is the slow part and needs
no store, so it runs in worker processes (one per core) while the store takes the
finished branches one at a time — DuckDB allows one writer, and a branch's
replacement is one transaction either way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from .. import clock
from ..errors import BranchClaimed, BranchNotNamed
from ..schema import INPUT_SHEETS
from .store import Store, shaped_rows

if TYPE_CHECKING:  # pandas and Arrow are imported by the workers that read workbooks: a reload that skips every file never needs them
    import pyarrow as pa


@dataclass
class LoadResult:
    path: Path
    branch: str | None
    skipped: bool  # the same file (sha256) as the last load
    rows: dict[str, int]
    problems: int = 0


@dataclass
class Prepared:
    """A branch workbook read and computed, ready to go into the store."""

    path: Path
    digest: str
    branch: str
    tables: dict[str, pa.Table]  # the store's rows, shaped here in the worker
    rows: dict[str, int]
    problems: int


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare(path: Path, today: dt.date, digest: str, threads: bool = True) -> Prepared:
    """Everything a load writes, from the workbook and its journal (no store needed).

    ``threads=False`` when workbooks are prepared one per core already (threads of their own would only contend).
    """
    import pandas as pd

    from ..jobs import compute_due, journal_facts
    from ..settings import Settings
    from ..workbook.reader import read_book

    book = read_book(path, threads=threads)
    branch = book.settings.branch
    # 门店名称's defaults: a workbook still carrying one cannot be told from another branch's
    default_names = {f.default for f in fields(Settings) if f.name == "branch_name"} | {
        f.metadata["default_en"] for f in fields(Settings) if f.name == "branch_name"}
    if branch in default_names:
        raise BranchNotNamed(branch)
    facts = journal_facts(path)
    result = compute_due(book, today, facts)
    frames = {sheet.key: book.frames[sheet.key] for sheet in INPUT_SHEETS}
    problems = [p.as_dict() for p in result.problems]
    frames["problems"] = pd.DataFrame({
        "sheet": [p["sheet"] for p in problems], "row_number": [p["row"] for p in problems],
        "column_name": [p["column"] for p in problems], "value": [p["value"] for p in problems],
        "message": [p["message"] for p in problems]})
    frames["due_items"] = result.due
    frames["sent_messages"] = facts.sent
    frames["branch_settings"] = pd.DataFrame({"name": [f.name for f in fields(Settings)],
                                              "value": [str(getattr(book.settings, f.name)) for f in fields(Settings)]})
    rows = {sheet.key: len(book.frames[sheet.key]) for sheet in INPUT_SHEETS}
    return Prepared(path, digest, branch, shaped_rows(branch, frames), rows, len(problems))


def _prepare_job(job: tuple[Path, dt.date, str, bool]) -> Prepared | Exception:
    try:
        return prepare(*job)
    except Exception as exc:  # noqa: BLE001 - handed back, so one bad workbook is reported in its place, not as a pool crash
        return exc


def store_branch(store: Store, prepared: Prepared, today: dt.date, replace: bool = False) -> LoadResult:
    claimed = store.last_loads().get(prepared.branch)
    if claimed and Path(claimed.file) != prepared.path and not replace:
        raise BranchClaimed(f"{prepared.branch} ← {claimed.file}")
    store.replace_branch(prepared.branch, prepared.tables, {
        "file": str(prepared.path), "sha256": prepared.digest, "rows": json.dumps(prepared.rows), "as_of": today,
        "loaded_at": clock.now().replace(tzinfo=None, microsecond=0)})
    return LoadResult(prepared.path, prepared.branch, False, prepared.rows, prepared.problems)


def load_branches(store: Store, paths: list[Path], today: dt.date, replace: bool = False,
                  workers: int | None = None) -> Iterator[LoadResult | Exception]:
    """Each workbook's result in order: loaded, skipped (unchanged since its last load, not even read), or the error it hit.

    A file named twice (or two files alike to the byte) is read once: the second is skipped, or fails as the first did.
    """
    paths = [Path(p).resolve() for p in paths]
    known = {load.sha256: load for load in store.last_loads().values()}
    digests = [file_digest(p) for p in paths]
    first_path: dict[str, Path] = {}
    for path, digest in zip(paths, digests):
        first_path.setdefault(digest, path)
    todo = [(path, digest) for digest, path in first_path.items() if digest not in known]
    workers = min(workers or os.cpu_count() or 1, len(todo))
    jobs = [(p, today, d, workers <= 1) for p, d in todo]
    prepared: Iterator[Prepared | Exception]
    if workers > 1:
        store.leave_cores_to_workers()
        pool = ProcessPoolExecutor(workers)
        prepared = pool.map(_prepare_job, jobs)
    else:
        pool = None
        prepared = map(_prepare_job, jobs)
    done: dict[str, LoadResult | Exception] = {}  # this run's, by digest
    try:
        for path, digest in zip(paths, digests):
            if digest in known:
                previous = known[digest]
                yield LoadResult(path, previous.branch, True, json.loads(previous.rows))
                continue
            if digest in done:
                first = done[digest]
                yield first if isinstance(first, Exception) else LoadResult(path, first.branch, True, first.rows)
                continue
            ready = next(prepared)
            if isinstance(ready, Exception):
                done[digest] = ready
            else:
                try:
                    done[digest] = store_branch(store, ready, today, replace)
                except BranchClaimed as exc:
                    done[digest] = exc
            yield done[digest]
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


def load_branch(store: Store, path: Path, today: dt.date, replace: bool = False) -> LoadResult:
    """One workbook, in this process; its error raised."""
    (result,) = load_branches(store, [path], today, replace, workers=1)
    if isinstance(result, Exception):
        raise result
    return result

