"""A request whose body was cut off before its declared ``Content-Length`` arrived is
refused with a clear page and changes nothing (issue 9, point 11).

A browser drops a request mid-upload when a second click cancels the first submission or
the connection breaks. The server reads what arrived; Django would parse it as a whole
form, with the fields after the cut missing. A double-clicked comment was once filed
without the evidence file its author attached. Here each request is sent as such a
browser sends it: the whole length declared, only the first bytes arriving.
"""

import io
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from applications.models import DossierFile
from award_portal.audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.factories.applications import pdf_bytes
from tests.helpers import post_arriving

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

FORM = "application/x-www-form-urlencoded"


def cut_post(client, url, body: bytes, content_type: str, *, keep: int):
    """POST ``body`` with its whole length declared but only its first ``keep`` bytes
    arriving, as when the browser drops the connection mid-upload."""
    assert 0 < keep < len(body)
    return post_arriving(client, url, body, content_type, io.BytesIO(body[:keep]))


def upload_body(title="质量奖申报证明材料") -> bytes:
    upload = SimpleUploadedFile("证明.pdf", pdf_bytes(), content_type="application/pdf")
    return encode_multipart(BOUNDARY, {"kind": "evidence", "title": title, "upload": upload})


def test_a_file_cut_off_mid_upload_is_refused_and_nothing_is_stored(client, applicant, org_dossier):
    client.force_login(applicant)
    url = f"/dossiers/{org_dossier.pk}/files/"
    body = upload_body()
    events = AuditEvent.objects.count()
    response = cut_post(client, url, body, MULTIPART_CONTENT, keep=len(body) - 300)
    assert response.status_code == 400
    page = response.content.decode()
    assert "您提交的内容未完整送达" in page and "本次提交未作任何保存" in page
    assert "请返回填写页面重新提交" in page
    assert not DossierFile.objects.filter(title="质量奖申报证明材料").exists()
    assert AuditEvent.objects.count() == events
    # the same body arriving whole is taken: the cut was the only fault
    whole = client.generic("POST", url, body, content_type=MULTIPART_CONTENT)
    assert whole.status_code == 302
    assert DossierFile.objects.filter(title="质量奖申报证明材料").count() == 1


@pytest.mark.parametrize("where", ["in the title", "between the title and the file"])
def test_a_form_cut_before_its_file_is_refused(client, applicant, org_dossier, where):
    client.force_login(applicant)
    body = upload_body()
    title = "质量奖申报证明材料".encode()
    keep = body.index(title) + 6 if where == "in the title" else body.index(b'name="upload"') - 60
    response = cut_post(
        client, f"/dossiers/{org_dossier.pk}/files/", body, MULTIPART_CONTENT, keep=keep
    )
    assert response.status_code == 400
    assert not DossierFile.objects.filter(title__startswith="质量奖").exists()


def test_a_log_in_cut_off_is_refused_and_counts_as_no_attempt(client, office):
    body = urlencode({"username": office.username, "password": PASSWORD, "next": "/"}).encode()
    response = cut_post(client, "/accounts/login/", body, FORM, keep=len(body) - 5)
    assert response.status_code == 400
    assert "您提交的内容未完整送达" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.exists()  # neither a log-in nor a failure to count


def test_the_page_speaks_the_visitors_language(client, office):
    client.cookies["django_language"] = "en"
    body = urlencode({"username": office.username, "password": PASSWORD}).encode()
    response = cut_post(client, "/accounts/login/", body, FORM, keep=10)
    assert response.status_code == 400
    assert "What you sent did not arrive in full" in response.content.decode()


class ResetMidway(io.BytesIO):
    """A connection the client resets after ``keep`` bytes (gunicorn's ``recv`` raises)."""

    def __init__(self, data: bytes, keep: int):
        super().__init__(data[:keep])

    def read(self, size=-1):
        chunk = super().read(size)
        if not chunk:
            raise ConnectionResetError(104, "Connection reset by peer")
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        if not line:
            raise ConnectionResetError(104, "Connection reset by peer")
        return line


@pytest.mark.parametrize("kind", ["form", "multipart"])
def test_a_connection_reset_mid_body_is_the_same_page_never_a_500(
    client, applicant, org_dossier, kind
):
    client.force_login(applicant)
    if kind == "form":
        url, content_type = "/accounts/login/", FORM
        body = urlencode({"username": "org_a", "password": PASSWORD}).encode()
    else:
        url, content_type = f"/dossiers/{org_dossier.pk}/files/", MULTIPART_CONTENT
        body = upload_body()
    response = post_arriving(client, url, body, content_type, ResetMidway(body, len(body) // 2))
    assert response.status_code == 400
    assert "您提交的内容未完整送达" in response.content.decode()
    assert not DossierFile.objects.filter(title__startswith="质量奖").exists()


def test_a_whole_multipart_body_of_another_method_is_not_taken_for_a_cut_one(
    client, applicant, org_dossier
):
    """Django parses a multipart body for a POST only: a whole PUT reaches the view
    (which does not take it: 405), not the cut-off page."""
    client.force_login(applicant)
    response = client.generic(
        "PUT", f"/dossiers/{org_dossier.pk}/files/", upload_body(), content_type=MULTIPART_CONTENT
    )
    assert response.status_code == 405


def test_a_whole_body_and_a_bodiless_post_pass_untouched(client, office):
    body = urlencode({"username": office.username, "password": PASSWORD, "next": "/"}).encode()
    assert client.generic("POST", "/accounts/login/", body, content_type=FORM).status_code == 302
    assert "_auth_user_id" in client.session
    assert client.post("/accounts/logout/").status_code in (200, 302)


def test_a_connection_closed_mid_upload_on_a_real_server(live_server, transactional_db, office):
    """The same over a socket to a running server: the browser sends the headers and
    part of the body, then stops sending (its cancelled first click)."""
    import http.client
    import re
    import socket
    from http.cookies import SimpleCookie
    from urllib.parse import urlsplit

    host, port = urlsplit(live_server.url).hostname, urlsplit(live_server.url).port
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("GET", "/accounts/login/")
    first = connection.getresponse()
    cookie = SimpleCookie(first.getheader("Set-Cookie"))["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.read().decode())[1]
    connection.close()
    body = urlencode(
        {"csrfmiddlewaretoken": token, "username": office.username, "password": PASSWORD}
    ).encode()
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\n"
            + f"Host: {host}:{port}\r\nCookie: csrftoken={cookie}\r\n".encode()
            + f"Content-Type: {FORM}\r\nContent-Length: {len(body)}\r\n".encode()
            + f"Referer: {live_server.url}/accounts/login/\r\n\r\n".encode()
            + body[: len(body) - 8]
        )
        sock.shutdown(socket.SHUT_WR)  # nothing more will come
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert "您提交的内容未完整送达" in answer.decode()
    assert not AuditEvent.objects.exists()  # neither a log-in nor a failure to count
