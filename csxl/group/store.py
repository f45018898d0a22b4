"""The group store's tables and the interface both databases implement (SPEC 5.6).

One table per input sheet, named by the sheet's key, with the schema's columns plus
``branch_code`` and ``_row``; beside them each branch's data problems, due items,
sent messages and settings, and ``loads`` (one row per load).  The tables are
declared here from the schema, never spelled twice, and created on first use; a
newer csxl adds the columns its schema gained (``ADD COLUMN IF NOT EXISTS``) and
records the version in ``csxl_schema``.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from ..errors import GroupStoreIsAWorkbook, GroupStoreMissing
from ..schema import INPUT_SHEETS, ROW, ColumnType

if TYPE_CHECKING:  # imported where frames are made: a reload that skips every file, or `group status`, needs neither
    import pandas as pd
    import pyarrow as pa

SCHEMA_VERSION = 1
# a STORE named like one of these is a workbook given in its place (the store argument left out)
_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
BRANCH = "branch_code"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column, SQL type) — the store's own columns excluded


def _sql_type(kind: ColumnType) -> str:
    if kind is ColumnType.DATE:
        return "DATE"
    if kind in (ColumnType.NUMBER, ColumnType.SCORE):
        return "DOUBLE PRECISION"
    return "TEXT"


INPUT_TABLES = tuple(Table(s.key, tuple((c.key, _sql_type(c.type)) for c in s.columns) + ((ROW, "INTEGER"),)) for s in INPUT_SHEETS)
# what else a branch's load carries: its data problems, today's due items, its sent messages, its 设置
SIDE_TABLES = (
    Table("problems", (("sheet", "TEXT"), ("row_number", "INTEGER"), ("column_name", "TEXT"), ("value", "TEXT"), ("message", "TEXT"))),
    Table("due_items", (("kind", "TEXT"), ("customer_id", "TEXT"), ("vin", "TEXT"), ("due_date", "DATE"), ("days_overdue", "INTEGER"))),
    Table("sent_messages", (("kind", "TEXT"), ("sent_day", "DATE"))),
    Table("branch_settings", (("name", "TEXT"), ("value", "TEXT"))),
)
TABLES = INPUT_TABLES + SIDE_TABLES
LOADS = Table("loads", (("file", "TEXT"), ("sha256", "TEXT"), ("rows", "TEXT"), ("as_of", "DATE"), ("loaded_at", "TIMESTAMP")))


@dataclass(frozen=True)
class LastLoad:
    branch: str
    file: str
    sha256: str
    rows: str  # JSON: rows per sheet
    as_of: dt.date
    loaded_at: dt.datetime


class Store(ABC):
    """A group store: DuckDB (one file, one writer at a time) or PostgreSQL (a shared server)."""

    spec: str

    def schema_version(self) -> int | None:
        try:
            found = self.query("SELECT MAX(version) FROM csxl_schema")
        except Exception:  # noqa: BLE001 - no such table yet: a new store (each database raises its own kind)
            self.recover()
            return None
        return found[0][0] if found else None

    def recover(self) -> None:
        """After a failed statement outside a transaction: ready for the next one."""

    def leave_cores_to_workers(self) -> None:
        """While worker processes prepare the branches, this process's database work keeps to one thread."""

    def create_or_migrate(self) -> None:
        """Tables created on first use, columns added when the schema grew; nothing to do (nor any right needed) when current."""
        version = self.schema_version()
        if version is not None and version >= SCHEMA_VERSION and not self._missing_columns():
            return
        with self.transaction():
            self.execute("CREATE TABLE IF NOT EXISTS csxl_schema (version INTEGER NOT NULL)")
            for table in (*TABLES, LOADS):
                columns = ", ".join(f'"{name}" {kind}' for name, kind in ((BRANCH, "TEXT NOT NULL"), *table.columns))
                self.execute(f"CREATE TABLE IF NOT EXISTS {table.name} ({columns})")
                for name, kind in table.columns:  # the columns a newer schema added
                    self.execute(f'ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS "{name}" {kind}')
            found = self.query("SELECT MAX(version) FROM csxl_schema")
            if not found or found[0][0] is None or found[0][0] < SCHEMA_VERSION:
                self.execute("DELETE FROM csxl_schema")
                self.execute(f"INSERT INTO csxl_schema VALUES ({SCHEMA_VERSION})")

    def _missing_columns(self) -> bool:
        for table in (*TABLES, LOADS):
            found = {name for (name,) in self.query(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", (table.name,))}
            if {name for name, _ in table.columns} - found:
                return True
        return False

    # each database's own ------------------------------------------------------------
    @abstractmethod
    def execute(self, sql: str, params: tuple = ()) -> None: ...

    @abstractmethod
    def query(self, sql: str, params: tuple = ()) -> list[tuple]: ...

    @abstractmethod
    def insert_rows(self, table: Table, rows: pa.Table) -> None:
        """Append ``rows`` (the table's columns and ``branch_code``, as `shaped_rows` makes them) in the database's fastest way."""

    @abstractmethod
    def read_table(self, table: Table) -> pd.DataFrame: ...

    @abstractmethod
    @contextmanager
    def transaction(self): ...

    @abstractmethod
    def lock_branch(self, branch: str) -> None:
        """Inside the load's transaction: two loads of one branch never interleave."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # shared ----------------------------------------------------------------------------
    def last_loads(self) -> dict[str, LastLoad]:
        rows = self.query(
            f"SELECT {BRANCH}, file, sha256, rows, as_of, loaded_at FROM loads l WHERE loaded_at = "
            f"(SELECT MAX(loaded_at) FROM loads m WHERE m.{BRANCH} = l.{BRANCH}) ORDER BY {BRANCH}")
        return {r[0]: LastLoad(*r) for r in rows}

    def replace_branch(self, branch: str, rows: dict[str, pa.Table], load: dict) -> None:
        """The branch's rows replaced by ``rows`` (keyed by table name, made by `shaped_rows`) and the load recorded, in one transaction."""
        with self.transaction():
            self.lock_branch(branch)
            for table in TABLES:
                self.execute(f"DELETE FROM {table.name} WHERE {BRANCH} = ?", (branch,))
                if table.name in rows and rows[table.name].num_rows:
                    self.insert_rows(table, rows[table.name])
            self.execute(f"INSERT INTO loads ({BRANCH}, file, sha256, rows, as_of, loaded_at) VALUES (?, ?, ?, ?, ?, ?)",
                         (branch, load["file"], load["sha256"], load["rows"], load["as_of"], load["loaded_at"]))

    def row_counts(self) -> dict[str, dict[str, int]]:
        """Rows per branch per input table."""
        counts: dict[str, dict[str, int]] = {}
        for table in (*INPUT_TABLES, SIDE_TABLES[0]):
            for branch, n in self.query(f"SELECT {BRANCH}, COUNT(*) FROM {table.name} GROUP BY {BRANCH}"):
                counts.setdefault(branch, {})[table.name] = n
        return counts


def arrow_type(kind: str) -> pa.DataType:
    """The Arrow type a column of SQL type ``kind`` travels as."""
    import pyarrow as pa

    return {"DATE": pa.date32(), "DOUBLE PRECISION": pa.float64(), "INTEGER": pa.int64()}.get(kind, pa.string())


def shaped_rows(branch: str, frames: dict[str, pd.DataFrame]) -> dict[str, pa.Table]:
    """A branch's frames as the store's tables take them: each table's columns in its order, with the branch in
    front, typed as its SQL column (dates as days); absent columns empty; a frame that is None, or of no table, is left out.  Arrow, not
    pandas: the database scans it without a copy, and the loading workers make it, not the one process that writes."""
    return {table.name: _shaped(frames[table.name], table, branch) for table in TABLES if frames.get(table.name) is not None}


def _shaped(frame: pd.DataFrame, table: Table, branch: str) -> pa.Table:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {BRANCH: pa.repeat(pa.scalar(branch, pa.string()), len(frame))}
    for name, kind in table.columns:
        if name not in frame:
            columns[name] = pa.nulls(len(frame), arrow_type(kind))
            continue
        values = frame[name]
        if kind == "DATE":  # the day of each moment
            moments = pa.array(pd.to_datetime(values).astype("datetime64[s]"), from_pandas=True)
            columns[name] = pc.cast(moments, pa.date32(), safe=False)
        elif kind == "DOUBLE PRECISION":
            columns[name] = pa.array(pd.to_numeric(values, errors="coerce").astype("float64"), from_pandas=True)
        elif kind == "INTEGER":
            columns[name] = pa.array(pd.to_numeric(values, errors="coerce").astype("Int64"), type=pa.int64(), from_pandas=True)
        else:
            columns[name] = pc.cast(pa.array(values.astype("string"), from_pandas=True), pa.string())
    return pa.table(columns)


def typed(arrow: pa.Table, table: Table) -> pd.DataFrame:
    """A table read back (as Arrow) with the types the report code expects, the reader's: datetime64[s], float64,
    int64 and Arrow-backed strings, converted column by column without going through Python objects."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..workbook.convert import as_strings

    kinds = dict(((BRANCH, "TEXT"), *table.columns))
    columns = {}
    for name in arrow.column_names:
        column, kind = arrow.column(name), kinds.get(name, "TEXT")
        if kind == "DATE":
            columns[name] = pd.Series(pc.cast(column, pa.timestamp("s")).to_numpy(), dtype="datetime64[s]")
        elif kind == "DOUBLE PRECISION":
            columns[name] = pd.Series(pc.cast(column, pa.float64()).to_numpy(), dtype="float64")
        elif kind == "INTEGER":
            columns[name] = pd.Series(pc.fill_null(pc.cast(column, pa.int64()), 0).to_numpy(), dtype="int64")
        else:
            columns[name] = as_strings(pc.cast(column, pa.string()))
    return pd.DataFrame(columns, index=pd.RangeIndex(arrow.num_rows))


def names_a_workbook(spec: str) -> bool:
    """A store spec that is a workbook's name: the STORE argument left out, or 设置 集团数据库 pointing at a workbook."""
    return not spec.startswith(("postgresql://", "postgres://")) and PurePath(spec).suffix.lower() in _SPREADSHEET_SUFFIXES


def open_store(spec: str, create: bool = True) -> Store:
    """``spec``: a .duckdb path or a postgresql:// URL.  ``create``: the tables are made (or migrated) for a load;
    otherwise a store without them (a new file, a database nothing was loaded into) is `GroupStoreMissing`."""
    if spec.startswith(("postgresql://", "postgres://")):
        from .postgres_store import PostgresStore

        store: Store = PostgresStore(spec)
    else:
        if names_a_workbook(spec):
            raise GroupStoreIsAWorkbook(spec)
        from .duckdb_store import DuckdbStore

        store = DuckdbStore(spec, create)
    if create:
        store.create_or_migrate()
    elif store.schema_version() is None:
        store.close()
        raise GroupStoreMissing(spec)
    return store
