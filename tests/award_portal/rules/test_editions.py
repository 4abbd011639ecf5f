from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.rules.models import RulebookEdition
from award_portal.rules.selectors import edition_in_force
from award_portal.rules.services import (
    edition_assert_in_force,
    edition_copy,
    edition_lock,
    edition_update,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MIGRATION = import_module("award_portal.rules.migrations.0002_edition_2021")


def test_the_data_migration_enters_every_number_of_the_2021_measures():
    RulebookEdition.objects.all().delete()
    MIGRATION.create(apps, None)
    edition = RulebookEdition.objects.get()
    assert (edition.effective_from, edition.effective_until) == (
        date(2021, 9, 1),
        date(2026, 8, 31),
    )
    expected = {
        "cycle_years": 2,
        "quota_organisation": 1,
        "quota_individual": 1,
        "vacancy_allowed": True,
        "title_valid_years": 3,
        "individual_track_enabled": True,
        "organisation_min_operating_years": 3,
        "organisation_no_loss_years": 3,
        "individual_min_quality_years": 5,
        "top_manager_clean_years": 3,
        "exclusion_lookback_years": 3,
        "announcement_min_wd": 10,
        "qualification_max_wd": 10,
        "review_max_wd": 20,
        "comment_min_wd": 30,
        "publicity_wd": 7,
        "prize_organisation_yuan": 200_000,
        "prize_individual_yuan": 0,
        "fraud_ban_years": 5,
        "revocation_window_years": 3,
    }
    assert {f: getattr(edition, f) for f in RulebookEdition.NUMBER_FIELDS} == expected
    MIGRATION.create(apps, None)  # idempotent
    assert RulebookEdition.objects.count() == 1


def test_the_2021_edition_has_expired(edition_2021):
    assert edition_in_force(on=date(2026, 8, 31)) == edition_2021
    assert edition_in_force(on=date(2026, 11, 25)) is None
    with pytest.raises(ValidationError, match="2026年11月25日"):
        edition_assert_in_force(edition=edition_2021, on=date(2026, 11, 25))


def test_office_copies_an_edition_and_changes_its_numbers(edition_2026, office):
    assert edition_2026.copied_from.name.endswith("（2021）")
    assert edition_2026.publicity_wd == 7
    edition_update(
        actor=office,
        edition=edition_2026,
        data={"individual_track_enabled": False, "quota_individual": 0, "review_max_wd": 25},
    )
    edition_2026.refresh_from_db()
    assert (edition_2026.individual_track_enabled, edition_2026.review_max_wd) == (False, 25)
    event = AuditEvent.objects.filter(action=Action.EDITION_CHANGED).get()
    assert event.details["changes"]["review_max_wd"] == ["20", "25"]
    assert edition_in_force(on=date(2026, 11, 25)) == edition_2026


def test_overlapping_editions_are_refused(edition_2021, office):
    with pytest.raises(ValidationError, match="重叠"):
        edition_copy(
            actor=office,
            source=edition_2021,
            name="重叠版",
            effective_from=date(2026, 8, 1),
            effective_until=None,
        )
    assert RulebookEdition.objects.count() == 1


def test_individual_track_off_needs_a_zero_quota(edition_2026, office):
    with pytest.raises(ValidationError):
        edition_update(actor=office, edition=edition_2026, data={"individual_track_enabled": False})
    edition_2026.refresh_from_db()
    assert edition_2026.individual_track_enabled is True


def test_a_locked_edition_never_changes(edition_2026, office):
    edition_lock(edition=edition_2026)
    with pytest.raises(ValidationError, match="复制"):
        edition_update(actor=office, edition=edition_2026, data={"publicity_wd": 5})
    edition_2026.refresh_from_db()
    assert edition_2026.publicity_wd == 7


@pytest.mark.parametrize("name", ["auditor", "expert", "applicant", "mobiliser"])
def test_only_the_office_enters_editions(persona, name, edition_2021):
    with pytest.raises(PermissionDenied):
        edition_copy(
            actor=persona(name),
            source=edition_2021,
            name="x",
            effective_from=date(2026, 9, 1),
            effective_until=None,
        )
    assert RulebookEdition.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "sees_unlocked"),
    [
        ("office", True),
        ("auditor", True),
        ("expert", False),
        ("applicant", False),
        ("anonymous", False),
    ],
)
def test_unlocked_editions_are_hidden_from_the_public(
    client, persona, name, sees_unlocked, edition_2021, edition_2026
):
    edition_lock(edition=edition_2021)
    user = persona(name)
    if user:
        client.force_login(user)
    assert client.get(reverse("rules:edition-detail", args=[edition_2021.pk])).status_code == 200
    hidden = client.get(reverse("rules:edition-detail", args=[edition_2026.pk])).status_code
    assert hidden == (200 if sees_unlocked else 404)
    listing = client.get(reverse("rules:edition-list")).content.decode()
    assert (edition_2026.name in listing) is sees_unlocked


def test_edit_page_refuses_a_stale_form(client, office, edition_2026):
    client.force_login(office)
    page = client.get(reverse("rules:edition-edit", args=[edition_2026.pk]))
    form = page.context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data |= {"effective_from": "2026-09-01", "effective_until": "", "publicity_wd": 8}
    data = {
        k: ("on" if v is True else "" if v is False or v is None else v) for k, v in data.items()
    }
    edition_update(actor=office, edition=edition_2026, data={"review_max_wd": 21})
    response = client.post(reverse("rules:edition-edit", args=[edition_2026.pk]), data)
    assert "其他人" in response.content.decode()
    edition_2026.refresh_from_db()
    assert (edition_2026.publicity_wd, edition_2026.review_max_wd) == (7, 21)
