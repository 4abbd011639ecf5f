"""Small helpers shared by tests (no test logic here)."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection


def database_url() -> str:
    """The URL of the test database this process is using right now, for a child process
    (a Celery worker, manage.py) that must see the test's data."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Worker:
    """A Celery worker process started by ``celery_worker``: its queue, its name, and
    (once stopped) what it printed."""

    queue: str
    name: str
    output: str = ""


@contextmanager
def celery_worker(queue: str = "", *, env: dict | None = None) -> Iterator[Worker]:
    """A real Celery worker in its own process, on the configured broker and the test's
    database, reading ``queue`` (by default a new queue only this test uses). On exit the
    worker is stopped and its output kept on the handle (and printed: pytest shows it only
    when the test fails)."""
    queue = queue or f"test-{uuid.uuid4().hex[:12]}"
    handle = Worker(queue=queue, name=f"{queue}@ci")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "award_portal",
            "worker",
            "-Q",
            queue,
            "-n",
            handle.name,
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(), "C_FORCE_ROOT": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield handle
    finally:
        process.terminate()
        try:
            handle.output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            handle.output, _ = process.communicate()
        print(handle.output)


def wait_until(done: Callable[[], bool], *, seconds: float = 60) -> bool:
    """Poll ``done`` every half second until it is true or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.5)
    return done()


def known_test_id(test_id: str) -> bool:
    """Whether ``tests/path.py::test_name`` (or ``::Class::test_name``; a parameter in
    brackets is ignored) names a test function that exists. Read from the source, not
    imported, so it is fast and has no side effects."""
    import ast
    from pathlib import Path

    path, _sep, name = test_id.partition("::")
    file = Path(__file__).resolve().parent.parent / path
    if not name or not file.is_file():
        return False
    *classes, function = name.split("[")[0].split("::")
    body = ast.parse(file.read_text(encoding="utf-8")).body
    for class_name in classes:
        found = [n for n in body if isinstance(n, ast.ClassDef) and n.name == class_name]
        if not found:
            return False
        body = found[0].body
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function
        for node in body
    )


# An identifier a Chinese page may show as it is: an e-mail address, a web address, a file
# name, a hash, a number with letters in it (2026-Z-003, YY-2026-0001, 额质奖〔2026〕3号).
_IDENTIFIER_PATTERNS = (
    r"[\w.+*-]+@[\w.-]+",  # e-mail address (also a masked one, zh*****@example.invalid)
    r"https?://\S+",
    r"[\w\-\u4e00-\u9fff]+\.(?:pdf|docx?|xlsx?|csv|png|jpe?g|zip|txt|ofd)\b",
    r"\b[0-9a-f]{16,}\b",  # a SHA-256 digest
    r"\b(?=[A-Z0-9-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)+\b",  # a number: 2026-Z-003, EHZC-2026-001
    # a certificate's verification number, which may hold no digit: AYQD-AMPK-QBCT-LSUC
    r"\b[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}\b",
)


def english_words_left(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The ASCII words of three letters or more that ``text`` shows, once identifiers
    (see ``_IDENTIFIER_PATTERNS``) and the words in ``allowed`` (e.g. user names) are
    taken out. A Chinese page should leave none."""
    import re

    for pattern in _IDENTIFIER_PATTERNS:
        text = re.sub(pattern, " ", text)
    tokens = re.findall(r"[A-Za-z0-9_][A-Za-z0-9_.'-]*", text)
    return [token for token in tokens if token not in allowed and re.search(r"[A-Za-z]{3,}", token)]


# Names of file formats a Chinese page writes as they are.
FILE_FORMATS = frozenset({"CSV", "Excel", "PDF"})

# Details the audit trail shows exactly as recorded, under a label that says so: the
# technical error of a failed archive build (错误信息（系统原文）) is evidence for whoever
# mends the worker, and a translation would lose it. Only these keys of these actions.
VERBATIM_DETAILS = frozenset({("publicity.archive_failed", "error")})


def _verbatim_words(event) -> set[str]:
    import re

    details = event.details if isinstance(event.details, dict) else {}
    return {
        word
        for action, key in VERBATIM_DETAILS
        if event.action == action and isinstance(details.get(key), str)
        for word in re.findall(r"[A-Za-z0-9_][A-Za-z0-9_.'-]*", details[key])
    }


def audit_english_left(events) -> list[tuple[str, list[str], str]]:
    """``(action, words, text)`` for each event whose action, details or actor, as the
    audit page and its export show them in Chinese, leave an English word. User names
    (also one typed at a failed log-in) and the ``VERBATIM_DETAILS`` are shown as they
    are."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from award_portal.audit.formatting import ACTOR_LABELS

    usernames = set(get_user_model().objects.values_list("username", flat=True))
    left = []
    with translation.override("zh-hans"):
        for event in events:
            parts = [str(event.action_label), event.details_text]
            if event.actor_label in ACTOR_LABELS:
                parts.append(event.actor_display)
            text = " | ".join(parts)
            allowed = usernames | {event.actor_label} | FILE_FORMATS | _verbatim_words(event)
            words = english_words_left(text, allowed)
            if words:
                left.append((event.action, words, text))
    return left


def links_that_refuse(client, html: str) -> list[tuple[str, int]]:
    """``(url, status)`` for each link in the page's main part that the client's user
    cannot open (403 or 404): a page shows a link only to whom may open it. Links that
    leave the site, log out or switch the language are not followed."""
    import re

    main = re.search(r"<main.*?</main>", html, re.S)
    hrefs = re.findall(r'<a [^>]*href="(/[^"#?]*)', main.group(0) if main else html)
    refused = []
    for href in dict.fromkeys(hrefs):
        if "logout" in href or href.startswith("/i18n/"):
            continue
        code = client.get(href).status_code
        if code in (403, 404):
            refused.append((href, code))
    return refused


def pdf_text(body: bytes) -> str:
    """The text of a PDF, its lines joined."""
    import io

    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).replace("\n", "")


def post_arriving(client, url: str, body: bytes, content_type: str, stream):
    """POST ``body`` with its whole length declared while the server reads ``stream``:
    what actually arrives (a cut-off copy, a connection reset midway)."""
    return client.generic(
        "POST",
        url,
        b"",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": stream},
    )
