import re

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError

from award_portal.accounts.enums import ApplicantKind, Role, WorkingGroupPosition
from award_portal.accounts.models import User
from award_portal.accounts.services import (
    account_confirm_email,
    account_set_active,
    applicant_register,
    staff_account_create,
)
from award_portal.accounts.tokens import make_confirmation_token
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def register(**overrides):
    data = {
        "username": "newco",
        "email": "Contact@NewCo.example.invalid",
        "password": "Quality-2026-erenhot",
        "display_name": "二连浩特新公司",
        "kind": ApplicantKind.ORGANISATION,
    }
    return applicant_register(**{**data, **overrides})


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_applicant_register_creates_inactive_applicant_and_mails_a_link():
    user = register()
    assert user.is_active is False
    assert user.role == Role.APPLICANT
    assert user.applicant_kind == ApplicantKind.ORGANISATION
    assert AuditEvent.objects.filter(action=Action.REGISTERED, target_id=str(user.pk)).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Contact@NewCo.example.invalid"]
    assert "/accounts/confirm/" in link_in(mail.outbox[0])


def test_applicant_register_refuses_a_taken_email_in_any_case():
    register()
    with pytest.raises(ValidationError):
        register(username="other", email="contact@newco.EXAMPLE.invalid")
    assert User.objects.count() == 1


def test_confirm_email_activates_once_and_audits_once():
    user = register()
    token = make_confirmation_token(user)
    account_confirm_email(token=token)
    account_confirm_email(token=token)  # a second click changes nothing
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    assert AuditEvent.objects.filter(action=Action.EMAIL_CONFIRMED).count() == 1


def test_confirm_email_rejects_a_forged_token_and_changes_nothing():
    user = register()
    with pytest.raises(ValidationError):
        account_confirm_email(token=make_confirmation_token(user) + "x")
    user.refresh_from_db()
    assert user.is_active is False


def test_confirm_email_rejects_an_expired_token(settings):
    user = register()
    token = make_confirmation_token(user)
    settings.ACCOUNT_CONFIRMATION_MAX_AGE = -1
    with pytest.raises(ValidationError, match="已过期"):
        account_confirm_email(token=token)
    user.refresh_from_db()
    assert user.is_active is False


def test_confirm_email_rejects_a_link_for_an_old_address():
    user = register()
    token = make_confirmation_token(user)
    User.objects.filter(pk=user.pk).update(email="changed@example.invalid")
    with pytest.raises(ValidationError):
        account_confirm_email(token=token)


def test_token_is_signed_not_guessable():
    user = register()
    with pytest.raises(signing.BadSignature):
        signing.loads(make_confirmation_token(user), salt="another-salt")


def test_office_creates_a_staff_account_with_no_password_and_a_set_password_link(office):
    user = staff_account_create(
        actor=office,
        username="expert9",
        email="expert9@example.invalid",
        display_name="专家 九",
        role=Role.EXPERT,
    )
    assert user.role == Role.EXPERT
    assert not user.has_usable_password()
    assert user.is_active
    event = AuditEvent.objects.get(action=Action.STAFF_CREATED)
    assert event.actor == office and event.details["role"] == "expert"
    assert "/accounts/password/reset/" in link_in(mail.outbox[-1])


def test_working_group_account_needs_a_position(office):
    with pytest.raises(ValidationError):
        staff_account_create(
            actor=office,
            username="wg9",
            email="wg9@example.invalid",
            display_name="成员",
            role=Role.WORKING_GROUP,
        )
    user = staff_account_create(
        actor=office,
        username="wg9",
        email="wg9@example.invalid",
        display_name="成员",
        role=Role.WORKING_GROUP,
        working_group_position=WorkingGroupPosition.DEPUTY,
    )
    assert user.working_group_position == WorkingGroupPosition.DEPUTY


@pytest.mark.parametrize("name", ["auditor", "expert", "applicant", "mobiliser"])
def test_only_the_office_creates_staff_accounts(persona, name):
    actor = persona(name)
    before = User.objects.count()
    with pytest.raises(PermissionDenied):
        staff_account_create(
            actor=actor,
            username="sneaky",
            email="s@example.invalid",
            display_name="x",
            role=Role.OFFICE,
        )
    assert User.objects.count() == before


def test_office_cannot_create_applicant_accounts(office):
    with pytest.raises(ValidationError):
        staff_account_create(
            actor=office,
            username="fake",
            email="f@example.invalid",
            display_name="x",
            role=Role.APPLICANT,
        )
    assert not User.objects.filter(username="fake").exists()


def test_deactivate_and_reactivate_are_audited(office, expert):
    account_set_active(actor=office, user=expert, active=False)
    expert.refresh_from_db()
    assert expert.is_active is False
    account_set_active(actor=office, user=expert, active=True)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == [Action.DEACTIVATED, Action.REACTIVATED]


def test_office_cannot_deactivate_itself_or_applicants(office, applicant):
    with pytest.raises(ValidationError):
        account_set_active(actor=office, user=office, active=False)
    with pytest.raises(PermissionDenied):
        account_set_active(actor=office, user=applicant, active=False)
    office.refresh_from_db()
    applicant.refresh_from_db()
    assert office.is_active and applicant.is_active


def test_the_database_decides_a_race_the_early_check_missed(office):
    """On PostgreSQL two requests can both pass the availability check; the unique
    constraints then refuse the second insert, and the service turns that into the
    form's message instead of a server error."""
    from award_portal.accounts.services import _insert

    late = User(username="OFFICE_CLERK", email="late@example.invalid", display_name="迟到")
    with pytest.raises(ValidationError) as caught:
        _insert(late)
    assert caught.value.message_dict == {"username": ["该用户名已被使用，请换一个。"]}
    late = User(username="late", email=office.email.upper(), display_name="迟到")
    with pytest.raises(ValidationError) as caught:
        _insert(late)
    assert caught.value.message_dict == {"email": ["该电子邮箱已注册过账户。"]}
    assert User.objects.count() == 1


@pytest.mark.parametrize("field", ["display_name", "username"], ids=["display name", "user name"])
@pytest.mark.parametrize("bad", ["Zhang\r\nBcc: x@example.invalid", "Zhang\x00", "Zhang\u2028Wei"])
def test_services_refuse_line_breaks_and_control_characters(office, field, bad):
    with pytest.raises(ValidationError) as caught:
        staff_account_create(
            actor=office,
            **{
                "username": "zhang",
                "email": "zhang@example.invalid",
                "display_name": "张",
                "role": Role.EXPERT,
                field: bad,
            },
        )
    assert field in caught.value.message_dict
    assert User.objects.count() == 1


def test_names_are_stored_normalised_and_stripped(office):
    decomposed = "Zoe\u0301 Chen"  # e + combining acute accent
    user = register(display_name=f"  {decomposed}  ", username=" newco ")
    assert user.display_name == "Zoé Chen" and user.username == "newco"


def test_account_emails_greet_the_person_and_end_with_the_office_signature(office, settings):
    settings.PORTAL_OFFICE_PHONE = "0479-7512345"
    staff_account_create(
        actor=office,
        username="zhangsan",
        email="zhangsan@example.invalid",
        display_name="张三",
        role=Role.EXPERT,
    )
    register()
    welcome, confirm = mail.outbox
    assert welcome.subject == "二连浩特市市长质量奖：您的账户"
    assert welcome.body.startswith("尊敬的张三：\n")
    assert "角色为“评审专家”，用户名为zhangsan。" in welcome.body
    assert confirm.subject == "二连浩特市市长质量奖：请确认您的电子邮箱"
    assert confirm.body.startswith("尊敬的二连浩特新公司：\n")
    for message in (welcome, confirm):
        assert "本邮件由系统自动发送，请勿直接回复。" in message.body
        assert message.body.rstrip().endswith(
            "二连浩特市市长质量奖评审专项工作协调办公室\n"
            "地址：二连浩特市市场监督管理局\n"
            "电话：0479-7512345\n"
            "电子邮箱：office@example.invalid\n"
            "办公时间：工作日8:30—12:00，14:30—17:30"
        )
        assert "&amp;" not in message.body


def test_an_ampersand_in_a_name_is_not_html_escaped_in_the_email():
    register(display_name="二连浩特市A&B物流有限公司")
    assert mail.outbox[0].body.startswith("尊敬的二连浩特市A&B物流有限公司：")


def test_deactivation_keeps_the_reason_in_the_audit_trail(office, expert):
    account_set_active(actor=office, user=expert, active=False, reason="已退出专家库")
    event = AuditEvent.objects.get(action=Action.DEACTIVATED)
    assert event.actor == office and event.target_id == str(expert.pk)
    assert event.details == {"reason": "已退出专家库"}
