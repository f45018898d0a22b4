import datetime as dt
import json
import os
import sys
from pathlib import Path

import pytest
from leaks import ADDRESS, MOBILE, PASSWORD_MARKS

from csxl.calendars.workdays import WorkCalendar
from csxl.settings import Settings
from csxl.workbook.reader import frames_from_records

D = dt.date


def frames(**records):
    """Typed frames from inline records, converted exactly as the reader converts a workbook."""
    built, problems = frames_from_records(records)
    assert problems == [], problems
    return built


@pytest.fixture
def settings():
    return Settings()


@pytest.fixture
def calendar():
    return WorkCalendar()


@pytest.fixture
def csxl_cmd():
    return [sys.executable, "-m", "csxl"]


@pytest.fixture
def workbook(tmp_path) -> Path:
    """A fresh workbook built by `csxl init`'s code."""
    from csxl.workbook.template import build_template

    return build_template(tmp_path / "台账.xlsx")


@pytest.fixture
def smtp_server():
    from smtp_server import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


# The fault campaign's figures (kills, corrupt files, duplicates, cases run) are printed at the end of every run.
_CAMPAIGN: list[str] = []


@pytest.fixture
def campaign():
    """Call with a line of figures; it is printed in the run's summary, under "fault campaign"."""
    return _CAMPAIGN.append


def pytest_sessionfinish(session):
    """On a pytest-xdist worker: hand this worker's campaign lines to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["campaign"] = json.dumps(_CAMPAIGN)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _CAMPAIGN.extend(json.loads(getattr(node, "workeroutput", {}).get("campaign", "[]")))


def pytest_terminal_summary(terminalreporter):
    if _CAMPAIGN:
        terminalreporter.write_sep("-", "fault campaign")
        for line in _CAMPAIGN:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session", autouse=True)
def privacy_sweep(tmp_path_factory):
    """After the whole suite: no csxl.log any test left holds a phone number, an address or a password."""
    yield
    logs = [p for p in tmp_path_factory.getbasetemp().rglob("csxl.log*") if p.is_file()]
    leaks = []
    for log in logs:
        for number, line in enumerate(log.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if MOBILE.search(line) or ADDRESS.search(line) or any(p in line for p in PASSWORD_MARKS):
                leaks.append(f"{log}:{number}: {line}")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    by = f" (worker {worker}: its share of the tests)" if worker else ""
    _CAMPAIGN.append(f"privacy sweep{by}: {len(logs)} csxl.log files left by the suite, {len(leaks)} lines with a phone, an address or a password")
    assert leaks == [], "\n".join(leaks[:20])


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A real PostgreSQL for this worker's tests, started from Debian's binaries; skipped, with its reason, where they are missing."""
    from pg_server import PostgresServer, binaries

    if binaries() is None:
        pytest.skip("PostgreSQL's binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="csxl-pg-")  # not under pytest's base folder, which only root may enter
    server = PostgresServer(folder)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh database on the session's server for one test."""
    import uuid

    import psycopg

    name = "t" + uuid.uuid4().hex[:12]
    with psycopg.connect(postgres_server.url("postgres"), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return postgres_server.url(name)
