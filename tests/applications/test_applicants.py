import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from applications.models import Individual, Invitation, MemberInvitation, Organisation
from applications.services.applicants import (
    individual_reveal_id,
    member_invitation_answer,
    member_invite,
    organisation_of,
)
from applications.services.mobilisers import invitation_send, mobiliser_set_scope
from award_portal.accounts.enums import ApplicantKind
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from tests.factories import ApplicantFactory
from tests.factories.applications import id_number, individual_for, organisation_for, uscc

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_organisation_creator_becomes_its_administrator(applicant):
    organisation = organisation_for(applicant)
    assert organisation_of(applicant) == organisation
    assert organisation.years.count() == 3
    assert AuditEvent.objects.filter(action=Action.PROFILE_SAVED, actor=applicant).exists()


def test_a_wrong_or_taken_credit_code_is_refused(applicant):
    with pytest.raises(ValidationError, match="校验码"):
        organisation_for(applicant, uscc="91350100M000100Y44")
    code = uscc(4242)
    organisation_for(applicant, uscc=code)
    other = ApplicantFactory(username="copycat")
    with pytest.raises(ValidationError, match="已注册"):
        organisation_for(other, uscc=code)
    assert Organisation.objects.count() == 1


def test_a_profile_edit_is_audited_with_old_and_new_values_personal_data_masked(applicant):
    from datetime import date

    from applications.services.applicants import organisation_save

    organisation = organisation_for(applicant)
    data = {
        field: getattr(organisation, field)
        for field in (
            "name",
            "uscc",
            "district",
            "legal_representative",
            "founded_on",
            "sector",
            "ownership",
            "for_profit",
            "contact_name",
            "contact_phone",
            "contact_email",
        )
    }
    data |= {
        "legal_representative": "李四",
        "founded_on": date(2010, 1, 1),
        "contact_phone": "13900001234",
    }
    organisation_save(actor=applicant, data=data, years=[(2025, 10000, -5)])
    event = AuditEvent.objects.filter(action=Action.PROFILE_SAVED).order_by("-id").first()
    changes = event.details["changes"]
    assert changes["legal_representative"] == ["王建国", "李四"]
    assert changes["founded_on"] == ["2015-01-01", "2010-01-01"]
    assert changes["contact_phone"] == ["047******45", "139******34"]
    assert "13900001234" not in str(event.details)
    assert changes["year_2025"] == ["10000.00/500.00", "10000/-5"]


def test_an_individual_names_the_organisation_it_leads_by_credit_code(person_user, applicant):
    led = organisation_for(applicant)
    person = individual_for(person_user)
    from applications.services.applicants import individual_save

    data = {
        "full_name": person.full_name,
        "employer": led.name,
        "position": "总经理",
        "quality_work_since": 2012,
        "top_manager_of_uscc": " " + led.uscc.lower() + " ",
        "top_manager_of_name": led.name,
        "phone": person.phone,
        "email": person.email,
    }
    person = individual_save(actor=person_user, data=data, id_number=None)
    assert person.top_manager_of == led and person.top_manager_of_uscc == led.uscc
    with pytest.raises(ValidationError, match="校验码"):
        individual_save(
            actor=person_user,
            data={**data, "top_manager_of_uscc": "91350100M000100Y44"},
            id_number=None,
        )
    assert Individual.objects.get(pk=person.pk).top_manager_of_uscc == led.uscc


def test_a_colleague_is_bound_only_after_accepting_the_invitation(
    org_dossier, applicant, django_capture_on_commit_callbacks
):
    colleague = ApplicantFactory(username="colleague")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = member_invite(
            actor=applicant, organisation=org_dossier.organisation, email=colleague.email.upper()
        )
    assert mail.outbox[-1].to == [colleague.email.upper()]
    assert invitation.token in mail.outbox[-1].body
    fresh = type(colleague).objects.get(pk=colleague.pk)
    assert not fresh.has_perm("applications.view_dossier", org_dossier)
    assert organisation_of(fresh) is None
    member_invitation_answer(actor=fresh, invitation=invitation, accept=True)
    fresh = type(colleague).objects.get(pk=colleague.pk)  # fresh permission cache
    assert fresh.has_perm("applications.change_dossier", org_dossier)
    assert AuditEvent.objects.filter(action=Action.MEMBER_JOINED, actor=fresh).exists()


def test_an_invitation_can_be_declined_and_answered_only_by_its_addressee(org_dossier, applicant):
    colleague = ApplicantFactory(username="colleague")
    stranger = ApplicantFactory(username="stranger")
    invitation = member_invite(
        actor=applicant, organisation=org_dossier.organisation, email=colleague.email
    )
    with pytest.raises(PermissionDenied):
        member_invitation_answer(actor=stranger, invitation=invitation, accept=True)
    member_invitation_answer(actor=colleague, invitation=invitation, accept=False)
    with pytest.raises(ValidationError, match="已答复"):
        member_invitation_answer(actor=colleague, invitation=invitation, accept=True)
    assert organisation_of(colleague) is None


def test_the_same_member_invitation_twice_is_refused(org_dossier, applicant):
    member_invite(actor=applicant, organisation=org_dossier.organisation, email="x@example.invalid")
    with pytest.raises(ValidationError, match="等待对方答复"):
        member_invite(
            actor=applicant, organisation=org_dossier.organisation, email="X@example.invalid"
        )
    assert MemberInvitation.objects.count() == 1


def test_only_the_administrator_invites_members(org_dossier, applicant):
    colleague = ApplicantFactory(username="colleague")
    invitation = member_invite(
        actor=applicant, organisation=org_dossier.organisation, email=colleague.email
    )
    member_invitation_answer(actor=colleague, invitation=invitation, accept=True)
    with pytest.raises(PermissionDenied):
        member_invite(
            actor=colleague, organisation=org_dossier.organisation, email="s@example.invalid"
        )
    assert MemberInvitation.objects.count() == 1


def test_the_invitation_page_is_404_for_anybody_but_its_addressee(client, org_dossier, applicant):
    colleague = ApplicantFactory(username="colleague")
    invitation = member_invite(
        actor=applicant, organisation=org_dossier.organisation, email=colleague.email
    )
    client.force_login(ApplicantFactory(username="nosy"))
    assert client.get(f"/apply/invitations/{invitation.token}/").status_code == 404
    client.force_login(colleague)
    page = client.get(f"/apply/invitations/{invitation.token}/").content.decode()
    assert org_dossier.organisation.name in page
    client.post(f"/apply/invitations/{invitation.token}/", {"answer": "accept"})
    assert organisation_of(colleague) == org_dossier.organisation


def test_id_number_is_encrypted_at_rest_and_masked(person_user):
    person = individual_for(person_user)
    number = id_number()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM applications_individual WHERE id = %s", [person.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert number not in row
    assert person.id_number_masked == number[:3] + "*" * 11 + number[-4:]
    assert Individual.objects.get(pk=person.pk).id_number() == number


def test_the_same_id_number_cannot_register_twice(person_user):
    individual_for(person_user)
    twin = ApplicantFactory(username="twin", applicant_kind=ApplicantKind.INDIVIDUAL)
    with pytest.raises(ValidationError, match="已被其他账户"):
        individual_for(twin)


def test_the_same_id_number_in_full_width_digits_cannot_register_twice(person_user):
    from applications.services.applicants import individual_save

    individual_for(person_user)
    twin = ApplicantFactory(username="twin", applicant_kind=ApplicantKind.INDIVIDUAL)
    wide = id_number().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    with pytest.raises(ValidationError, match="已被其他账户"):
        individual_save(
            actor=twin,
            id_number=wide,
            data={
                "full_name": "孪生",
                "employer": "某公司",
                "position": "员工",
                "quality_work_since": 2012,
                "top_manager_of_uscc": "",
                "top_manager_of_name": "",
                "phone": "13900000000",
                "email": twin.email,
            },
        )
    assert Individual.objects.count() == 1


def test_only_the_office_reveals_an_id_number_and_each_reveal_is_logged(
    person_user, office, auditor
):
    person = individual_for(person_user)
    assert individual_reveal_id(actor=office, individual=person) == id_number()
    with pytest.raises(PermissionDenied):
        individual_reveal_id(actor=auditor, individual=person)
    with pytest.raises(PermissionDenied):
        individual_reveal_id(actor=person_user, individual=person)
    assert AuditEvent.objects.filter(action=Action.ID_REVEALED).count() == 1


def test_reveal_page_shows_the_number_as_received_to_the_office_only(
    client, person_dossier, person_user, office, auditor
):
    from applications.services.applicants import individual_save
    from applications.services.dossiers import dossier_submit

    dossier_submit(actor=person_user, dossier=person_dossier, pledge=True)
    person = person_dossier.individual
    # the person corrects the number after submission: the dossier keeps the received one
    individual_save(
        actor=person_user,
        id_number=id_number(456),
        data={
            "full_name": person.full_name,
            "employer": person.employer,
            "position": person.position,
            "quality_work_since": person.quality_work_since,
            "top_manager_of_uscc": "",
            "top_manager_of_name": "",
            "phone": person.phone,
            "email": person.email,
        },
    )
    url = f"/office/dossiers/{person_dossier.pk}/reveal-id/"
    client.force_login(auditor)
    assert client.post(url).status_code == 403
    client.force_login(office)
    response = client.post(url)
    assert (
        id_number() in response.content.decode() and id_number(456) not in response.content.decode()
    )
    assert "no-store" in response["Cache-Control"]


def test_an_invitation_is_tied_to_the_address_not_the_browser(client, cycle, office, mobiliser):
    mobiliser_set_scope(actor=office, user=mobiliser, scope="sector", sector="H")
    invitation = invitation_send(
        actor=mobiliser, organisation_name="某宾馆", email="Hotel@example.invalid"
    )
    response = client.get(f"/invite/{invitation.token}/")
    assert response["Location"].startswith("/accounts/register/?")
    assert (
        "kind=organisation" in response["Location"]
        and "Hotel%40example.invalid" in response["Location"]
    )
    # registered later, on another device, with the same address
    hotel = ApplicantFactory(username="hotel", email="hotel@example.invalid")
    organisation = organisation_for(hotel, sector="H")
    invitation.refresh_from_db()
    assert invitation.accepted_by == hotel
    assert Organisation.objects.get(pk=organisation.pk).invited_by == invitation


def test_the_same_invitation_twice_is_refused(office, mobiliser):
    mobiliser_set_scope(actor=office, user=mobiliser, scope="sector", sector="H")
    invitation_send(actor=mobiliser, organisation_name="某宾馆", email="hotel@example.invalid")
    with pytest.raises(ValidationError, match="尚未被接受"):
        invitation_send(actor=mobiliser, organisation_name="某宾馆", email="HOTEL@example.invalid")
    assert Invitation.objects.count() == 1


def test_a_mobiliser_may_invite_a_person(office, mobiliser, person_user):
    mobiliser_set_scope(actor=office, user=mobiliser, scope="district", district="gerileaodu")
    invitation_send(
        actor=mobiliser, organisation_name="孙丽娟", email=person_user.email, kind="individual"
    )
    individual_for(person_user)
    assert Invitation.objects.get().accepted_by == person_user


def test_a_sector_mobiliser_sees_its_sectors_stages_but_no_contents(
    client, org_dossier, office, mobiliser
):
    mobiliser_set_scope(actor=office, user=mobiliser, scope="sector", sector="G")
    client.force_login(mobiliser)
    page = client.get("/mobiliser/").content.decode()
    assert org_dossier.organisation.name in page and "填写中" in page
    assert "摘要" not in page and org_dossier.organisation.uscc not in page


def test_a_sumu_government_sees_its_territory_not_a_sector(client, org_dossier, office, mobiliser):
    mobiliser_set_scope(actor=office, user=mobiliser, scope="district", district="gerileaodu")
    client.force_login(mobiliser)
    page = client.get("/mobiliser/").content.decode()
    assert org_dossier.organisation.name not in page  # registered in the border zone
    Organisation.objects.filter(pk=org_dossier.organisation_id).update(district="gerileaodu")
    page = client.get("/mobiliser/").content.decode()
    assert org_dossier.organisation.name in page and "格日勒敖都苏木" in page


def test_the_office_sets_a_scope_with_a_clear_message(office, mobiliser):
    with pytest.raises(ValidationError, match="请选择辖区"):
        mobiliser_set_scope(actor=office, user=mobiliser, scope="district", district="")
    profile = mobiliser_set_scope(
        actor=office, user=mobiliser, scope="district", district="gerileaodu", sector="G"
    )
    assert (profile.scope, profile.district, profile.sector) == ("district", "gerileaodu", "")


def test_the_invitation_link_fills_in_the_registration_form(client, office, mobiliser):
    mobiliser_set_scope(actor=office, user=mobiliser, scope="sector", sector="H")
    invitation = invitation_send(
        actor=mobiliser, organisation_name="某宾馆", email="hotel@example.invalid"
    )
    response = client.get(f"/invite/{invitation.token}/", follow=True)
    form = response.context["form"]
    assert form["kind"].value() == "organisation"
    assert form["display_name"].value() == "某宾馆"
    assert form["email"].value() == "hotel@example.invalid"
