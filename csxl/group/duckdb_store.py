"""The embedded group store: one DuckDB file, nothing to install.

DuckDB lets one process write a file at a time; csxl takes a lock file beside it for
every session, waits up to 15 s for another csxl to finish, then says so in one line.
Rows go in through DuckDB's scan of Arrow data, without a row-by-row copy.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from ..errors import GroupStoreBusy, GroupStoreMissing, GroupStoreUnusable
from .store import BRANCH, Store, Table, typed

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

WAIT_SECONDS = 15


@contextmanager
def _interruptible():
    """DuckDB turns a Ctrl-C that comes during a query into ``RuntimeError("Query interrupted")``: given back as
    the KeyboardInterrupt it was, so that the command stops with its one line, as at any other moment."""
    try:
        yield
    except RuntimeError as exc:
        if str(exc) == "Query interrupted":
            raise KeyboardInterrupt from None
        raise


class DuckdbStore(Store):
    def __init__(self, path: str, create: bool = True):
        import duckdb

        self.spec = str(path)
        self.path = Path(path)
        if not create and not self.path.exists():  # asked before the lock, which would leave its file beside nothing
            raise GroupStoreMissing(self.spec)
        self._lock = FileLock(str(self.path) + ".lock")
        try:
            self._lock.acquire(timeout=WAIT_SECONDS)
        except Timeout:
            raise GroupStoreBusy(self.spec) from None
        except OSError as exc:  # the folder cannot be written (nor the store, then)
            raise GroupStoreUnusable(f"{self.spec}: {exc.strerror or exc}") from None
        try:
            self._con = duckdb.connect(str(self.path))
            # csxl shows its own progress: DuckDB's bar would be printed into the command's output, logs included
            self._con.execute("SET enable_progress_bar = false")
        except duckdb.Error as exc:  # not a DuckDB file, a folder, one from a newer DuckDB
            self._lock.release()
            raise GroupStoreUnusable(f"{self.spec}: {str(exc).strip().splitlines()[0]}") from None
        except BaseException:
            self._lock.release()
            raise

    def match_mode(self, workbook: Path) -> None:
        """The store holds every branch's customers: readable by exactly those who may read the workbook."""
        os.chmod(self.path, stat.S_IMODE(Path(workbook).stat().st_mode))

    def leave_cores_to_workers(self) -> None:
        # DuckDB's own threads would compete with the preparing workers for the cores, for a branch's insertion
        # that is small; the store read of a report keeps every thread
        self._con.execute("SET threads = 1")

    def execute(self, sql: str, params: tuple = ()) -> None:
        with _interruptible():
            self._con.execute(sql, list(params))

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with _interruptible():
            return self._con.execute(sql, list(params)).fetchall()

    def insert_rows(self, table: Table, rows: pa.Table) -> None:
        columns = ", ".join(f'"{c}"' for c in rows.column_names)
        self._con.register("incoming", rows)
        try:
            self.execute(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM incoming")
        finally:
            self._con.unregister("incoming")

    def read_table(self, table: Table) -> pd.DataFrame:
        with _interruptible():
            return typed(self._con.sql(f"SELECT * FROM {table.name} ORDER BY {BRANCH}").to_arrow_table(), table)

    @contextmanager
    def transaction(self):
        self.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def lock_branch(self, branch: str) -> None:
        pass  # the file lock already makes this the only writer

    def close(self) -> None:
        try:
            self._con.close()
        finally:
            self._lock.release()
