"""Start-up stays light: the command line (and every Excel click, a new Python each) imports no data library until a command needs it."""

import subprocess
import sys

import pytest

HEAVY = ("pandas", "pyarrow", "fastexcel", "openpyxl", "numpy", "xlsxwriter", "lxml")


@pytest.mark.parametrize("module", ["csxl", "csxl.cli"])
def test_importing_loads_no_data_library(module):
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


def test_help_and_a_usage_error_load_no_data_library():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom csxl.cli import cli\n"
        "CliRunner().invoke(cli, ['--help']); CliRunner().invoke(cli, ['refresh'])\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""
