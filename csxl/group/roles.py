"""Who may touch which rows of a PostgreSQL group store (row-level security).

``csxl group init-roles URL BRANCH...``, run once by the store's owner, creates
- a login role per branch, ``csxl_branch_<code>`` (see `branch_role`), which can read, add and delete only
  the rows whose branch_code is its own (the same policy guards every table, loads too);
- ``csxl_group_reader``, which can read every branch's rows and change none.
The owner (who created the tables) is not bound by the policies.  Set each role's
password on the server (``ALTER ROLE … PASSWORD``); a branch PC keeps it in PGPASSWORD,
~/.pgpass or the keyring.  A DuckDB file has no roles: its file permissions are its access.
"""

from __future__ import annotations

import hashlib
import re

from ..errors import BranchRolesClash
from .store import BRANCH, LOADS, TABLES

READER = "csxl_group_reader"


def branch_role(branch: str) -> str:
    """The role's name: csxl_branch_ and the code in lower-case letters, digits and underscores (SZ01 → csxl_branch_sz01).

    A code written otherwise — Chinese (门店编号 defaults to the 门店名称), a hyphen, past 40 characters — also gets
    8 hex digits of its hash: 深圳店 and 广州店 would otherwise both be csxl_branch____, one role for two branches.
    """
    slug = re.sub(r"[^a-z0-9_]", "_", branch.lower())
    if slug == branch.lower() and len(slug) <= 40:
        return "csxl_branch_" + slug
    readable = slug.strip("_")[:30]
    digest = hashlib.sha256(branch.encode("utf-8")).hexdigest()[:8]
    return f"csxl_branch_{readable}_{digest}" if readable else f"csxl_branch_{digest}"


def init_roles(store, branches: list[str]) -> list[str]:
    """The reader's and each branch's role and policies (created, or their grants renewed); returns the roles created.

    Refused (`BranchRolesClash`) when two branch codes — those named and those already loaded — would share a role.
    """
    from psycopg import sql

    owners: dict[str, str] = {}
    for branch in sorted({*branches, *store.last_loads()}):
        other = owners.setdefault(branch_role(branch), branch)
        if other != branch:
            raise BranchRolesClash(f"{other}、{branch} → {branch_role(branch)}")
    created = []
    tables = [t.name for t in (*TABLES, LOADS)]
    with store.transaction():
        for name in [READER, *map(branch_role, branches)]:
            exists = store.query("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,))
            if not exists:
                store.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)).as_string(store.connection))
                created.append(name)
            store.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(name)).as_string(store.connection))
            store.execute(sql.SQL("GRANT SELECT ON csxl_schema TO {}").format(sql.Identifier(name)).as_string(store.connection))
        for table in tables:
            ident = sql.Identifier(table)
            store.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(ident).as_string(store.connection))
            store.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(ident, sql.Identifier(READER)).as_string(store.connection))
            store.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier("csxl_read_all"), ident).as_string(store.connection))
            store.execute(sql.SQL("CREATE POLICY {} ON {} FOR SELECT TO {} USING (true)").format(
                sql.Identifier("csxl_read_all"), ident, sql.Identifier(READER)).as_string(store.connection))
            for branch in branches:
                role, policy = sql.Identifier(branch_role(branch)), sql.Identifier(branch_role(branch))
                store.execute(sql.SQL("GRANT SELECT, INSERT, DELETE ON {} TO {}").format(ident, role).as_string(store.connection))
                store.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(policy, ident).as_string(store.connection))
                store.execute(sql.SQL("CREATE POLICY {} ON {} TO {} USING ({} = {}) WITH CHECK ({} = {})").format(
                    policy, ident, role, sql.Identifier(BRANCH), sql.Literal(branch), sql.Identifier(BRANCH), sql.Literal(branch),
                ).as_string(store.connection))
    return created
