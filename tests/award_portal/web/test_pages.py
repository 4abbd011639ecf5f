import pytest
from django.urls import reverse

from award_portal.accounts.enums import Role
from award_portal.web.preferences import ELDERLY_COOKIE, FONT_COOKIE

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_home_is_chinese_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans" ' in body
    assert "二连浩特市市长质量奖" in body


def test_switching_to_english_and_back(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en" ' in client.get("/").content.decode()
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


OFFICE_CONTACT = {
    "PORTAL_OFFICE_NAME": "二连浩特市市长质量奖评审专项工作协调办公室（测试）",
    "PORTAL_OFFICE_ADDRESS": "二连浩特市前进路88号",
    "PORTAL_OFFICE_PHONE": "0479-7512345",
    "PORTAL_OFFICE_EMAIL": "zhiliangjiang@erlianhaote.example",
    "PORTAL_OFFICE_HOURS": "工作日9:00—12:00",
}


@pytest.mark.parametrize("name", ["anonymous", "applicant", "office"])
def test_every_page_ends_with_the_offices_contact(client, settings, persona, name):
    for key, value in OFFICE_CONTACT.items():
        setattr(settings, key, value)
    user = persona(name)
    if user:
        client.force_login(user)
    pages = ["/", reverse("accounts:login"), reverse("applications:call-list"), "/no-such-page/"]
    if user:
        pages.append(reverse("web:dashboard"))
    for path in pages:
        footer = (
            client.get(path, follow=True).content.decode().split('<footer class="site-footer">')[1]
        )
        for expected in [
            "主办单位：二连浩特市市长质量奖评审专项工作协调办公室（测试）",
            "地址：二连浩特市前进路88号",
            '电话：<a href="tel:0479-7512345">0479-7512345</a>',
            "电子邮箱：<a href="
            '"mailto:zhiliangjiang@erlianhaote.example">zhiliangjiang@erlianhaote.example</a>',
            "办公时间：工作日9:00—12:00",
        ]:
            assert expected in footer, (path, expected)


def test_the_footer_speaks_english_after_the_switch(client, settings):
    settings.PORTAL_OFFICE_ADDRESS = "二连浩特市前进路88号"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
    assert "Address: 二连浩特市前进路88号" in footer
    assert "Telephone: <a" in footer and "E-mail: <a" in footer and "Office hours: " in footer
    assert "：" not in footer.replace(settings.PORTAL_OFFICE_HOURS, "")


@pytest.mark.parametrize("with_dossier", [False, True])
@pytest.mark.parametrize("name", [*DASHBOARD_HEADINGS, "other_applicant", "person_user"])
def test_dashboards_hold_no_placeholder_and_only_links_that_open(
    client, persona, request, cycle, name, with_dossier
):
    """Every role's dashboard, during an open call, with and without an application:
    real content or nothing (no "这里将会显示"), and no link its reader cannot open."""
    from tests.factories.applications import individual_for, organisation_for, ready_dossier
    from tests.helpers import links_that_refuse

    user = request.getfixturevalue(name) if name == "person_user" else persona(name)
    if with_dossier and user.role == Role.APPLICANT:
        if user.applicant_kind == "organisation":
            organisation_for(user)
        else:
            individual_for(user)
        ready_dossier(user, cycle)
    client.force_login(user)
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "这里将会显示" not in page and "将显示的内容" not in page
    assert links_that_refuse(client, page) == []
