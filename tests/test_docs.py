"""Every command is in the README, and the Quick start is the two commands CI runs."""

import re
from pathlib import Path

import pytest

from csxl.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command):
    assert f"`csxl {command}" in README


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    block = re.search(r"## Quick start\s+```sh\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert block == ["python3 scripts/dev.py demo", "python3 scripts/dev.py test"]
    assert block[1] in (ROOT / ".ci" / "run").read_text()
