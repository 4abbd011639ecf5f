"""Personas and shared fixtures. Every persona is a real user in the real database."""

import pytest

from award_portal.accounts.enums import ApplicantKind, Role, WorkingGroupPosition
from tests.factories import ApplicantFactory, UserFactory


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
