"""The group store, run the same way against DuckDB (a file) and a real PostgreSQL (started by the session)."""

import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import time

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from csxl import jobs
from csxl.demo import DEMO_SETTINGS, demo_rows
from csxl.errors import BranchClaimed, BranchNotNamed
from csxl.group.load import load_branch
from csxl.group.report import group_report, read_group
from csxl.group.store import INPUT_TABLES, open_store, shaped_rows
from csxl.schema import BRANCH_COMPARISON, CUSTOMER_VALUE, FOLLOWUP_MONTHLY, MONTHLY_REPORT, REPORT_SHEETS
from csxl.workbook.convert import as_strings
from csxl.workbook.reader import read_book
from csxl.workbook.template import build_template

TODAY = dt.date(2026, 11, 24)
MONTH = "2026-10"


@pytest.fixture(params=["duckdb", "postgresql"])
def store_spec(request, tmp_path):
    if request.param == "duckdb":
        return str(tmp_path / "group.duckdb")
    return request.getfixturevalue("postgres_url")


def branch_rows(seed: int, customers: int = 60) -> dict:
    """A demo branch; its deliberately orphaned car gets a VIN of its own (the demo's is the same in every branch)."""
    rows = demo_rows(TODAY, customers, seed=seed)
    for car in rows["vehicles"]:
        if car["vin"] == "LSVDEMO0000000001":
            car["vin"] = f"LSVDEMO{seed:010d}"
    return rows


def write_branch(folder, code: str, rows: dict) -> object:
    return build_template(folder / f"{code}.xlsx", rows=rows, overwrite=True,
                          settings={**DEMO_SETTINGS, "branch_code": code, "branch_name": f"{code}店"})


@pytest.fixture
def branches(tmp_path):
    """Three branches; SZ02 shares two customers with SZ01: one by 手机, one by a car's 车架号."""
    rows = {code: branch_rows(seed) for code, seed in (("SZ01", 11), ("SZ02", 12), ("GZ01", 13))}
    first, second = rows["SZ01"], rows["SZ02"]
    second["customers"][0]["phone"] = "+86 " + str(first["customers"][0]["phone"])  # the same mobile, typed otherwise
    shared_car = next(v for v in first["vehicles"] if v["customer_id"] != first["customers"][0]["customer_id"])
    second["vehicles"].append({**shared_car, "customer_id": second["customers"][1]["customer_id"]})
    return {code: write_branch(tmp_path, code, r) for code, r in rows.items()}


def test_loads_then_group_report_equals_each_branchs_own_tabs(store_spec, branches):
    with open_store(store_spec) as store:
        results = [load_branch(store, path, TODAY) for path in branches.values()]
        assert [r.skipped for r in results] == [False] * 3
        data = read_group(store)
    tabs = {sheet.key: frame for sheet, frame in group_report(data, TODAY, MONTH).items()}
    for code, path in branches.items():
        book = read_book(path)
        own = jobs.compute_reports(book, TODAY, MONTH)
        for sheet in REPORT_SHEETS:
            if sheet is CUSTOMER_VALUE:
                continue
            mine = tabs[sheet.key][tabs[sheet.key]["branch_code"] == code].drop(columns="branch_code").reset_index(drop=True)
            pd.testing.assert_frame_equal(mine, own[sheet].reset_index(drop=True), check_dtype=False, obj=f"{code} {sheet.zh}")


def test_the_group_counts_a_shared_customer_once(store_spec, branches):
    with open_store(store_spec) as store:
        for path in branches.values():
            load_branch(store, path, TODAY)
        data = read_group(store)
    tabs = group_report(data, TODAY, MONTH)
    comparison = tabs[BRANCH_COMPARISON].set_index("branch_code")
    customers = {code: len(read_book(p).frames["customers"]) for code, p in branches.items()}
    vehicles = {code: len(read_book(p).frames["vehicles"]) for code, p in branches.items()}
    # by hand: two SZ02 customers are SZ01's too (one by phone, one by a car); the shared car is one car
    assert comparison.loc["合计", "customers"] == sum(customers.values()) - 2
    assert comparison.loc["合计", "vehicles"] == sum(vehicles.values()) - 1
    assert list(comparison.loc[["SZ01", "SZ02", "GZ01", "合计"], "shared_customers"]) == [2, 2, 0, 2]
    value = next(frame for sheet, frame in tabs.items() if sheet.key == "customer_value")
    assert len(value) == sum(customers.values()) - 2
    both = value[value["branch_code"] == "SZ01、SZ02"]
    assert len(both) == 2
    assert comparison.loc["合计", "problems"] == sum(comparison.loc[["SZ01", "SZ02", "GZ01"], "problems"])
    # each branch's row is its own 客服月报 and 回访月报 of the month
    own = jobs.compute_reports(read_book(branches["GZ01"]), TODAY, MONTH)
    monthly = dict(zip(own[MONTHLY_REPORT]["item"], own[MONTHLY_REPORT]["this_month"]))
    follow = own[FOLLOWUP_MONTHLY].query("period == @MONTH and kind == '合计'")
    assert comparison.loc["GZ01", ["rate_7dc", "rate_3dc", "overall", "return_rate"]].tolist() == pytest.approx(
        [monthly["7DC完成率"], monthly["3DC完成率"], monthly["平均总体满意度"], monthly["回厂率"]])
    assert comparison.loc["GZ01", "on_time_rate"] == pytest.approx(follow["on_time_rate"].iloc[0])
    assert comparison.loc["GZ01", "churn_rate"] == pytest.approx(monthly["流失风险客户"] / customers["GZ01"])


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_the_tabs_computed_in_worker_processes_equal_those_computed_in_this_one(start, tmp_path, branches, monkeypatch):
    """Forked workers read the frames from the parent's memory; spawned ones (Windows) are sent them."""
    import multiprocessing

    from csxl.group import report

    with open_store(str(tmp_path / "group.duckdb")) as store:
        for path in branches.values():
            load_branch(store, path, TODAY)
        data = read_group(store)
    done_here, done_spread = [], []
    here = group_report(data, TODAY, MONTH, workers=1, progress=done_here.append)
    monkeypatch.setattr(report, "multiprocessing", multiprocessing.get_context(start))
    spread = group_report(data, TODAY, MONTH, workers=2, progress=done_spread.append)
    # the progress names every branch and the group once, in this process as the tasks run, with workers as they finish
    assert done_here == ["合计", "GZ01", "SZ01", "SZ02"]
    assert sorted(done_spread) == sorted(done_here)
    assert list(spread) == list(here)
    for sheet, frame in here.items():
        pd.testing.assert_frame_equal(spread[sheet], frame, obj=sheet.zh)
    assert report._INHERITED_TASKS == []  # the parent lets go of the frames once the workers are done


def test_a_file_named_twice_in_one_load_is_read_once(tmp_path, branches):
    import shutil

    from csxl.group.load import load_branches

    copy = tmp_path / "copy" / "SZ01.xlsx"
    copy.parent.mkdir()
    shutil.copy(branches["SZ01"], copy)
    (tmp_path / "broken.xlsx").write_text("not a workbook")
    named = [branches["SZ01"], branches["GZ01"], branches["SZ01"], copy, tmp_path / "broken.xlsx", tmp_path / "broken.xlsx"]
    with open_store(str(tmp_path / "group.duckdb")) as store:
        results = list(load_branches(store, named, TODAY, workers=2))
        loads = store.query("SELECT branch_code FROM loads ORDER BY branch_code")
    assert [(r.branch, r.skipped) for r in results[:4]] == [("SZ01", False), ("GZ01", False), ("SZ01", True), ("SZ01", True)]
    assert results[2].rows == results[0].rows
    assert results[4] is results[5] and isinstance(results[4], Exception)  # the same error, the file read once
    assert loads == [("GZ01",), ("SZ01",)]  # one load each, and the copy claimed nothing from another path


def test_unchanged_reload_is_skipped_and_a_changed_branch_replaces_only_its_rows(store_spec, branches, tmp_path):
    with open_store(store_spec) as store:
        for path in branches.values():
            load_branch(store, path, TODAY)
        before = store.row_counts()
        assert load_branch(store, branches["SZ01"], TODAY).skipped
        rows = branch_rows(11)
        removed = rows["customers"].pop(10)
        rows["vehicles"] = [v for v in rows["vehicles"] if v["customer_id"] != removed["customer_id"]]
        rows["visits"] += [{**rows["visits"][0], "visit_date": TODAY - dt.timedelta(days=1)} for _ in range(3)]
        write_branch(tmp_path, "SZ01", rows)
        changed = load_branch(store, branches["SZ01"], TODAY)
        assert not changed.skipped
        after = store.row_counts()
        data = read_group(store)
    assert after["SZ01"]["customers"] == before["SZ01"]["customers"] - 1
    assert after["SZ01"]["visits"] == before["SZ01"]["visits"] + 3
    assert after["SZ02"] == before["SZ02"] and after["GZ01"] == before["GZ01"]
    assert removed["customer_id"] not in set(data.frames["customers"].query("branch_code == 'SZ01'")["customer_id"])


def test_a_default_branch_name_or_a_claimed_code_is_refused(store_spec, branches, tmp_path):
    unnamed = build_template(tmp_path / "unnamed.xlsx", rows=branch_rows(20, 30))
    copy = tmp_path / "copy-of-SZ01.xlsx"
    rows = branch_rows(21, 30)
    write_branch(tmp_path, "SZ01", branch_rows(11))
    build_template(copy, rows=rows, settings={"branch_code": "SZ01"})
    with open_store(store_spec) as store:
        with pytest.raises(BranchNotNamed):
            load_branch(store, unnamed, TODAY)
        load_branch(store, branches["SZ01"], TODAY)
        with pytest.raises(BranchClaimed):
            load_branch(store, copy, TODAY)
        assert not load_branch(store, copy, TODAY, replace=True).skipped
        assert store.row_counts()["SZ01"]["customers"] == len(read_book(copy).frames["customers"])


def test_a_load_killed_at_any_moment_leaves_the_branchs_previous_rows_whole(store_spec, branches, tmp_path, csxl_cmd, campaign):
    with open_store(store_spec) as store:
        for path in branches.values():
            load_branch(store, path, TODAY)
    rng = random.Random(int(os.environ.get("CSXL_KILL_SEED", "20261202")))
    command = [*csxl_cmd, "group", "load", store_spec, str(branches["SZ02"]), "--today", str(TODAY)]
    write_branch(tmp_path, "SZ02", branch_rows(99, 150))
    started = time.monotonic()
    subprocess.run(command, capture_output=True, check=True)
    whole = time.monotonic() - started  # one uninterrupted load: the kills below land across all of it
    kills, outcomes = 0, []
    for attempt in range(6):
        write_branch(tmp_path, "SZ02", branch_rows(100 + attempt, 151 + attempt))
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(whole * rng.uniform(0.5 + 0.08 * attempt, 0.58 + 0.08 * attempt))  # the later half: reading, then the transaction
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait()
        with open_store(store_spec) as store:
            counts = store.row_counts()["SZ02"]
            last = store.last_loads()["SZ02"]
        import json

        recorded = json.loads(last.rows)
        outcomes.append("new" if recorded["customers"] == 151 + attempt else "old")
        # whatever the kill hit, the branch's rows are exactly those of its last recorded load
        assert {k: counts.get(k, 0) for k in recorded} == recorded
    campaign(f"group load kill -9 ({store_spec.split(':')[0] if '://' in store_spec else 'duckdb'}): {kills} kills of 6 loads, "
             f"after each the branch held its last recorded load whole ({', '.join(outcomes)})")
    assert kills >= 2


def test_two_branches_loading_at_once_both_succeed(store_spec, branches, csxl_cmd):
    with open_store(store_spec):
        pass  # created, so both loads find the tables
    children = [subprocess.Popen([*csxl_cmd, "group", "load", store_spec, str(branches[code]), "--today", str(TODAY)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for code in ("SZ01", "GZ01")]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    with open_store(store_spec) as store:
        assert sorted(store.last_loads()) == ["GZ01", "SZ01"]


def test_cli_group_report_and_status(store_spec, branches, csxl_cmd, tmp_path):
    env = {**os.environ, "CSXL_LANG": "zh"}
    loaded = subprocess.run([*csxl_cmd, "group", "load", store_spec, *map(str, branches.values()), "--today", str(TODAY)],
                            env=env, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.count("→ 门店") == 3
    out = tmp_path / "集团报表.xlsx"
    report = subprocess.run([*csxl_cmd, "group", "report", store_spec, "--today", str(TODAY), "-o", str(out)],
                            env=env, capture_output=True, text=True)
    assert report.returncode == 0, report.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "门店对比" and book["门店对比"]["A1"].value == "门店"
    assert [book["门店对比"].cell(r, 1).value for r in range(2, 6)] == ["GZ01", "SZ01", "SZ02", "合计"]
    assert book["客服月报"]["A1"].value == "门店" and book["客服月报"]["B1"].value == "项目"
    later = TODAY + dt.timedelta(days=10)
    status = subprocess.run([*csxl_cmd, "group", "status", store_spec, "--today", str(later)], env=env, capture_output=True, text=True)
    assert status.returncode == 0, status.stderr
    assert [line.split()[0] for line in status.stdout.splitlines()] == ["GZ01", "SZ01", "SZ02"]
    assert all(f"数据日期 {TODAY}（10 天前）" in line for line in status.stdout.splitlines())  # the age as of --today
    assert status.stderr.strip() == f"按 {later} 计算"


def test_a_store_with_nothing_loaded_is_one_line_for_report_and_status(store_spec, csxl_cmd, tmp_path):
    """A new .duckdb path, or a database (file or server) that holds other tables but none of csxl's."""
    env = {**os.environ, "CSXL_LANG": "zh"}
    if store_spec.endswith(".duckdb"):
        import duckdb

        duckdb.connect(store_spec).execute("CREATE TABLE other_team (x INTEGER)").close()
    else:
        import psycopg

        with psycopg.connect(store_spec, autocommit=True) as con:
            con.execute("CREATE TABLE other_team (x INTEGER)")
    for command in ("report", "status"):
        done = subprocess.run([*csxl_cmd, "group", command, store_spec], env=env, capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 3, done.stderr
        assert done.stderr.strip() == f"Error: 集团库不存在，或还没有导入过门店：{store_spec}"
    missing = tmp_path / "nothing-here.duckdb"
    done = subprocess.run([*csxl_cmd, "group", "status", str(missing)], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stderr.strip()) == (3, f"Error: 集团库不存在，或还没有导入过门店：{missing}")
    assert not missing.exists() and not (tmp_path / "nothing-here.duckdb.lock").exists()  # not even a lock file beside it


def test_a_workbook_or_a_foreign_file_named_as_the_store_is_one_line_and_left_alone(branches, csxl_cmd, tmp_path):
    env = {**os.environ, "CSXL_LANG": "zh"}
    first, second = (str(branches[code]) for code in ("SZ01", "SZ02"))
    before = branches["SZ01"].read_bytes()
    forgot = subprocess.run([*csxl_cmd, "group", "load", first, second], env=env, capture_output=True, text=True)
    assert forgot.returncode == 3
    assert forgot.stderr.strip() == (f"Error: 集团库应是 .duckdb 文件或 postgresql:// 地址，{first} 却是工作簿："
                                     "第一个参数是集团库（csxl group load 集团库 工作簿…）")
    assert branches["SZ01"].read_bytes() == before and not (tmp_path / "SZ01.xlsx.lock").exists()
    (tmp_path / "notes.duckdb").write_text("not a database")
    (tmp_path / "folder.duckdb").mkdir()
    for store in ("notes.duckdb", "folder.duckdb"):
        done = subprocess.run([*csxl_cmd, "group", "load", str(tmp_path / store), second], env=env, capture_output=True, text=True)
        assert done.returncode == 3, done.stderr
        assert done.stderr.strip().startswith(f"Error: 无法打开集团库：{tmp_path / store}: ") and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert (tmp_path / "notes.duckdb").read_text() == "not a database"


def test_the_daily_job_pushes_the_branch_and_a_dead_server_stops_nothing(tmp_path, caplog):
    import logging

    from csxl.messages.config import MailConfig
    from csxl.scheduler import DailyJob

    path = build_template(tmp_path / "SZ09.xlsx", rows=branch_rows(31, 30),
                          settings={**DEMO_SETTINGS, "branch_code": "SZ09", "group_store": "group.duckdb"})
    with caplog.at_level(logging.INFO, logger="csxl"):
        counts = DailyJob(path, MailConfig())(TODAY)
    assert counts.get("sent", 0) > 0
    assert "group store: branch SZ09 loaded" in caplog.text
    with open_store(str(tmp_path / "group.duckdb"), create=False) as store:
        assert store.last_loads()["SZ09"].as_of == TODAY
    dead = build_template(tmp_path / "SZ10.xlsx", rows=branch_rows(32, 30),
                          settings={**DEMO_SETTINGS, "branch_code": "SZ10", "group_store": "postgresql://csxl@127.0.0.1:9/group"})
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="csxl"):
        counts = DailyJob(dead, MailConfig())(TODAY)
    assert counts.get("sent", 0) > 0 and "refreshed the generated tabs" in caplog.text
    assert "group store not updated (tried again tomorrow): cannot reach the group store" in caplog.text


def test_each_branch_code_gets_a_role_of_its_own():
    from csxl.group.roles import branch_role

    codes = ["SZ01", "sz_02", "深圳宝安店", "广州天河店", "深圳-宝安", "SZ-01", "SZ 01", "店" * 40, "店" * 41, "A" * 41]
    roles = [branch_role(code) for code in codes]
    assert roles[:2] == ["csxl_branch_sz01", "csxl_branch_sz_02"]  # a plain code reads as itself
    assert len(set(roles)) == len(roles)  # Chinese, hyphens, spaces, long codes: one role each
    assert all(re.fullmatch(r"csxl_branch_[a-z0-9_]+", role) and len(role) <= 63 for role in roles)  # PostgreSQL keeps 63 bytes
    assert branch_role("深圳宝安店") == roles[2]  # the same code, the same role, on every PC and every run


def test_row_level_security_keeps_each_branch_to_its_own_rows(postgres_url, branches, csxl_cmd):
    import psycopg

    loaded = subprocess.run([*csxl_cmd, "group", "load", postgres_url, str(branches["SZ02"]), "--today", str(TODAY)],
                            capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    roles = subprocess.run([*csxl_cmd, "group", "init-roles", postgres_url, "SZ01", "SZ02"], capture_output=True, text=True,
                           env={**os.environ, "CSXL_LANG": "en"})
    assert roles.returncode == 0, roles.stderr
    assert roles.stdout.splitlines()[:3] == ["csxl_group_reader  created", "csxl_branch_sz01  created (branch SZ01)",
                                             "csxl_branch_sz02  created (branch SZ02)"]
    clash = subprocess.run([*csxl_cmd, "group", "init-roles", postgres_url, "sz02"], capture_output=True, text=True,
                           env={**os.environ, "CSXL_LANG": "en"})
    assert (clash.returncode, clash.stderr.strip()) == (3, "Error: these branch codes would share one database role, which cannot "
                                                           "keep their rows apart: SZ02、sz02 → csxl_branch_sz02 (give one another code)")
    as_sz01 = postgres_url.replace("//csxl@", "//csxl_branch_sz01@")
    with open_store(as_sz01) as store:  # the branch's own PC loads itself
        assert not load_branch(store, branches["SZ01"], TODAY).skipped
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # another branch's workbook: the policy refuses its rows
            load_branch(store, branches["GZ01"], TODAY)
    with psycopg.connect(as_sz01, autocommit=True) as con:
        assert con.execute("SELECT DISTINCT branch_code FROM customers").fetchall() == [("SZ01",)]  # SZ02's rows are invisible
        assert con.execute("DELETE FROM customers WHERE branch_code = 'SZ02'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("INSERT INTO customers (branch_code, customer_id) VALUES ('SZ02', 'X1')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("UPDATE customers SET name = 'x'")  # a branch replaces its rows; it never edits them in place
    reader = postgres_url.replace("//csxl@", "//csxl_group_reader@")
    with psycopg.connect(reader, autocommit=True) as con:
        assert sorted(r[0] for r in con.execute("SELECT DISTINCT branch_code FROM customers")) == ["SZ01", "SZ02"]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("DELETE FROM customers")
    with open_store(reader, create=False) as store:  # the group's reports need only the reader
        assert read_group(store).branches == ["SZ01", "SZ02"]


def test_init_roles_retires_the_role_an_older_csxl_shared_between_branches(postgres_url, csxl_cmd):
    """Before branch codes got their hash, 广州天河店 and 深圳宝安店 were both csxl_branch____, whose policy let either
    PC write the last-named branch's rows: a store set up then keeps that role until init-roles is run again."""
    import psycopg

    from csxl.group.store import LOADS, TABLES

    with open_store(postgres_url) as store:
        store.create_or_migrate()
    tables = [t.name for t in (*TABLES, LOADS)]
    with psycopg.connect(postgres_url, autocommit=True) as con:  # what the older init-roles left
        con.execute("CREATE TABLE kept_by_hand (x int)")
        for role, branch in (("csxl_branch____", "广州天河店"), ("csxl_branch_sz_01", "SZ-01")):
            con.execute(f"CREATE ROLE {role} LOGIN")
            for table in tables:
                con.execute(f"GRANT SELECT, INSERT, DELETE ON {table} TO {role}")
                con.execute(f"CREATE POLICY {role} ON {table} TO {role} USING (branch_code = '{branch}') WITH CHECK (branch_code = '{branch}')")
        con.execute("GRANT SELECT ON kept_by_hand TO csxl_branch_sz_01")  # a right given by hand, outside csxl's tables
    done = subprocess.run([*csxl_cmd, "group", "init-roles", postgres_url, "深圳宝安店", "广州天河店", "SZ-01"],
                          capture_output=True, text=True, env={**os.environ, "CSXL_LANG": "en"})
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if "retired" in line] == [
        "csxl_branch____  retired: an older csxl's role for branch 广州天河店 (its name could be shared), its rights and policies removed",
        "csxl_branch_sz_01  retired: an older csxl's role for branch SZ-01 (its name could be shared), its rights and policies removed"]
    old = ["csxl_branch____", "csxl_branch_sz_01"]
    with psycopg.connect(postgres_url, autocommit=True) as con:
        # the one with a right elsewhere cannot be dropped: it may no longer log in
        assert con.execute("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY(%s)", (old,)).fetchall() == [
            ("csxl_branch_sz_01", False)]
        assert con.execute("SELECT count(*) FROM pg_policies WHERE policyname = ANY(%s)", (old,)).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = ANY(%s) AND table_name = ANY(%s)",
                           (old, tables)).fetchone() == (0,)
        from csxl.group.roles import branch_role

        assert sorted(r for (r,) in con.execute("SELECT DISTINCT policyname FROM pg_policies WHERE policyname LIKE 'csxl_branch_%'")) == \
            sorted(branch_role(code) for code in ("深圳宝安店", "广州天河店", "SZ-01"))
    again = subprocess.run([*csxl_cmd, "group", "init-roles", postgres_url, "深圳宝安店"], capture_output=True, text=True,
                           env={**os.environ, "CSXL_LANG": "en"})
    assert again.returncode == 0 and "retired" not in again.stdout  # the roles it made are its own, whoever is named


def test_a_store_from_an_older_csxl_gains_the_new_columns_and_keeps_its_rows(store_spec, branches):
    with open_store(store_spec) as store:
        load_branch(store, branches["GZ01"], TODAY)
        before = store.row_counts()["GZ01"]
        store.execute('ALTER TABLE services DROP COLUMN "mileage"')  # as a store made before 里程 was a column
        store.execute("UPDATE csxl_schema SET version = 0")
    with open_store(store_spec) as store:
        assert store.schema_version() == 1
        assert store.row_counts()["GZ01"] == before
        services = next(t for t in INPUT_TABLES if t.name == "services")
        assert "mileage" in store.read_table(services).columns


def test_the_store_gives_back_every_value_it_was_given(store_spec):
    """Text that CSV must quote, an empty text beside a missing one, dates and missing numbers, both stores."""
    tricky = ["逗号,引号\"和\n换行", "", None, "  空格  ", "😀 粤B·12345", "NULL", "\\N"]
    services = pd.DataFrame({
        "order_no": pd.Series([f"WO{i}" for i in range(len(tricky))], dtype="string"),
        "vin": pd.Series(tricky, dtype="string"),
        "date_in": pd.Series([pd.Timestamp("2026-01-04"), pd.NaT, pd.Timestamp("1990-12-31"), pd.NaT,
                              pd.Timestamp("2099-02-28"), pd.NaT, pd.Timestamp("2026-11-24")], dtype="datetime64[s]"),
        "amount": [1.5, float("nan"), 0.0, -2.25, 1e9, float("nan"), 3.0],
        "_row": range(2, 2 + len(tricky)),
    })
    load = {"file": "x.xlsx", "sha256": "0", "rows": "{}", "as_of": TODAY, "loaded_at": dt.datetime(2026, 11, 24, 8, 0)}
    with open_store(store_spec) as store:
        store.create_or_migrate()
        store.replace_branch("SZ09", shaped_rows("SZ09", {"services": services}), load)
        back = store.read_table(next(t for t in INPUT_TABLES if t.name == "services"))
    back = back[back["branch_code"] == "SZ09"].sort_values("_row").reset_index(drop=True)
    assert back["vin"].astype(object).where(back["vin"].notna(), None).tolist() == tricky
    assert back["date_in"].tolist() == services["date_in"].tolist()
    pd.testing.assert_series_equal(back["amount"], services["amount"], check_names=False)
    assert back["_row"].tolist() == services["_row"].tolist()
    assert back["vin"].dtype == as_strings(pa.array(["x"])).dtype  # the reader's text type, which the report code expects


def test_duckdb_prints_no_progress_bar_of_its_own(tmp_path):
    """DuckDB draws its bar on stdout, a pipe as well as a terminal, once a query passes 2 s (a group report's read
    at some millions of visits): into the command's output and its logs.  In a process of its own, as a command
    runs: under pytest DuckDB starts with the bar off (and setting progress_bar_time turns it back on)."""
    script = (f"from csxl.group.store import open_store\n"
              f"with open_store({str(tmp_path / 'group.duckdb')!r}) as store:\n"
              f"    store.leave_cores_to_workers()\n"
              f"    print(store.query('SELECT COUNT(*) FROM range(1000000000) a WHERE a.range % 7 = 3'))\n")  # about 3 s
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "[(142857143,)]\n"), done.stderr


def test_ctrl_c_during_a_duckdb_query_is_the_keyboard_interrupt_it_was(tmp_path):
    """DuckDB 2.0 answers SIGINT during a query with RuntimeError("Query interrupted"): the command would die with
    a traceback where any other moment gives its one line."""
    with open_store(str(tmp_path / "group.duckdb")) as store:
        # as group load runs its queries: with DuckDB's own threads at work, the calling thread waits for the
        # whole pipeline and sees the signal only when it ends (CI: 37 s), too late for this test to tell apart
        store.leave_cores_to_workers()
        # Python's own handler, which a command run in this process earlier must have put back (`remind --send` once kept its own)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        # from another process, as a terminal sends it: a thread of this one might wait for the interpreter's lock
        subprocess.Popen(["sh", "-c", f"sleep 1; kill -INT {os.getpid()}"])
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            store.query("SELECT COUNT(*) FROM range(10000000000) a WHERE a.range % 7 = 3")  # about a minute
        assert time.monotonic() - started < 20  # stopped, not finished
        assert store.query("SELECT 1") == [(1,)]  # and the store is still usable
