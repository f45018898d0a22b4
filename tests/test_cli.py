"""The command line through its real entry point: exit codes and the exact lines users see."""

import json

import pytest
from cli_runs import run

from csxl.workbook.template import build_template


ROWS = {
    "customers": [
        {"customer_id": "C001", "name": "张三", "phone": "13800138000"},
        {"customer_id": "C002", "name": "李四", "phone": "13900139000", "birthday": "不是日期"},
    ],
    "vehicles": [{"vin": "LSVAB123456789012", "customer_id": "C001", "plate": "粤B12345", "model": "朗逸"}],
}


@pytest.mark.parametrize("command", ["", "init", "check", "refresh", "search", "demo", "remind", "run", "status", "report"])
def test_every_command_has_help(csxl_cmd, command):
    result = run(csxl_cmd, *([command] if command else []), "--help")
    assert result.returncode == 0
    assert "Usage:" in result.stdout


def test_init_creates_a_workbook_and_refuses_to_overwrite(csxl_cmd, tmp_path):
    path = tmp_path / "新台账.xlsx"
    first = run(csxl_cmd, "init", path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"已创建 {path}"
    before = path.read_bytes()
    second = run(csxl_cmd, "init", path)
    assert second.returncode == 3
    assert second.stderr.strip() == f"Error: 文件已存在，不会覆盖：{path}（请换一个文件名）"
    assert path.read_bytes() == before


def test_missing_workbook_is_one_line_not_a_traceback(csxl_cmd, tmp_path):
    result = run(csxl_cmd, "refresh", tmp_path / "nope.xlsx")
    assert result.returncode == 3
    assert result.stderr.strip() == f"Error: 找不到工作簿：{tmp_path / 'nope.xlsx'}"


def test_not_a_workbook(csxl_cmd, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("hello")
    result = run(csxl_cmd, "check", path)
    assert result.returncode == 3
    assert result.stderr.strip() == f"Error: 不是有效的 .xlsx 工作簿：{path}（它是文本文件，例如 CSV：请在 Excel 中打开后另存为 .xlsx）"


def test_check_exits_0_when_clean_and_1_with_problems(csxl_cmd, tmp_path):
    clean = build_template(tmp_path / "clean.xlsx", rows={"customers": ROWS["customers"][:1]})
    result = run(csxl_cmd, "check", clean)
    assert (result.returncode, result.stdout.strip()) == (0, "没有数据问题")
    dirty = build_template(tmp_path / "dirty.xlsx", rows=ROWS)
    result = run(csxl_cmd, "check", dirty)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["客户档案!3 [生日] «不是日期»: 无法识别的日期（可用 2026-01-04、2026/1/4、2026年1月4日）"]


def test_check_json(csxl_cmd, tmp_path):
    dirty = build_template(tmp_path / "dirty.xlsx", rows=ROWS)
    result = run(csxl_cmd, "check", dirty, "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {"sheet": "客户档案", "row": 3, "column": "生日", "value": "不是日期", "message": "无法识别的日期（可用 2026-01-04、2026/1/4、2026年1月4日）"}
    ]


def test_refresh_refuses_while_open_in_excel(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx", rows=ROWS)
    (tmp_path / "~$b.xlsx").write_bytes(b"x")
    result = run(csxl_cmd, "refresh", path, "--today", "2026-11-24")
    assert result.returncode == 3
    assert result.stderr.strip() == f"Error: 工作簿正在 Excel/WPS/LibreOffice 中打开，未做任何修改：{path}（请保存并关闭后重试，或在 Excel 中用客服助手按钮）"


def test_refresh_reports_counts(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx", rows=ROWS)
    result = run(csxl_cmd, "refresh", path, "--today", "2026-12-31")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{path}：2026-12-31 待办 2 项，数据问题 1 个")
    assert "节日问候" in result.stdout


def test_bad_today_is_a_usage_error(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx")
    result = run(csxl_cmd, "refresh", path, "--today", "24/11/2026")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "Error: '--today' 的值无效：「24/11/2026」不是日期（可用 2026-11-24、2026/11/24、2026年11月24日）"


@pytest.mark.parametrize("day", ["2026-11-24", "2026/11/24", "2026.11.24", "2026年11月24日", "20261124"])
def test_today_in_any_form_the_workbook_accepts(csxl_cmd, tmp_path, day):
    path = build_template(tmp_path / "b.xlsx", rows=ROWS)
    result = run(csxl_cmd, "refresh", path, "--today", day)
    assert result.returncode == 0, result.stderr
    assert "2026-11-24 待办" in result.stdout
    assert result.stderr.strip() == "按 2026-11-24 计算"


def test_without_today_the_day_and_its_time_zone_are_said(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx", rows=ROWS)
    result = run(csxl_cmd, "check", path)
    assert result.stderr.splitlines()[-1].endswith("（Asia/Shanghai 时间的今天）计算")


@pytest.mark.parametrize("args, line", [
    (["refresh"], "Error: 缺少参数 'PATH'."),
    (["refresh", "--nope", "x.xlsx"], "Error: 没有这个选项 '--nope'。"),
    (["refrsh"], "Error: 没有这个命令 'refrsh'。 是不是 'refresh'？"),
])
def test_usage_errors_speak_chinese(csxl_cmd, args, line):
    result = run(csxl_cmd, *args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == line


def test_a_folder_or_a_missing_config_gets_a_chinese_line(csxl_cmd, tmp_path):
    folder = run(csxl_cmd, "refresh", tmp_path)
    assert (folder.returncode, folder.stderr.strip()) == (3, f"Error: 这是一个文件夹，不是工作簿：{tmp_path}（请给出 .xlsx 文件的路径）")
    path = build_template(tmp_path / "b.xlsx", rows=ROWS)
    config = run(csxl_cmd, "remind", path, "--config", tmp_path / "nope.toml")
    assert config.returncode == 2
    assert config.stderr.strip().splitlines()[-1] == f"Error: '--config' 的值无效：文件 '{tmp_path / 'nope.toml'}' 不存在。"


@pytest.mark.parametrize("name, content, says", [
    ("x.xls", None, "（内容其实是 .xlsx 工作簿，只是扩展名不对：请把文件改名为 x.xlsx）"),
    ("x.csv", b"a,b\n1,2\n", "（它是文本文件，例如 CSV：请在 Excel 中打开后另存为 .xlsx）"),
    ("x.xlsx", b"", "（这是一个空文件）"),
    ("x.xlsx", b"\xd0\xcf\x11\xe0" + bytes(600), "（它像是旧版 .xls 文件或设了密码的工作簿：请在 Excel 中取消密码，另存为 .xlsx）"),
])
def test_a_file_that_is_not_a_workbook_says_what_it_seems_to_be(csxl_cmd, tmp_path, name, content, says):
    path = tmp_path / name
    if content is None:
        path.write_bytes(build_template(tmp_path / "real.xlsx").read_bytes())
    else:
        path.write_bytes(content)
    result = run(csxl_cmd, "check", path)
    assert result.returncode == 3
    assert result.stderr.strip() == f"Error: 不是有效的 .xlsx 工作簿：{path}{says}"


@pytest.mark.parametrize("name", ["x.xls", "x.csv", "x.ods", "x"])
def test_init_refuses_a_name_that_is_not_xlsx(csxl_cmd, tmp_path, name):
    result = run(csxl_cmd, "init", tmp_path / name)
    assert (result.returncode, result.stderr.strip()) == (3, f"Error: 新台账的文件名要以 .xlsx 结尾：{tmp_path / name}（csxl 写的是 .xlsx 格式）")
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("text", ["张三", "138001", "粤b123", "lsvab", "c001", "粤B·12345", "粤B 12345", "138-0013-8000", "138 0013 8000"])
def test_search_by_name_phone_plate_vin_or_id(csxl_cmd, tmp_path, text):
    path = build_template(tmp_path / "b.xlsx", rows=ROWS)
    result = run(csxl_cmd, "search", path, text)
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["C001  张三  138****8000", "    粤B12345  LSVAB123456789012  朗逸"]


def test_search_without_match(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx", rows=ROWS)
    assert run(csxl_cmd, "search", path, "王五").stdout.strip() == "未找到"


def test_demo_builds_and_refreshes_a_workbook(csxl_cmd, tmp_path):
    result = run(csxl_cmd, "demo", "--dir", tmp_path / "d", "--today", "2026-11-24", "--customers", "60")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "d" / "演示台账.xlsx").exists()
    assert "待办" in result.stdout and "数据问题" in result.stdout


CARD_ROWS = {
    **ROWS,
    "services": [{"order_no": "W1", "vin": "LSVAB123456789012", "date_out": "2026-11-20", "kind": "保养", "amount": 680}],
    "visits": [{"visit_date": "2026-11-23", "customer_id": "C001", "vin": "LSVAB123456789012", "kind": "3DC", "order_no": "W1",
                "result": "成功", "overall": 9}],
    "complaints": [{"complaint_id": "T1", "received_date": "2026-11-21", "customer_id": "C001", "category": "配件价格"}],
}


def test_search_card_shows_the_whole_file(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx", rows=CARD_ROWS)
    result = run(csxl_cmd, "search", path, "粤B12345", "--card")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "C001  张三  138****8000",
        "  农历生日 否  拒收提醒 否",
        "车辆（1）",
        "  车牌号 粤B12345  车架号 LSVAB123456789012  车型 朗逸",
        "维修（1）",
        "  工单号 W1  车架号 LSVAB123456789012  交车日期 2026-11-20  类型 保养  金额 680",
        "回访（1）",
        "  回访日期 2026-11-23  回访类型 3DC  工单号 W1  结果 成功  总体满意度 9  需整改 否",
        "投诉（1）",
        "  投诉编号 T1  受理日期 2026-11-21  类别 配件价格",
        "消息（0）",
    ]


def test_search_card_asks_which_customer_when_several_match(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx", rows=ROWS)
    result = run(csxl_cmd, "search", path, "13", "--card")
    assert result.stdout.splitlines() == ["找到 2 位客户，请用客户编号、手机或车牌指定一位：", "  C001  张三  138****8000", "  C002  李四  139****9000"]


def test_search_by_date(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx", rows=CARD_ROWS)
    repairs = run(csxl_cmd, "search", path, "--from", "2026-11-01", "--to", "2026-11-30", "--by", "repair")
    assert repairs.stdout.splitlines() == ["2026-11-20  C001  张三  138****8000  粤B12345  LSVAB123456789012  W1 保养"]
    calls = run(csxl_cmd, "search", path, "--from", "2026-11-23", "--by", "visit")
    assert calls.stdout.splitlines() == ["2026-11-23  C001  张三  138****8000  粤B12345  LSVAB123456789012  3DC 成功"]
    assert run(csxl_cmd, "search", path, "--from", "2026-12-01", "--to", "2026-12-31").stdout.strip() == "未找到"


def test_search_caps_a_long_list(csxl_cmd, tmp_path):
    rows = {"customers": [{"customer_id": f"C{i:03d}", "name": f"客户{i}"} for i in range(25)]}
    path = build_template(tmp_path / "b.xlsx", rows=rows)
    lines = run(csxl_cmd, "search", path, "C0").stdout.splitlines()
    assert lines[-1] == "… 另有 5 位客户，请输入更多内容缩小范围"


def test_a_report_is_never_written_over_a_ledger_nor_into_a_missing_folder(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx", rows=CARD_ROWS)
    other = build_template(tmp_path / "另一个台账.xlsx", rows=CARD_ROWS, lang="en")
    kept = {p: p.read_bytes() for p in (path, other)}
    for out in (path, other):  # the ledger itself, and another one (in English)
        refused = run(csxl_cmd, "report", path, "--today", "2026-12-05", "-o", out)
        assert (refused.returncode, refused.stderr.strip()) == (
            3, f"Error: 这是客服台账，报表、回访单和投诉处理表都不会写在它上面：{out}（请用 -o 换一个文件名）")
    nowhere = tmp_path / "no-such-folder" / "月报.xlsx"
    failed = run(csxl_cmd, "report", path, "--today", "2026-12-05", "-o", nowhere)
    assert failed.returncode == 3 and failed.stderr.strip().startswith("Error: 无法写入工作簿（No such file or directory")
    assert {p: p.read_bytes() for p in kept} == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.xlsx", "另一个台账.xlsx"]  # no temp file, no half a report
    previous = tmp_path / "月报.xlsx"
    assert run(csxl_cmd, "report", path, "--today", "2026-12-05", "-o", previous).returncode == 0
    again = run(csxl_cmd, "report", path, "--today", "2026-12-05", "--month", "2026-10", "-o", previous)
    assert again.returncode == 0, again.stderr  # a report of that name is replaced, as it always was


def test_report_writes_the_monthly_workbook(csxl_cmd, tmp_path):
    path = build_template(tmp_path / "b.xlsx", rows=CARD_ROWS)
    result = run(csxl_cmd, "report", path, "--today", "2026-12-05")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == f"已写入 {tmp_path / '客服月报-2026-11.xlsx'}"
    assert lines[1].split() == ["7DC应回访", "0", "0", "0"]
    assert lines[3].split() == ["3DC应回访", "1", "0", "+1"]
    assert (tmp_path / "客服月报-2026-11.xlsx").exists()
    out = tmp_path / "mgmt.xlsx"
    assert run(csxl_cmd, "report", path, "--today", "2026-12-05", "--month", "2026-10", "-o", out).returncode == 0
    assert out.exists()
    bad = run(csxl_cmd, "report", path, "--today", "2026-12-05", "--month", "2027-01")
    assert (bad.returncode, bad.stderr.strip()) == (3, "Error: 月份应为 YYYY-MM，且不晚于今天所在的月份：2027-01")


def test_ctrl_c_is_one_line_and_exit_code_130(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from csxl import jobs
    from csxl.cli import cli

    path = build_template(tmp_path / "b.xlsx", rows=CARD_ROWS)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(jobs, "refresh", interrupted)
    result = CliRunner().invoke(cli, ["refresh", str(path), "--today", "2026-12-05"])
    assert result.exit_code == 130
    assert result.output.strip().splitlines()[-1] == "Error: 已中断（Ctrl-C）：已完成的部分保留，进行中的没有写入"


def test_remind_send_gives_ctrl_c_back_when_it_is_done(tmp_path):
    """While sending, Ctrl-C finishes the message under way and stops; once done, a process that goes on (a test
    run's worker, which later runs the DuckDB Ctrl-C test) must see Ctrl-C as it did before."""
    import datetime as dt
    import signal

    from click.testing import CliRunner

    from csxl.cli import cli

    path = build_template(tmp_path / "b.xlsx", rows={"customers": [
        {"customer_id": "C001", "name": "张三", "birthday": dt.date(1990, 11, 28), "email": "zhang@example.com"}]})
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    result = CliRunner().invoke(cli, ["remind", str(path), "--send", "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
