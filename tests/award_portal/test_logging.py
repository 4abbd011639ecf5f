"""What `make run` prints for a refused request: one line, no traceback. A server error
keeps its traceback."""

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

LOGGERS = ["", "django", "django.request", "django.security", "django.server"]


@pytest.fixture
def log_output(settings):
    """Everything the configured handlers write, as `make run` shows it (DEBUG on)."""
    settings.DEBUG = True
    output = io.StringIO()
    swapped = []
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if type(handler) is logging.StreamHandler:
                swapped.append((handler, handler.setStream(output)))
    yield output
    for handler, stream in swapped:
        handler.setStream(stream)


def _lines(output: io.StringIO) -> list[str]:
    return [line for line in output.getvalue().splitlines() if line.strip()]


def test_a_page_not_found_is_one_line(client, log_output):
    assert client.get("/no-such-page/").status_code == 404
    lines = _lines(log_output)
    assert len(lines) == 1, lines
    assert "WARNING django.request Not Found: /no-such-page/" in lines[0]


def test_permission_denied_is_one_line_without_a_traceback(client, applicant, log_output):
    client.force_login(applicant)
    log_output.truncate(0)
    log_output.seek(0)
    assert client.get(reverse("web:system-status")).status_code == 403
    lines = _lines(log_output)
    assert len(lines) == 1, lines
    assert f"Forbidden (Permission denied): {reverse('web:system-status')}" in lines[0]
    assert "Traceback" not in log_output.getvalue()


def test_a_suspicious_operation_is_one_line(log_output):
    """Django logs a DisallowedHost twice (django.security and django.request): the
    first, which says why, is the one kept."""
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    lines = _lines(log_output)
    assert len(lines) == 1, lines
    assert "django.security.DisallowedHost Invalid HTTP_HOST header: 'evil.example'" in lines[0]
    assert "Traceback" not in log_output.getvalue()


def test_a_csrf_failure_is_one_line(log_output):
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    lines = _lines(log_output)
    assert len(lines) == 1, lines
    assert "Forbidden (CSRF cookie not set.): /accounts/login/" in lines[0]


def test_a_server_error_keeps_its_traceback(rf, log_output):
    request = rf.get("/broken/")
    try:
        raise RuntimeError("the database went away")
    except RuntimeError as error:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=error,
            extra={"status_code": 500, "request": request},
        )
    text = log_output.getvalue()
    assert "ERROR django.request Internal Server Error: /broken/" in text
    assert "Traceback" in text and "RuntimeError: the database went away" in text
    assert text.count("Internal Server Error") == 1


def test_runserver_leaves_a_refused_request_to_the_application_line(log_output):
    """runserver's own access line for a 4xx would be a second line for the request."""
    server = logging.getLogger("django.server")
    server.warning(
        '"%s" %s %s', "GET /no-such-page/ HTTP/1.1", "404", "179", extra={"status_code": 404}
    )
    server.info('"%s" %s %s', "GET / HTTP/1.1", "200", "5052", extra={"status_code": 200})
    lines = _lines(log_output)
    assert len(lines) == 1 and '"GET / HTTP/1.1" 200 5052' in lines[0], lines
