import pytest

from award_portal.privacy import mask

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "start", "end", "masked"),
    [
        ("152501198003151234", 3, 4, "152***********1234"),
        ("04797512345", 3, 2, "047******45"),
        # an e-mail address keeps its first two characters only: nothing of the end
        ("wang.fang@example.invalid", 2, 0, "wa" + "*" * 23),
        ("abc", 2, 2, "***"),
        ("", 3, 4, ""),
    ],
)
def test_only_the_ends_asked_for_are_shown(value, start, end, masked):
    assert mask(value, keep_start=start, keep_end=end) == masked
