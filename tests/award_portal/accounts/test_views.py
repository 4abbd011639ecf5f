import re

import pytest
from django.core import mail
from django.urls import reverse

from award_portal.accounts.enums import Role
from award_portal.accounts.models import User
from award_portal.audit.enums import Action, Outcome
from award_portal.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.integration

LOGIN = reverse("accounts:login")


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


@pytest.mark.django_db
def test_login_success_and_failure_and_logout_are_audited(client, expert):
    login(client, expert.username, "wrong-password", REMOTE_ADDR="10.1.2.3")
    failed = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert failed.outcome == Outcome.FAILURE
    assert failed.actor_label == expert.username
    assert failed.source_ip == "10.1.2.3"
    assert "wrong-password" not in str(failed.details)

    response = login(client, expert.username)
    assert response.status_code == 302 and response["Location"] == reverse("web:dashboard")
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=expert).count() == 1

    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(action=Action.LOGOUT, actor=expert).count() == 1


@pytest.mark.django_db
def test_login_is_refused_after_too_many_failures(client, expert, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, expert.username, "nope")
    response = login(client, expert.username)  # the right password, but too late
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()


@pytest.mark.django_db
def test_unconfirmed_applicant_is_told_to_confirm_not_that_the_password_is_wrong(client):
    UserFactory(username="pending", is_active=False, email_confirmed_at=None, role=Role.APPLICANT)
    response = login(client, "pending")
    assert "请先确认您的电子邮箱" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_registration_through_the_pages_then_confirmation_then_login(client):
    response = client.post(
        reverse("accounts:register"),
        {
            "kind": "individual",
            "display_name": "巴雅尔",
            "username": "bayar",
            "email": "bayar@example.invalid",
            "password1": "Grassland-Quality-9",
            "password2": "Grassland-Quality-9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="bayar")
    assert not user.is_active and user.applicant_kind == "individual"
    link = re.search(r"http://\S+", mail.outbox[-1].body).group(0)
    confirm = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert confirm.status_code == 302
    assert login(client, "bayar", "Grassland-Quality-9").status_code == 302
    dashboard = client.get(reverse("web:dashboard"))
    assert "个人申报" in dashboard.content.decode()


@pytest.mark.django_db
def test_registration_answers_bad_input_in_chinese_and_creates_nothing(client, applicant):
    response = client.post(
        reverse("accounts:register"),
        {
            "kind": "organisation",
            "display_name": "",
            "username": applicant.username,
            "email": "not-an-email",
            "password1": "12345678",
            "password2": "87654321",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "该用户名已被使用" in body
    assert "两次输入的密码不一致" in body
    assert User.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_password_reset_by_email_then_login_with_the_new_password(client, expert):
    client.post(reverse("accounts:password-reset"), {"email": expert.email})
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "Brand-new-Quality-1",
            "new_password2": "Brand-new-Quality-1",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=Action.PASSWORD_RESET, actor=expert).exists()
    assert login(client, expert.username, "Brand-new-Quality-1").status_code == 302


@pytest.mark.django_db
def test_password_change_is_audited(client, office):
    client.force_login(office)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-Quality-7",
            "new_password2": "Another-Quality-7",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED, actor=office).exists()


STAFF_PAGES = ["accounts:user-list", "accounts:user-create"]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", STAFF_PAGES)
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("office", 200),
        ("auditor", 403),
        ("expert", 403),
        ("agency", 403),
        ("working_group", 403),
        ("mobiliser", 403),
        ("applicant", 403),
        ("anonymous", 302),
    ],
)
def test_staff_account_pages_per_persona(client, persona, url_name, name, expected):
    user = persona(name)
    if user:
        client.force_login(user)
    assert client.get(reverse(url_name)).status_code == expected


@pytest.mark.django_db
def test_office_creates_staff_account_through_the_form(client, office):
    client.force_login(office)
    response = client.post(
        reverse("accounts:user-create"),
        {
            "role": "working_group",
            "working_group_position": "leader",
            "display_name": "副市长",
            "username": "vicemayor",
            "email": "vm@example.invalid",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="vicemayor")
    assert created.role == Role.WORKING_GROUP and created.working_group_position == "leader"


@pytest.mark.django_db
def test_non_office_cannot_deactivate_and_nothing_changes(client, auditor, expert):
    client.force_login(auditor)
    url = reverse("accounts:user-deactivate", args=[expert.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    expert.refresh_from_db()
    assert expert.is_active
    assert not AuditEvent.objects.filter(action=Action.DEACTIVATED).exists()


@pytest.mark.django_db
def test_deactivated_user_is_logged_out_at_the_next_request(client, office, expert):
    client.force_login(expert)
    assert client.get(reverse("web:dashboard")).status_code == 200
    office_client = client.__class__()
    office_client.force_login(office)
    office_client.post(reverse("accounts:user-deactivate", args=[expert.pk]))
    assert client.get(reverse("web:dashboard")).status_code == 302


@pytest.mark.django_db
def test_staff_list_query_count_is_constant(client, office, django_assert_max_num_queries):
    client.force_login(office)
    UserFactory(role=Role.EXPERT)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("accounts:user-list"))
    UserFactory.create_batch(30, role=Role.EXPERT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("accounts:user-list"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "allowed"),
    [("superuser", True), ("office", False), ("auditor", False), ("applicant", False)],
)
def test_admin_site_is_for_superusers_only(client, persona, name, allowed):
    client.force_login(persona(name))
    response = client.get("/admin/")
    assert (response.status_code == 200) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", "二连浩特新公司\r\nBcc: spy@example.invalid"),
        ("display_name", "二连浩特新公司\x07"),
        ("username", "newco\nadmin"),
    ],
)
def test_registration_refuses_line_breaks_in_one_line_fields(client, field, value):
    data = {
        "kind": "organisation",
        "display_name": "二连浩特新公司",
        "username": "newco",
        "email": "newco@example.invalid",
        "password1": "Quality-2026-erenhot",
        "password2": "Quality-2026-erenhot",
        field: value,
    }
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_staff_form_refuses_a_line_break_in_the_name(client, office):
    client.force_login(office)
    response = client.post(
        reverse("accounts:user-create"),
        {
            "role": "expert",
            "display_name": "李强\r\n",
            "username": "liqiang",
            "email": "lq@example.invalid",
        },
    )
    # a trailing line break is trimmed, one inside the name is refused
    assert response.status_code == 302
    assert User.objects.get(username="liqiang").display_name == "李强"
    response = client.post(
        reverse("accounts:user-create"),
        {
            "role": "expert",
            "display_name": "赵\n燕",
            "username": "zhaoyan",
            "email": "zy@example.invalid",
        },
    )
    assert "请在一行内填写，不要包含换行或控制字符。" in response.content.decode()
    assert not User.objects.filter(username="zhaoyan").exists()


@pytest.mark.django_db
def test_deactivation_asks_first_and_changes_nothing_until_confirmed(client, office, expert):
    client.force_login(office)
    url = reverse("accounts:user-deactivate", args=[expert.pk])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert expert.display_name in body and expert.username in body
    assert "该用户将无法登录" in body and "确认停用" in body and "取消" in body
    assert f'href="{reverse("accounts:user-list")}"' in body  # cancel goes back
    expert.refresh_from_db()
    assert expert.is_active
    assert not AuditEvent.objects.filter(action=Action.DEACTIVATED).exists()

    response = client.post(url, {"reason": "已退出专家库"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert not expert.is_active
    event = AuditEvent.objects.get(action=Action.DEACTIVATED)
    assert event.actor == office and event.details == {"reason": "已退出专家库"}


@pytest.mark.django_db
def test_the_list_links_to_the_confirmation_not_straight_to_deactivation(client, office, expert):
    client.force_login(office)
    body = client.get(reverse("accounts:user-list")).content.decode()
    assert reverse("accounts:user-deactivate", args=[expert.pk]) in body
    assert f'action="{reverse("accounts:user-deactivate", args=[expert.pk])}"' not in body


@pytest.mark.django_db
def test_the_office_cannot_open_its_own_deactivation(client, office):
    client.force_login(office)
    response = client.get(reverse("accounts:user-deactivate", args=[office.pk]), follow=True)
    assert "不能停用自己的账户" in response.content.decode()
    office.refresh_from_db()
    assert office.is_active


@pytest.mark.django_db
def test_applicants_have_no_deactivation_page(client, office, applicant):
    client.force_login(office)
    assert client.get(reverse("accounts:user-deactivate", args=[applicant.pk])).status_code == 404
    assert client.post(reverse("accounts:user-deactivate", args=[applicant.pk])).status_code == 404
    applicant.refresh_from_db()
    assert applicant.is_active


@pytest.mark.django_db
def test_reactivation_is_one_step_and_audited(client, office, expert):
    expert.is_active = False
    expert.save()
    client.force_login(office)
    client.post(reverse("accounts:user-reactivate", args=[expert.pk]))
    expert.refresh_from_db()
    assert expert.is_active
    assert AuditEvent.objects.filter(action=Action.REACTIVATED, actor=office).exists()
