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

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: tuple = ()) -> None:
        self._con.execute(self._sql(sql), params)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._con.execute(self._sql(sql), params).fetchall()

    def insert_frame(self, table: Table, frame: pd.DataFrame) -> None:
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
        with self._con.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

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

    def close(self) -> None:
        self._con.close()
