"""Database ids from what people send. ``<id:pk>`` in a path is at most 18 digits, so a
huge number in a URL is a 404 like any unknown id, never an integer overflow in the
database; ``id_from_input`` does the same for a query string or a form field."""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")


def id_from_input(value) -> int | None:
    """A database id from a query string or a form: None unless ASCII digits that fit a
    database integer. ``str.isdigit`` alone accepts "²" and "１", which ``int`` then
    refuses or misreads; a huge or non-numeric value is simply no id, never an error."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
