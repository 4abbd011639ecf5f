"""Personas and shared fixtures. Every persona is a real user in the real database."""

import pytest

from award_portal.accounts.enums import ApplicantKind, Role, WorkingGroupPosition
from tests.factories import ApplicantFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Users in tests get MD5 password hashes, as Django's testing guide advises: the
    production hasher (PBKDF2, 1,000,000 iterations) costs about 0.35 s per user, and
    the suite makes thousands of users. A stored PBKDF2 hash still verifies.
    ``test_settings.py`` checks, in a fresh process, that production hashes with PBKDF2."""
    from django.test.utils import override_settings

    fast = override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
    )
    fast.enable()
    yield
    fast.disable()


@pytest.fixture(autouse=True)
def email_through_the_outbox(request, settings):
    """E-mail in tests takes the production path: Django's ``send_mail`` and
    ``email_queue`` store the message in the outbox, the delivery task runs when the
    transaction commits, and delivery ends in ``django.core.mail.outbox`` (locmem).

    Celery runs tasks in-process (eagerly) here; tests marked ``e2e`` keep the real
    broker, because they start a real worker process and send it their tasks."""
    if request.node.get_closest_marker("e2e"):
        yield
        return
    from award_portal.celery import app

    settings.EMAIL_BACKEND = "award_portal.notifications.backends.OutboxEmailBackend"
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def office(db):
    return UserFactory(username="office_clerk", role=Role.OFFICE)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor_a", role=Role.AUDITOR)


@pytest.fixture
def agency(db):
    return UserFactory(username="agency_a", role=Role.AGENCY)


@pytest.fixture
def expert(db):
    return UserFactory(username="expert_a", role=Role.EXPERT)


@pytest.fixture
def working_group(db):
    return UserFactory(
        username="wg_a",
        role=Role.WORKING_GROUP,
        working_group_position=WorkingGroupPosition.MEMBER,
    )


@pytest.fixture
def mobiliser(db):
    return UserFactory(username="mobiliser_a", role=Role.MOBILISER)


@pytest.fixture
def applicant(db):
    return ApplicantFactory(username="org_a")


@pytest.fixture
def other_applicant(db):
    return ApplicantFactory(username="person_b", applicant_kind=ApplicantKind.INDIVIDUAL)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root_admin", is_superuser=True, is_staff=True)


PERSONAS = [
    "office",
    "auditor",
    "agency",
    "expert",
    "working_group",
    "mobiliser",
    "applicant",
    "other_applicant",
    "superuser",
]


@pytest.fixture
def persona(request):
    """Resolve a persona fixture by name: ``persona("office")``; None is anonymous."""

    def resolve(name):
        return None if name == "anonymous" else request.getfixturevalue(name)

    return resolve


@pytest.fixture
def edition_2021(db):
    """The 2021 edition exactly as the data migration creates it. (A transactional test
    elsewhere may have flushed the migrated row, so it is re-created from the migration's
    own data when missing.)"""
    from importlib import import_module

    from award_portal.rules.models import RulebookEdition

    data = import_module("award_portal.rules.migrations.0002_edition_2021").EDITION_2021
    edition, _created = RulebookEdition.objects.get_or_create(
        award=data["award"], effective_from=data["effective_from"], defaults=data
    )
    return edition


@pytest.fixture
def edition_2026(edition_2021, office):
    """A successor edition in force from 2026-09-01, entered the way the office does."""
    from datetime import date

    from award_portal.rules.services import edition_copy

    return edition_copy(
        actor=office,
        source=edition_2021,
        name="二连浩特市市长质量奖评审办法（2026 修订）",
        effective_from=date(2026, 9, 1),
        effective_until=None,
    )


@pytest.fixture
def june_2026():
    """Tests of the application window run on a fixed, known day: 2026-06-02 10:00
    Beijing time (a Tuesday; the 2026 calendar is official)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    with time_machine.travel(
        datetime(2026, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True
    ) as traveller:
        yield traveller


@pytest.fixture
def cycle(june_2026, office, edition_2021):
    from tests.factories.applications import announced_cycle

    return announced_cycle(office, edition_2021)


@pytest.fixture
def org_dossier(cycle, applicant):
    from tests.factories.applications import organisation_for, ready_dossier

    organisation_for(applicant)
    return ready_dossier(applicant, cycle, secret=True)


@pytest.fixture
def person_user(db):
    return ApplicantFactory(username="person_a", applicant_kind=ApplicantKind.INDIVIDUAL)


@pytest.fixture
def person_dossier(cycle, person_user):
    from tests.factories.applications import individual_for, ready_dossier

    individual_for(person_user)
    return ready_dossier(person_user, cycle)


def _audit_row_tests() -> set[str]:
    """The tests that write the audit rows of every service (``SERVICE_TESTS``) and every
    test of the audit-row modules."""
    from tests.test_audit_rows import SERVICE_TESTS

    return set(SERVICE_TESTS.values())


AUDIT_ROW_MODULES = (
    "tests/test_audit_rows.py",
    "tests/review/test_audit_rows_review.py",
    "tests/publicity/test_audit_rows_publicity.py",
)


@pytest.fixture(autouse=True)
def audit_details_read_in_chinese(request):
    """After each audit-row test, every event it wrote reads in Chinese on the audit page
    and in its export: the details (keys and coded values), the action and the actor
    leave no English word but identifiers and user names."""
    node = request.node.nodeid.split("[")[0]
    if not (node.startswith(AUDIT_ROW_MODULES) or node in _audit_row_tests()):
        yield
        return
    if "transactional_db" not in request.fixturenames:
        request.getfixturevalue("db")  # so the check runs before the rollback
    yield
    from award_portal.audit.models import AuditEvent
    from tests.helpers import audit_english_left

    assert audit_english_left(AuditEvent.objects.order_by("id")) == []


@pytest.fixture
def own_queue():
    """Tasks sent during the test (a web request that queues work) go to a queue only
    this test's worker reads (``tests.helpers.celery_worker(own_queue)``)."""
    import uuid

    from award_portal.celery import app

    queue = f"test-{uuid.uuid4().hex[:12]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = previous
