"""Who may touch which rows of a PostgreSQL group store (row-level security).

``csxl group init-roles URL BRANCH...``, run once by the store's owner, creates
- a login role per branch, ``csxl_branch_<code>`` (see `branch_role`), which can read, add and delete only
  the rows whose branch_code is its own (the same policy guards every table, loads too);
- ``csxl_group_reader``, which can read every branch's rows and change none.
The owner (who created the tables) is not bound by the policies.  A branch role whose policy names a branch
that now has another role (made by an older csxl, which gave every Chinese code the one role
``csxl_branch____``) is retired: its policies and rights go, and the role with them.  Set each role's
password on the server (``ALTER ROLE … PASSWORD``); a branch PC keeps it in PGPASSWORD,
~/.pgpass or the keyring.  A DuckDB file has no roles: its file permissions are its access.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import partial

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


@dataclass
class RolesDone:
    created: list[str] = field(default_factory=list)
    retired: dict[str, str] = field(default_factory=dict)  # role → the branch its policy named


def init_roles(store, branches: list[str]) -> RolesDone:
    """The reader's and each branch's role and policies (created, or their grants renewed), stale roles retired.

    Refused (`BranchRolesClash`) when two branch codes — those named and those already loaded — would share a role.
    """
    from psycopg import sql

    owners: dict[str, str] = {}
    for branch in sorted({*branches, *store.last_loads()}):
        other = owners.setdefault(branch_role(branch), branch)
        if other != branch:
            raise BranchRolesClash(f"{other}、{branch} → {branch_role(branch)}")
    done = RolesDone()
    tables = [t.name for t in (*TABLES, LOADS)]
    run = partial(_run, store)
    with store.transaction():
        for name in [READER, *map(branch_role, branches)]:
            exists = store.query("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,))
            if not exists:
                run(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
                done.created.append(name)
            run(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(name)))
            run(sql.SQL("GRANT SELECT ON csxl_schema TO {}").format(sql.Identifier(name)))
        for table in tables:
            ident = sql.Identifier(table)
            run(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(ident))
            run(sql.SQL("GRANT SELECT ON {} TO {}").format(ident, sql.Identifier(READER)))
            run(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier("csxl_read_all"), ident))
            run(sql.SQL("CREATE POLICY {} ON {} FOR SELECT TO {} USING (true)").format(
                sql.Identifier("csxl_read_all"), ident, sql.Identifier(READER)))
            for branch in branches:
                role, policy = sql.Identifier(branch_role(branch)), sql.Identifier(branch_role(branch))
                run(sql.SQL("GRANT SELECT, INSERT, DELETE ON {} TO {}").format(ident, role))
                run(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(policy, ident))
                run(sql.SQL("CREATE POLICY {} ON {} TO {} USING ({} = {}) WITH CHECK ({} = {})").format(
                    policy, ident, role, sql.Identifier(BRANCH), sql.Literal(branch), sql.Identifier(BRANCH), sql.Literal(branch)))
        done.retired = _stale_roles(store, tables)
        for role in done.retired:
            ident = sql.Identifier(role)
            for table in tables:
                run(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(ident, sql.Identifier(table)))
                run(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), ident))
            run(sql.SQL("REVOKE ALL ON csxl_schema FROM {}").format(ident))
            run(sql.SQL("REVOKE USAGE ON SCHEMA public FROM {}").format(ident))
            _drop_or_disable(store, role)
    return done


def _stale_roles(store, tables: list[str]) -> dict[str, str]:
    """Branch roles whose policy names a branch that is not theirs by `branch_role`: made by an older csxl."""
    stale = {}
    rows = store.query("SELECT r, p.qual FROM pg_policies p, unnest(p.roles) AS r "
                       "WHERE p.schemaname = 'public' AND p.tablename = ANY(?) AND p.policyname = r AND left(r, 12) = 'csxl_branch_'",
                       (tables,))
    for role, condition in rows:
        named = re.search(r"'((?:[^']|'')*)'", condition or "")  # (branch_code = '广州店'::text)
        branch = named and named.group(1).replace("''", "'")
        if branch and branch_role(branch) != role:
            stale[role] = branch
    return stale


def _drop_or_disable(store, role: str) -> None:
    """DROP ROLE, unless the role holds rights elsewhere on the server (granted by hand): then it may no longer log in."""
    import psycopg
    from psycopg import sql

    try:
        with store.transaction():  # a savepoint: the refusal must not undo the rest
            _run(store, sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
    except psycopg.errors.DependentObjectsStillExist:
        _run(store, sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(role)))


def _run(store, statement) -> None:
    store.execute(statement.as_string(store.connection))
