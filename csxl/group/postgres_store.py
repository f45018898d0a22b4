"""The shared group store: PostgreSQL, through psycopg 3.

Several branch PCs load at once: each load takes a transaction-scoped advisory lock
on its branch, so two loads of one branch queue while different branches run side by
side.  Frames go in through COPY.  The password comes from PGPASSWORD, ~/.pgpass or
the keyring (service ``csxl``, user = the URL without a password) — never the workbook.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import GroupStoreUnreachable
from .store import BRANCH, Store, Table, arrow_type, typed

if TYPE_CHECKING:  # imported where rows go in or come out: a reload that skips every file needs neither
    import pandas as pd
    import pyarrow as pa


def _csv(rows: pa.Table) -> bytes:
    """``rows`` as the CSV that COPY … (FORMAT CSV) reads: NULL unquoted and empty, text always quoted."""
    import pyarrow.csv as pacsv

    out = io.BytesIO()
    pacsv.write_csv(rows, out,
                    pacsv.WriteOptions(include_header=False, quoting_style="all_valid"))
    return out.getvalue()


def _password(url: str) -> str | None:
    import os

    if os.environ.get("PGPASSWORD"):
        return None  # libpq reads it
    from ..messages.providers import secret

    return secret(url)


class PostgresStore(Store):
    def __init__(self, url: str):
        import psycopg

        self.spec = url
        extra = {}
        password = _password(url)
        if password:
            extra["password"] = password
        try:
            self._con = psycopg.connect(url, autocommit=True, connect_timeout=10, **extra)
        except psycopg.OperationalError as exc:
            raise GroupStoreUnreachable(f"{url}: {str(exc).strip().splitlines()[0]}") from None
        self._depth = 0

    @property
    def connection(self):
        return self._con

    def _run(self, sql: str, params: tuple):
        """The store's SQL marks parameters with ? (DuckDB's style); psycopg's are %s."""
        return self._con.execute(sql.replace("?", "%s"), params) if params else self._con.execute(sql)

    def execute(self, sql: str, params: tuple = ()) -> None:
        self._run(sql, params)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._run(sql, params).fetchall()

    def insert_rows(self, table: Table, rows: pa.Table) -> None:
        """COPY into a temporary table, then INSERT … SELECT: PostgreSQL refuses COPY into a table under row-level
        security for any role but its owner, and the INSERT is what the branch's policy checks."""
        columns = ", ".join(f'"{c}"' for c in rows.column_names)
        staging = f"incoming_{table.name}"
        self._con.execute(f"CREATE TEMPORARY TABLE {staging} (LIKE {table.name}) ON COMMIT DROP")
        with self._con.cursor() as cursor, cursor.copy(f"COPY {staging} ({columns}) FROM STDIN (FORMAT CSV)") as copy:
            copy.write(_csv(rows))
        self._con.execute(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {staging}")
        self._con.execute(f"DROP TABLE {staging}")

    def read_table(self, table: Table) -> pd.DataFrame:
        """COPY … TO STDOUT as CSV, parsed by Arrow: a million rows as Python tuples cost gigabytes."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        names = [BRANCH, *(name for name, _ in table.columns)]
        out = io.BytesIO()
        columns = ", ".join(f'"{n}"' for n in names)
        query = f"SELECT {columns} FROM {table.name} ORDER BY {BRANCH}"
        with self._con.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT CSV)") as copy:
            for chunk in copy:
                out.write(chunk)
        kinds = dict(table.columns)
        schema = pa.schema([(n, arrow_type(kinds.get(n, "TEXT"))) for n in names])
        if not out.tell():
            return typed(schema.empty_table(), table)
        out.seek(0)
        arrow = pacsv.read_csv(
            out, read_options=pacsv.ReadOptions(column_names=names),
            # unquoted empty is NULL, a quoted "" an empty text (COPY's CSV convention); a text NULL or N/A is text
            convert_options=pacsv.ConvertOptions(column_types=dict(zip(schema.names, schema.types)), null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=False))
        return typed(arrow, table)

    @contextmanager
    def transaction(self):
        with self._con.transaction():
            yield

    def lock_branch(self, branch: str) -> None:
        self._con.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"csxl:{branch}",))

    def recover(self) -> None:
        pass  # autocommit: a failed statement leaves no transaction behind

    def close(self) -> None:
        self._con.close()
