"""The shared group store: PostgreSQL, through psycopg 3.

Several branch PCs load at once: each load takes a transaction-scoped advisory lock
on its branch, so two loads of one branch queue while different branches run side by
side.  Frames go in through COPY.  The password comes from PGPASSWORD, ~/.pgpass or
the keyring (service ``csxl``, user = the URL without a password) — never the workbook.
"""

from __future__ import annotations

from contextlib import contextmanager

import pandas as pd

from ..errors import GroupStoreUnreachable
from .store import BRANCH, Store, Table, typed


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

    def insert_frame(self, table: Table, frame: pd.DataFrame) -> None:
        """COPY into a temporary table, then INSERT … SELECT: PostgreSQL refuses COPY into a table under row-level
        security for any role but its owner, and the INSERT is what the branch's policy checks."""
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        staging = f"incoming_{table.name}"
        rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
        self._con.execute(f"CREATE TEMPORARY TABLE {staging} (LIKE {table.name}) ON COMMIT DROP")
        with self._con.cursor() as cursor, cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self._con.execute(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {staging}")
        self._con.execute(f"DROP TABLE {staging}")

    def read_table(self, table: Table) -> pd.DataFrame:
        with self._con.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table.name} ORDER BY {BRANCH}")
            names = [d.name for d in cursor.description]
            return typed(pd.DataFrame(cursor.fetchall(), columns=names), table)

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
