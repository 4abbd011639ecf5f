"""``docs/traceability.md`` stays true: every article of the Measures from 1 to 34 has
exactly one row, each row has a known status, and every test id and path it lists exists.
Read from the sources, not run: it takes well under a second."""

import re
from pathlib import Path

import pytest

from tests.helpers import known_test_id

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "docs/traceability.md"
STATUSES = ("done", "partial", "not yet", "n/a")
ROW = re.compile(r"^\|\s*(\d+)\s*\|(.*)\|\s*$")
TEST_ID = re.compile(r"`(tests/[^`\s]+\.py::[^`\s]+)`")
PATH = re.compile(r"`((?:award_portal|applications|review|publicity|templates)/[^`\s]*)`")


def rows() -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            article = int(match.group(1))
            assert article not in found, f"article {article} is listed twice"
            found[article] = [cell.strip() for cell in match.group(2).split("|")]
    return found


def test_every_article_from_1_to_34_has_one_row_with_a_status():
    table = rows()
    assert sorted(table) == list(range(1, 35))
    for article, cells in table.items():
        assert len(cells) == 4, f"article {article}: what, where, tests, status"
        status = cells[-1]
        assert status.startswith(STATUSES), f"article {article}: status {status!r}"
        if status.startswith("partial"):
            assert status.startswith("partial: "), f"article {article}: say what is missing"
        if status.startswith(("done", "partial")):
            assert TEST_ID.search(cells[2]), f"article {article} is {status} without a test"


def test_every_listed_test_exists():
    listed = TEST_ID.findall(TABLE.read_text(encoding="utf-8"))
    assert len(listed) > 50  # the pattern still finds them
    assert [test_id for test_id in listed if not known_test_id(test_id)] == []


def test_every_listed_path_exists():
    listed = PATH.findall(TABLE.read_text(encoding="utf-8"))
    assert listed
    assert [path for path in listed if not (ROOT / path).exists()] == []
