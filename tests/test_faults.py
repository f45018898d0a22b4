"""Nothing lost under faults and hostile input: the gaps the fault campaign found, each with the test that failed before."""

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
import zipfile

import fastexcel
import pandas as pd
import pytest
from book_edits import set_setting
from cli_runs import run
from ziptools import stored_bytes

from csxl import jobs
from csxl.demo import demo_rows
from csxl.messages.config import load_config
from csxl.workbook.template import build_template

TODAY = dt.date(2026, 11, 24)


CUSTOMERS = [
    {"customer_id": "C1", "name": "张三", "birthday": dt.date(1990, 11, 28), "email": "c1@example.com"},
    {"customer_id": "C2", "name": "李四", "birthday": dt.date(1991, 11, 29), "email": "c2@example.com"},
]


def test_a_word_in_a_number_or_score_column_is_a_problem_not_a_crash(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "台账.xlsx", rows={
        "customers": CUSTOMERS,
        "vehicles": [{"vin": "V1", "customer_id": "C1", "price": "约15万", "insurance_due": dt.date(2026, 11, 30)}],
        "services": [{"order_no": "W1", "vin": "V1", "amount": "一万", "date_out": dt.date(2026, 11, 20)}],
        "visits": [{"visit_date": dt.date(2026, 11, 23), "customer_id": "C1", "vin": "V1", "kind": "3DC", "reliability": "八"}],
    })
    check = run(csxl_cmd, "check", path, "--today", TODAY)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert "车辆档案!2 [购车金额] «约15万»: 不是数字" in check.stdout
    assert "维修记录!2 [金额] «一万»: 不是数字" in check.stdout
    assert "回访记录!2 [可靠性] «八»: 评分应为 1–10 的整数" in check.stdout
    assert run(csxl_cmd, "refresh", path, "--today", TODAY).returncode == 0
    send = run(csxl_cmd, "remind", path, "--send", "--today", TODAY)
    assert send.returncode == 0 and "已发送 " in send.stdout and "Traceback" not in send.stderr


def test_a_damaged_journal_stops_sending_and_is_moved_aside(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": CUSTOMERS})
    journal = tmp_path / "台账.journal.sqlite"
    journal.write_bytes(b"this is not a database" * 100)
    result = run(csxl_cmd, "remind", path, "--send", "--today", TODAY)
    assert result.returncode == 3
    line = result.stderr.strip()
    assert line.startswith("Error: 发送记录数据库已损坏，已移到 ") and "本次未发送" in line
    assert not journal.exists() and len(list(tmp_path.glob("台账.journal.sqlite.damaged-*"))) == 1
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").glob("*.eml"))


def test_a_deleted_journal_is_rebuilt_from_the_sent_log_tab_and_nothing_goes_twice(tmp_path, smtp_server):
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": CUSTOMERS})
    cfg = tmp_path / "csxl.toml"
    cfg.write_text(smtp_server.config_toml(), encoding="utf-8")
    config = load_config(path, cfg)
    first = jobs.remind(path, TODAY, send=True, config=config)
    assert first.counts["sent"] == 2 and len(smtp_server.recorder.messages) == 2
    jobs.refresh(path, TODAY)  # 发送记录 now mirrors the journal
    for name in ("台账.journal.sqlite", "台账.journal.sqlite-wal", "台账.journal.sqlite-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    again = jobs.remind(path, TODAY + dt.timedelta(days=1), send=True, config=config)
    assert again.restored == 2
    assert again.counts.get("sent", 0) == 0
    assert len(smtp_server.recorder.messages) == 2


def test_a_foreign_workbook_gets_nothing_written_into_it(csxl_cmd, tmp_path):
    import openpyxl

    path = tmp_path / "别的表.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "销售数据"
    book.active["A1"] = "月份"
    book.save(path)
    before = path.read_bytes()
    result = run(csxl_cmd, "refresh", path, "--today", TODAY)
    assert (result.returncode, result.stderr.strip()) == (
        3, f"Error: 这个工作簿里没有客户档案、车辆档案等任何台账工作表，未写入任何内容：{path}（新建台账请用 csxl init）")
    assert path.read_bytes() == before


@pytest.mark.parametrize("key, raw", [("生日提前最多天数", "100000"), ("低分阈值", "0"), ("流失判定天数", "5")])
def test_absurd_settings_fall_back_to_their_defaults(key, raw):
    from csxl.settings import Settings, parse_settings

    import pandas as pd

    rows = pd.DataFrame({"key": [key], "value": [raw], "_row": [5]})
    settings, problems = parse_settings(rows, "设置")
    field = next(f for f in Settings.entries() if f.metadata["zh"] == key)
    assert getattr(settings, field.name) == field.default
    assert len(problems) == 1 and problems[0].row == 5 and "超出合理范围" in problems[0].message


@pytest.mark.parametrize("raw", ["postgresql://csxl:secret@db.example/group", "集团.xlsx", "D:\\集团\\B01.XLSM"])
def test_a_group_store_with_a_password_or_naming_a_workbook_is_a_problem_not_a_daily_failure(raw):
    from csxl.settings import parse_settings

    import pandas as pd

    settings, problems = parse_settings(pd.DataFrame({"key": ["集团数据库"], "value": [raw], "_row": [7]}), "设置")
    assert settings.group_store == ""  # no push at all, where the push would fail (or leak the password) every day
    assert [(p.row, p.value) for p in problems] == [(7, raw)]
    fine, none = parse_settings(pd.DataFrame({"key": ["集团数据库"], "value": ["集团.duckdb"], "_row": [7]}), "设置")
    assert (fine.group_store, none) == ("集团.duckdb", [])


def test_implausible_dates_are_problems(tmp_path):
    from csxl.workbook.reader import read_book

    path = build_template(tmp_path / "台账.xlsx", rows={
        "customers": [{"customer_id": "C1", "name": "张三", "birthday": dt.date(2030, 1, 1)}],
        "vehicles": [{"vin": "V1", "customer_id": "C1", "delivery_date": dt.date(1980, 1, 1), "insurance_due": "9999-12-31"}],
    })
    lines = [str(p) for p in jobs.compute_due(read_book(path), TODAY).problems]
    assert "客户档案!2 [生日] «2030-01-01»: 日期不合理（应在 1900-01-01 到 2026-11-24 之间）" in lines
    assert "车辆档案!2 [提车日期] «1980-01-01»: 日期不合理（应在 1990-01-01 到 2027-11-24 之间）" in lines
    assert any(line.startswith("车辆档案!2 [保险到期] «9999-12-31»: 日期不合理") for line in lines)


# --- the kill campaign -----------------------------------------------------

def _generated_state(path) -> tuple:
    """What a reader sees of the generated tabs: old and new states must each be whole."""
    import openpyxl

    todo = openpyxl.load_workbook(path, read_only=True)["今日待办"]  # openpyxl opens it too
    assert next(todo.iter_rows(max_row=1, values_only=True))[0] == "事项类型"
    reader = fastexcel.read_excel(str(path))
    return tuple(reader.load_sheet_by_name(name, dtypes="string").height for name in ("今日待办", "数据问题", "客户价值"))


@pytest.fixture(scope="module")
def big_book(tmp_path_factory):
    """A workbook whose refresh takes over a second here, written once."""
    path = tmp_path_factory.mktemp("kill") / "source.xlsx"
    build_template(path, rows=demo_rows(TODAY, 8000), constant_memory=True)
    return path


def test_kill_9_during_refresh_never_corrupts_and_the_next_run_cleans_up(big_book, tmp_path, campaign):
    seed = int(os.environ.get("CSXL_KILL_SEED", "20261124"))
    rng = random.Random(seed)
    path = tmp_path / "台账.xlsx"
    path.write_bytes(big_book.read_bytes())
    os.chmod(path, 0o640)
    with zipfile.ZipFile(path) as z:
        user_parts = [n for n in z.namelist() if "worksheets/sheet1.xml" in n or n == "xl/sharedStrings.xml"]
    user_bytes = {n: stored_bytes(path, n) for n in user_parts}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "csxl", "refresh", str(path), "--today", str(TODAY)], check=True, capture_output=True)
    duration = time.perf_counter() - started
    states = {_generated_state(path)}
    kills = corrupt = attempt = 0
    while kills < 30 and attempt < 60:
        attempt += 1
        day = TODAY + dt.timedelta(days=attempt % 3)
        child = subprocess.Popen([sys.executable, "-m", "csxl", "refresh", str(path), "--today", str(day)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, duration * 0.95))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            kills += 1
        child.wait()
        try:
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None
            assert all(stored_bytes(path, n) == b for n, b in user_bytes.items())
            states.add(_generated_state(path))
        except Exception:  # noqa: BLE001 - counted, then asserted below
            corrupt += 1
        assert path.stat().st_mode & 0o777 == 0o640
    finish = subprocess.run([sys.executable, "-m", "csxl", "refresh", str(path), "--today", str(TODAY)], capture_output=True, text=True)
    assert finish.returncode == 0, finish.stderr
    leftovers = list(tmp_path.glob(".~csxl-*"))
    campaign(f"refresh kill -9 (seed {seed}, one refresh {duration:.1f} s): {attempt} runs, {kills} kills, {corrupt} corrupt, "
             f"{len(leftovers)} temp files left after the next run")
    assert kills >= 30 and corrupt == 0 and leftovers == []
    assert len(states) <= 4  # each state a whole refresh of one of the three days (or the first)


def test_windows_deployment_files_read_as_windows_reads_them():
    from pathlib import Path

    from lxml import etree

    deploy = Path(__file__).resolve().parent.parent / "deploy" / "windows"
    task = (deploy / "csxl-task.xml").read_bytes()
    assert task.startswith(b"\xff\xfe")  # schtasks /XML wants UTF-16 with a byte-order mark
    root = etree.fromstring(task)  # a standard parser honours the declared encoding
    assert root.tag.endswith("Task")
    assert "run-csxl.cmd" in etree.tostring(root, encoding="unicode")
    lines = (deploy / "run-csxl.cmd").read_bytes().decode("utf-8").split("\r\n")
    chcp = next(i for i, line in enumerate(lines) if line.startswith("chcp 65001"))
    first_chinese = next(i for i, line in enumerate(lines) if not line.isascii())
    assert chcp < first_chinese


def test_a_server_without_login_is_named_and_the_run_fails(csxl_cmd, tmp_path, smtp_server):
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": CUSTOMERS})
    cfg = tmp_path / "csxl.toml"
    # login = true, but the test server offers no AUTH
    cfg.write_text(smtp_server.config_toml().replace("login = false", "login = true"), encoding="utf-8")
    result = subprocess.run([*csxl_cmd, "remind", str(path), "--send", "--today", str(TODAY), "--config", str(cfg)],
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "CSXL_LANG": "zh", "CSXL_SMTP_PASSWORD": "x"})
    assert result.returncode == 3
    assert result.stderr.strip().splitlines()[-1].startswith("Error: 一封也没有发出（已记为失败，下次运行会重试）：the server offers no login (AUTH)")
    assert smtp_server.recorder.messages == []


def test_a_full_disk_leaves_the_workbook_untouched_and_no_temp_file(tmp_path, monkeypatch):
    import errno

    from csxl.errors import WriteFailed
    from csxl.workbook import zipcopy

    path = build_template(tmp_path / "台账.xlsx", rows={"customers": CUSTOMERS})
    before = path.read_bytes()
    real = zipcopy.rewrite_archive

    def fills_the_disk(source, out, *args, **kwargs):
        out.write(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("csxl.workbook.package.rewrite_archive", fills_the_disk)
    with pytest.raises(WriteFailed) as failure:
        jobs.refresh(path, TODAY)
    assert failure.value.message() == f"无法写入工作簿（{os.strerror(errno.ENOSPC)}），原文件没有改动：{path}"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".csxl-lock")) == ["台账.xlsx"]  # no temp file
    monkeypatch.setattr("csxl.workbook.package.rewrite_archive", real)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only modes")
def test_a_read_only_folder_is_one_line(csxl_cmd, tmp_path):
    folder = tmp_path / "只读"
    folder.mkdir()
    path = build_template(folder / "台账.xlsx", rows={"customers": CUSTOMERS})
    os.chmod(folder, 0o555)
    try:
        result = run(csxl_cmd, "refresh", path, "--today", TODAY)
    finally:
        os.chmod(folder, 0o755)
    assert result.returncode == 3 and result.stderr.strip().startswith("Error: 无法写入工作簿（Permission denied），原文件没有改动")


@pytest.fixture
def small_tmpfs(tmp_path):
    """A real file system of its own (a tmpfs of 400 KB), where the test may mount one (as root)."""
    point = tmp_path / "mnt"
    point.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(point)],
                                                   capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("cannot mount a tmpfs here (needs root and mount rights); the injected ENOSPC test stands in")
    yield point
    subprocess.run(["umount", str(point)], check=True)


def _demo_workbook_of(tmp_path, kilobytes_at_least: int):
    path = build_template(tmp_path / "source.xlsx", rows=demo_rows(TODAY, 300))
    assert path.stat().st_size > kilobytes_at_least * 1024
    return path


def test_a_really_full_disk_leaves_the_workbook_untouched_and_no_temp_file(csxl_cmd, tmp_path, small_tmpfs):
    source = _demo_workbook_of(tmp_path, 150)  # the workbook fits in 400 KB, the new one beside it does not
    path = small_tmpfs / "台账.xlsx"
    path.write_bytes(source.read_bytes())
    result = run(csxl_cmd, "refresh", path, "--today", TODAY)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"Error: 无法写入工作簿（{os.strerror(28)}），原文件没有改动：{path}"]
    assert path.read_bytes() == source.read_bytes()
    assert sorted(p.name for p in small_tmpfs.iterdir() if not p.name.endswith(".csxl-lock")) == ["台账.xlsx"]


def test_a_read_only_file_system_is_one_line_and_check_still_works(csxl_cmd, tmp_path, small_tmpfs):
    """Found by this test: the lock beside the workbook could not be made, and that was a traceback."""
    source = _demo_workbook_of(tmp_path, 0)
    path = small_tmpfs / "台账.xlsx"
    path.write_bytes(source.read_bytes())
    subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], check=True)
    for command in (["refresh"], ["remind", "--send"]):
        result = run(csxl_cmd, *command, path, "--today", TODAY)
        assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.strip().splitlines()[-1] == f"Error: 无法写入工作簿（{os.strerror(30)}），原文件没有改动：{path}"
    assert run(csxl_cmd, "check", path, "--today", TODAY).returncode == 1  # reading needs no writing
    assert path.read_bytes() == source.read_bytes()


def test_a_read_only_workbook_is_left_as_it_is_and_messages_still_go(csxl_cmd, tmp_path):
    """Found by this campaign: on Linux the refresh replaced a read-only workbook (rename ignores the file's mode)."""
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": CUSTOMERS})
    before = path.read_bytes()
    os.chmod(path, 0o444)
    result = run(csxl_cmd, "refresh", path, "--today", TODAY)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"Error: 工作簿设为只读，csxl 不会改动它：{path}（请在文件属性中取消“只读”后再试）"
    assert path.read_bytes() == before and not path.with_name("台账.xlsx.bak").exists()
    assert path.stat().st_mode & 0o777 == 0o444
    send = run(csxl_cmd, "remind", path, "--send", "--today", TODAY)  # the journal is a file of its own
    assert send.returncode == 0 and len(list((tmp_path / "outbox").glob("*.eml"))) == 2


def test_a_path_with_spaces_and_chinese_works(csxl_cmd, tmp_path):
    folder = tmp_path / "客服 部" / "2026 年"
    folder.mkdir(parents=True)
    path = build_template(folder / "客服 台账.xlsx", rows={"customers": CUSTOMERS})
    assert run(csxl_cmd, "refresh", path, "--today", TODAY).returncode == 0
    assert run(csxl_cmd, "remind", path, "--send", "--today", TODAY).returncode == 0
    assert len(list((folder / "outbox").glob("*.eml"))) == 2


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from csxl.errors import NotAWorkbook
    from csxl.workbook.reader import read_book

    path = build_template(tmp_path / "台账.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/bomb.xml", b"\0" * (24 * 1024 * 1024))
    monkeypatch.setattr("csxl.workbook.package.MAX_PART_BYTES", 16 * 1024 * 1024)
    with pytest.raises(NotAWorkbook) as refused:
        read_book(path)
    assert refused.value.message().endswith("（其中一部分解压后超过 4 GB，已拒绝读取）")


# --- injection ---------------------------------------------------------------

HOSTILE_NAMES = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "张\t三", "李\r四"]


def test_no_text_becomes_a_formula_in_any_generated_tab_or_the_monthly_workbook(tmp_path):
    import openpyxl

    from csxl.schema import GENERATED_SHEETS

    customers = [{"customer_id": f"C{i}", "name": name, "birthday": dt.date(1990, 11, 28), "email": f"c{i}@example.com",
                  "churn_reason": name} for i, name in enumerate(HOSTILE_NAMES)]
    vehicles = [{"vin": f"V{i}", "customer_id": f"C{i}", "model": name, "delivery_date": dt.date(2026, 11, 10)}
                for i, name in enumerate(HOSTILE_NAMES)]
    visits = [{"visit_date": dt.date(2026, 11, 20), "customer_id": "C0", "vin": "V0", "kind": "7DC", "overall": 3, "comment": name}
              for name in HOSTILE_NAMES]
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": customers, "vehicles": vehicles, "visits": visits})
    jobs.remind(path, TODAY, send=True)
    jobs.refresh(path, TODAY)
    out, _ = jobs.monthly_report_book(path, dt.date(2026, 12, 5))
    generated = {s.zh for s in GENERATED_SHEETS}
    for book_path in (path, out):
        from csxl.workbook.package import Package

        package = Package(book_path)
        for entry in package.sheets:
            if entry.name in generated:
                assert b"<f>" not in package.read(entry.part) and b"<f " not in package.read(entry.part), (book_path.name, entry.name)
    values = {c.value for ws in openpyxl.load_workbook(path).worksheets if ws.title in generated for row in ws.iter_rows() for c in row}
    assert {"=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)"} <= values  # shown as the text typed


def test_no_cell_adds_a_header_or_a_recipient_to_an_email(tmp_path):
    import email

    rows = {"customers": [{"customer_id": "C1", "name": "张三\r\nBcc: evil@example.com", "birthday": dt.date(1990, 11, 28),
                           "email": "c1@example.com"}],
            "templates": [{"kind": "生日关怀", "subject": "{{姓名}}\r\nCc: evil@example.com", "body": "{{姓名}}"}]}
    path = build_template(tmp_path / "台账.xlsx", rows=rows)
    assert jobs.remind(path, TODAY, send=True).counts["sent"] == 1
    (message_file,) = (tmp_path / "outbox").glob("*.eml")
    message = email.message_from_bytes(message_file.read_bytes())
    assert message.get_all("To") == ["c1@example.com"]
    assert message.get_all("Bcc") is None and message.get_all("Cc") is None


@pytest.mark.parametrize("body, says", [
    ("{{ 姓名.__class__.__mro__ }}", "access to attribute '__class__'"),
    ("{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}", "loops, macros and calls are not allowed"),
    ("{{ '好' * 100000000 }}", "longer than 20000 characters"),
    ("{{ 姓名.center(1000000000) }}", "loops, macros and calls are not allowed"),
    ("{{ 姓名|center(1000000000) }}", "No filter named 'center'"),
])
def test_a_hostile_template_is_a_data_problem_not_a_hang(tmp_path, body, says):
    from csxl.messages.templates import TemplateBook
    from csxl.workbook.reader import read_book

    path = build_template(tmp_path / "台账.xlsx", rows={
        "customers": CUSTOMERS, "templates": [{"kind": "生日关怀", "subject": "生日快乐", "body": body}]})
    started = time.perf_counter()
    book = read_book(path)
    templates = TemplateBook("zh", book.frames["templates"])
    assert len(templates.problems) == 1 and says in templates.problems[0].message
    result = jobs.remind(path, TODAY, send=True)
    assert result.counts["sent"] == 2
    assert time.perf_counter() - started < 20
    subject, text, _ = templates.render("生日关怀", None, {"姓名": "张三", "称呼": "张三", "日期": "2026-11-28", "门店": "本店"})
    assert "生日快乐" in text and len(text) < 1000  # the default template was used


def test_kill_9_during_remind_to_the_outbox_loses_nothing_and_sends_nothing_twice(tmp_path, campaign):
    rng = random.Random(int(os.environ.get("CSXL_KILL_SEED", "20261124")))
    people = [{"customer_id": f"C{i:03d}", "name": f"客户{i}", "birthday": dt.date(1980 + i % 20, 11, 28), "email": f"c{i}@example.com"}
              for i in range(150)]
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": people})
    command = [sys.executable, "-m", "csxl", "remind", str(path), "--send", "--today", str(TODAY)]
    kills = 0
    for _ in range(10):
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4, 1.2))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            kills += 1
        child.wait()
    final = subprocess.run(command, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    delivered = list((tmp_path / "outbox").glob("*.eml"))
    from csxl.messages.journal import Journal

    with Journal.beside(path) as journal:
        counts = journal.counts()
    leftovers = list((tmp_path / "outbox").glob(".tmp-*"))
    recipients = [next(line for line in f.read_text().splitlines() if line.startswith("To: ")) for f in delivered]
    campaign(f"remind --send to the outbox, kill -9: {kills} kills, {len(delivered)} delivered of 150, "
             f"{len(delivered) - len(set(recipients))} duplicates, journal {counts}, {len(leftovers)} temp files")
    assert kills >= 1
    assert len(delivered) == 150 and counts["sent"] == 150 and counts["pending"] == 0 and counts["failed"] == 0
    assert leftovers == []
    assert len(set(recipients)) == 150  # each customer once


# --- cells a reader sees as empty ------------------------------------------

def _cell_of(sheet, header: str, row: int):
    column = next(c.column for c in sheet[1] if c.value == header)
    return sheet.cell(row=row, column=column)


def test_error_cells_and_uncalculated_formulas_are_problems_naming_them(csxl_cmd, tmp_path):
    import openpyxl

    path = build_template(tmp_path / "台账.xlsx", rows={
        "customers": CUSTOMERS,
        "vehicles": [{"vin": "V1", "customer_id": "C1", "insurance_due": dt.date(2026, 11, 30)}],
        "services": [{"order_no": "W1", "vin": "V1", "amount": 100, "date_out": dt.date(2026, 11, 20)}],
        "visits": [{"visit_date": dt.date(2026, 11, 23), "customer_id": "C1", "vin": "V1", "kind": "3DC"}],
    })
    book = openpyxl.load_workbook(path)
    birthday = _cell_of(book["客户档案"], "生日", 3)
    birthday.value, birthday.data_type = "#N/A", "e"
    _cell_of(book["车辆档案"], "保险到期", 2).value = "=TODAY()+30"  # openpyxl saves no result for it
    amount = _cell_of(book["维修记录"], "金额", 2)
    amount.value, amount.data_type = "#DIV/0!", "e"
    visit_date = _cell_of(book["回访记录"], "回访日期", 2)
    visit_date.value, visit_date.data_type = "#REF!", "e"
    book.save(path)

    check = run(csxl_cmd, "check", path, "--today", TODAY)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert "客户档案!3 [生日] «#N/A»: 单元格是错误值 #N/A（公式出错），本格按空处理" in check.stdout
    assert "车辆档案!2 [保险到期] «=TODAY()+30»: 公式没有计算结果（文件保存前未经 Excel 计算），本格按空处理" in check.stdout
    assert "维修记录!2 [金额] «#DIV/0!»: 单元格是错误值 #DIV/0!（公式出错），本格按空处理" in check.stdout
    assert "回访记录!2 [回访日期] «#REF!»: 单元格是错误值 #REF!（公式出错），本格按空处理，本行未参与计算" in check.stdout
    assert "必填项为空" not in check.stdout  # the error is the one problem of that cell
    assert run(csxl_cmd, "refresh", path, "--today", TODAY).returncode == 0


def test_error_cells_written_by_xlsxwriter_in_a_table_not_starting_at_column_a(tmp_path):
    import xlsxwriter

    from csxl.schema import CUSTOMERS as CUSTOMER_SHEET
    from csxl.workbook.reader import read_book

    path = tmp_path / "台账.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("客户档案")
    headers = [c.zh for c in CUSTOMER_SHEET.columns]
    sheet.write_row(2, 2, headers)  # the table starts at C3
    sheet.write_row(3, 2, ["C1", "张三"])
    sheet.write_formula(3, 2 + headers.index("生日"), "=1/0", None, "#DIV/0!")
    sheet.write_row(4, 2, ["C2", "李四"])
    sheet.write_formula(4, 2 + headers.index("生日"), "=DATE(1990,1,2)", None, 32875)
    book.close()

    read = read_book(path)
    lines = [str(p) for p in read.problems if p.sheet == "客户档案"]
    assert lines == ["客户档案!4 [生日] «#DIV/0!»: 单元格是错误值 #DIV/0!（公式出错），本格按空处理"]
    assert read.frames["customers"]["birthday"].iloc[1] == dt.datetime(1990, 1, 2)


def test_error_cells_from_an_open_workbook_are_problems(tmp_path):
    from csxl.workbook.reader import read_values_book

    rows = [["客户编号", "姓名", "生日"], ["C1", "张三", "#N/A"], ["C2", "#NAME?", 32875.0]]
    book = read_values_book(None, ["客户档案"], lambda name: (rows, 1) if name == "客户档案" else ([], 1))
    lines = [str(p) for p in book.problems if p.sheet == "客户档案"]
    assert "客户档案!2 [生日] «#N/A»: 单元格是错误值 #N/A（公式出错），本格按空处理" in lines
    assert "客户档案!3 [姓名] «#NAME?»: 单元格是错误值 #NAME?（公式出错），本格按空处理，本行未参与计算" in lines
    assert list(book.frames["customers"]["customer_id"]) == ["C1"]


def test_kill_9_of_the_scheduler_loses_nothing_and_sends_nothing_twice(tmp_path, campaign):
    """`csxl run` catches up at start (send time 00:00 has always passed): kill it mid-batch, again and again."""
    from csxl import clock
    from csxl.messages.journal import Journal

    rng = random.Random(int(os.environ.get("CSXL_KILL_SEED", "20261124")))
    soon = clock.today() + dt.timedelta(days=3)
    people = [{"customer_id": f"C{i:03d}", "name": f"客户{i}", "birthday": dt.date(1980 + i % 20, soon.month, min(soon.day, 28)),
               "email": f"c{i}@example.com"} for i in range(120)]
    path = build_template(tmp_path / "台账.xlsx", rows={"customers": people})
    set_setting(path, "发送时间", "00:00")
    # The catch-up sends now, on the real clock: outside 发送时段 (default 08:00-21:00, China time) every message
    # would wait for tomorrow's window, as it should, and this test would depend on the hour it runs at.
    set_setting(path, "发送时段", "00:00-23:59")
    outbox = tmp_path / "outbox"
    command = [sys.executable, "-m", "csxl", "run", str(path), "--poll", "1"]
    kills, landed = 0, []
    while len(landed) < 12 and (not landed or landed[-1] < len(people)):
        before = landed[-1] if landed else 0
        wanted = before + rng.randint(3, 25)  # kill while the batch is under way, a few messages in
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while len(list(outbox.glob("*.eml"))) < wanted and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        kills += 1
        landed.append(len(list(outbox.glob("*.eml"))))
    final = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with Journal.beside(path) as journal:
            if journal.last_completed_day() == clock.today():
                break
        time.sleep(0.5)
    final.send_signal(signal.SIGTERM)
    _, stderr = final.communicate(timeout=30)
    delivered = list(outbox.glob("*.eml"))
    with Journal.beside(path) as journal:
        counts = journal.counts()
    leftovers = list(outbox.glob(".tmp-*"))
    recipients = [next(line for line in f.read_text().splitlines() if line.startswith("To: ")) for f in delivered]
    campaign(f"scheduler (csxl run), kill -9 mid-batch: {kills} kills, delivered after each {landed}, {len(delivered)} delivered of 120, "
             f"{len(delivered) - len(set(recipients))} duplicates, journal {counts}, {len(leftovers)} temp files")
    assert "Traceback" not in stderr
    assert len(delivered) == 120 and counts["sent"] == 120 and counts["pending"] == 0 and counts["failed"] == 0
    assert leftovers == []
    assert len(set(recipients)) == 120  # each customer once
    assert sum(0 < n < 120 for n in landed) >= 3  # kills landed mid-batch


def test_a_workbook_whose_only_input_sheet_has_no_rows_refreshes(csxl_cmd, tmp_path):
    """Found by the hostile-cell property: every report crashed joining two empty text columns."""
    import openpyxl

    from csxl.schema import CUSTOMERS as CUSTOMER_SHEET

    book = openpyxl.Workbook()
    book.active.title = "客户档案"
    book.active.append([c.zh for c in CUSTOMER_SHEET.columns])
    book.save(tmp_path / "台账.xlsx")
    done = run(csxl_cmd, "refresh", tmp_path / "台账.xlsx", "--today", TODAY)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


def test_a_password_smtp_cannot_carry_is_one_line_naming_the_fix(csxl_cmd, tmp_path):
    """Found by the privacy sweep: a Chinese character in the 授权码 was a UnicodeEncodeError traceback from smtplib."""
    from aiosmtpd.smtp import AuthResult
    from smtp_server import SmtpServer

    server = SmtpServer(authenticator=lambda *args: AuthResult(success=True), auth_require_tls=False).start()
    try:
        path = build_template(tmp_path / "台账.xlsx", rows={"customers": CUSTOMERS})
        cfg = tmp_path / "csxl.toml"
        cfg.write_text(server.config_toml().replace("login = false", "login = true"), encoding="utf-8")
        result = subprocess.run([*csxl_cmd, "remind", str(path), "--send", "--today", str(TODAY), "--config", str(cfg)], capture_output=True,
                                text=True, env={"PATH": "/usr/bin:/bin", "CSXL_LANG": "zh", "CSXL_SMTP_PASSWORD": "授权码abcd"})
    finally:
        server.stop()
    assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "only ASCII" not in last and "other than ASCII letters" in last and "abcd" not in last


def test_a_40000_character_cell_never_makes_a_generated_cell_excel_calls_damaged(tmp_path):
    import openpyxl

    huge = "长" * 20_000 + "😀" * 20_000  # 60,000 UTF-16 units; openpyxl writes it whole (xlsxwriter would cut it)
    path = build_template(tmp_path / "台账.xlsx", rows={
        "customers": [{"customer_id": "C1", "name": "张三", "birthday": dt.date(1990, 11, 28), "email": "c1@example.com"},
                      {"customer_id": "C2", "name": "李四"}],
    })
    book = openpyxl.load_workbook(path)
    _cell_of(book["客户档案"], "姓名", 2).value = huge
    _cell_of(book["客户档案"], "生日", 3).value = huge
    book.save(path)
    jobs.refresh(path, TODAY)
    book = openpyxl.load_workbook(path, read_only=True)
    longest = {name: max((len(str(v).encode("utf-16-le")) // 2 for row in book[name].iter_rows(values_only=True) for v in row if v), default=0)
               for name in ("今日待办", "数据问题", "客户价值")}
    assert all(16_000 < n <= 32_767 for n in longest.values()), longest
    problem = next(row for row in book["数据问题"].iter_rows(values_only=True) if row[2] == "生日")
    assert problem[3] == "长" * 16_382 + "…"


def test_a_deadline_from_a_date_no_record_can_have_is_empty_not_a_crash(csxl_cmd, tmp_path):
    """Found by the hostile-cell property: a complaint received on 9999-12-31 (or 1900-03-01 beside a real one) made
    the working-day walk overflow the calendar, a traceback from check, refresh and remind."""
    from csxl.calendars.workdays import WorkCalendar

    starts = pd.Series(pd.to_datetime(["1900-03-01", "2026-11-20", "9999-12-31"]))
    deadlines = WorkCalendar().add_workdays_many(starts, 1)
    assert deadlines.isna().tolist() == [True, False, True]
    assert deadlines[1] == pd.Timestamp("2026-11-23")  # Friday + one working day

    path = build_template(tmp_path / "台账.xlsx", rows={
        "customers": CUSTOMERS,
        "complaints": [{"complaint_id": "T1", "received_date": "9999-12-31", "customer_id": "C1"},
                       {"complaint_id": "T2", "received_date": "1900-03-01", "customer_id": "C1"},
                       {"complaint_id": "T3", "received_date": dt.date(2026, 11, 20), "customer_id": "C1"}],
        "handover": [{"vin": "V1", "event": "新车交车", "event_date": "9999-12-31"}],
    })
    for command in ("check", "refresh", "remind"):
        done = run(csxl_cmd, command, path, "--today", TODAY)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    lines = run(csxl_cmd, "check", path, "--today", TODAY).stdout
    assert "投诉记录!2 [受理日期] «9999-12-31»: 日期不合理" in lines and "投诉记录!3 [受理日期] «1900-03-01»: 日期不合理" in lines
