"""Every user-facing string is translatable and translated into Chinese."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["award_portal", "applications", "review", "publicity", "templates", "locale"]


def untranslated(po: Path) -> str:
    found = []
    for flag in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(po)],
            capture_output=True,
            text=True,
            check=True,
        )
        found += [line for line in result.stdout.splitlines() if line.startswith("msgid ")]
    return "\n".join(line for line in found if line != 'msgid ""')


def test_committed_catalogue_has_every_string_translated():
    assert untranslated(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po") == ""


def test_catalogue_is_up_to_date_with_the_source(tmp_path):
    """makemessages on a copy of the source adds nothing that lacks a translation."""
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "-v", "0"],
        cwd=tmp_path,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_DATA_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(ROOT),
        },
    )
    missing = untranslated(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po")
    assert missing == "", f"run makemessages and translate:\n{missing}"
