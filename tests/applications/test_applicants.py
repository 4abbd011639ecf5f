import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from applications.models import Individual, Organisation
from applications.services.applicants import (
    individual_reveal_id,
    organisation_add_member,
    organisation_of,
)
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


def test_a_member_added_by_the_administrator_sees_the_dossiers(org_dossier, applicant):
    colleague = ApplicantFactory(username="colleague")
    assert not colleague.has_perm("applications.view_dossier", org_dossier)
    organisation_add_member(
        actor=applicant, organisation=org_dossier.organisation, email=colleague.email
    )
    colleague = type(colleague).objects.get(pk=colleague.pk)  # fresh permission cache
    assert colleague.has_perm("applications.change_dossier", org_dossier)


def test_only_the_administrator_adds_members(org_dossier, applicant):
    colleague = ApplicantFactory(username="colleague")
    organisation_add_member(
        actor=applicant, organisation=org_dossier.organisation, email=colleague.email
    )
    stranger = ApplicantFactory(username="stranger")
    with pytest.raises(PermissionDenied):
        organisation_add_member(
            actor=colleague, organisation=org_dossier.organisation, email=stranger.email
        )


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


def test_reveal_page_shows_the_number_to_the_office_only(client, person_user, office, auditor):
    person = individual_for(person_user)
    client.force_login(auditor)
    assert client.post(f"/office/individuals/{person.pk}/reveal-id/").status_code == 403
    client.force_login(office)
    page = client.post(f"/office/individuals/{person.pk}/reveal-id/").content.decode()
    assert id_number() in page


def test_an_invitation_sets_the_sector_of_the_organisation_registered_from_it(
    client, cycle, office, mobiliser, applicant
):
    from applications.services.mobilisers import invitation_send, mobiliser_set_sector

    mobiliser_set_sector(actor=office, user=mobiliser, sector="H")
    invitation = invitation_send(
        actor=mobiliser, organisation_name="某宾馆", email="hotel@example.invalid"
    )
    response = client.get(f"/invite/{invitation.token}/")
    assert response["Location"] == "/accounts/register/?kind=organisation"
    organisation = organisation_for(
        applicant, invitation_token=client.session["invitation"], sector="C"
    )
    invitation.refresh_from_db()
    assert organisation.sector == "H" and invitation.accepted_at is not None


def test_a_mobiliser_sees_its_sectors_stages_but_no_contents(
    client, org_dossier, office, mobiliser
):
    from applications.services.mobilisers import mobiliser_set_sector

    mobiliser_set_sector(actor=office, user=mobiliser, sector="G")
    client.force_login(mobiliser)
    page = client.get("/mobiliser/").content.decode()
    assert org_dossier.organisation.name in page and "填写中" in page
    assert "摘要" not in page and org_dossier.organisation.uscc not in page
