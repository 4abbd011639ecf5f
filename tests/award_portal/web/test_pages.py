import pytest
from django.urls import reverse

from award_portal.accounts.enums import Role
from award_portal.web.preferences import ELDERLY_COOKIE, FONT_COOKIE

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_home_is_chinese_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in body
    assert "二连浩特市市长质量奖" in body


def test_switching_to_english_and_back(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()
    assert "Erenhot Mayor's Quality Award" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "二连浩特市市长质量奖" in client.get("/").content.decode()


def test_font_size_and_elderly_mode_persist_in_cookies(client):
    response = client.post(reverse("web:preferences"), {"font_size": "larger", "next": "/"})
    assert response.cookies[FONT_COOKIE].value == "larger"
    client.post(reverse("web:preferences"), {"elderly": "1", "next": "/"})
    body = client.get("/").content.decode()
    assert 'class="font-larger elderly"' in body


def test_preferences_ignore_bad_values_and_foreign_redirects(client):
    response = client.post(
        reverse("web:preferences"), {"font_size": "huge", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert FONT_COOKIE not in response.cookies
    assert ELDERLY_COOKIE not in response.cookies


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_layout_has_skip_link_landmarks_and_no_cdn(client):
    body = client.get("/").content.decode()
    for needle in [
        'class="skip-link" href="#main"',
        "<header",
        "<nav",
        '<main id="main"',
        "<footer",
    ]:
        assert needle in body
    assert "//cdn" not in body and "https://" not in body


DASHBOARD_HEADINGS = {
    "office": "协调办公室",
    "auditor": "纪检监督",
    "agency": "评审机构",
    "expert": "评审专家",
    "working_group": "专项工作组",
    "mobiliser": "动员部门",
    "applicant": "申报组织",
}


@pytest.mark.parametrize(("name", "heading"), DASHBOARD_HEADINGS.items())
def test_each_role_lands_on_its_own_dashboard(client, persona, name, heading):
    user = persona(name)
    client.force_login(user)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert f"<h1>{heading}" in response.content.decode()


def test_dashboard_asks_for_log_in(client):
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("office", 200),
        ("auditor", 403),
        ("expert", 403),
        ("applicant", 403),
        ("mobiliser", 403),
        ("anonymous", 302),
    ],
)
def test_system_status_per_persona(client, persona, name, expected):
    user = persona(name)
    if user:
        client.force_login(user)
    assert client.get(reverse("web:system-status")).status_code == expected


def test_navigation_follows_the_role(client, office, auditor, applicant):
    client.force_login(office)
    office_page = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("accounts:user-list") in office_page
    assert reverse("audit:auditevent-list") in office_page
    client.force_login(auditor)
    auditor_page = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("audit:auditevent-list") in auditor_page
    assert reverse("accounts:user-list") not in auditor_page
    client.force_login(applicant)
    applicant_page = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("audit:auditevent-list") not in applicant_page
    assert applicant.role == Role.APPLICANT


def test_healthz_answers_ok(client):
    assert client.get("/healthz").content == b"ok"


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
