"""The command as a script calls it: real process, real exit status."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import database_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]


def workdays(*args):
    env = {**os.environ, "DATABASE_URL": database_url()}
    return subprocess.run(
        [sys.executable, "manage.py", "workdays", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_known_date_prints_the_iso_date_and_exits_zero():
    result = workdays("add", "2004-09-30", "1")
    assert (result.returncode, result.stdout.strip()) == (0, "2004-10-08")


def test_unknown_year_exits_non_zero_with_the_clear_message():
    result = workdays("add", "2026-12-20", "10")
    assert result.returncode == 2
    assert "2027年放假安排尚未公布/录入" in result.stderr
    assert "2027 holiday schedule has not been published" in result.stderr
