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
