"""Every page of the review's set-up, per persona: a staff page a role may not use is a
403, a round engaged with another agency (or an expert of another pool) is a 404, and
anonymous visitors are asked to log in. What a persona must not see does not leak."""

import pytest
from django.urls import reverse

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from review.models import Engagement, ReviewPlan
from review.services.agencies import engagement_save
from review.services.criteria import criteria_copy
from tests.factories.applications import announced_cycle, pdf_upload
from tests.factories.review import (
    agency_for,
    agency_user,
    close_call,
    criteria_sets,
    expert_for,
    qualify,
    review_plan,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PERSONAS = [
    "office",
    "auditor",
    "agency",
    "other_agency",
    "expert",
    "applicant",
    "working_group",
    "anonymous",
]


@pytest.fixture
def world(cycle, office, applicant, org_dossier, edition_2021, auditor, working_group):
    qualify(office, org_dossier, applicant)
    close_call(office, cycle)
    agency = agency_for(office, cycle, name="草原质量评审中心")
    staff = agency_user(office, agency)
    other_cycle = announced_cycle(office, edition_2021, name="第四届市长质量奖")
    other_agency = agency_for(office, other_cycle, name="远方评审公司")
    other_staff = agency_user(office, other_agency)
    engagement_save(actor=office, cycle=cycle, data={}, contract_upload=pdf_upload("服务合同.pdf"))
    organisation_set, _individual_set = criteria_sets()
    return {
        "cycle": cycle,
        "other_cycle": other_cycle,
        "agency": agency,
        "other_agency": other_agency,
        "users": {
            "office": office,
            "auditor": auditor,
            "agency": staff,
            "other_agency": other_staff,
            "expert": expert_for(office, name="钱专家").user,
            "applicant": applicant,
            "working_group": working_group,
            "anonymous": None,
        },
        "pool_expert": expert_for(staff, name="王评审"),
        "other_expert": expert_for(other_staff, name="赵外审"),
        "plan": review_plan(office, cycle),
        "set": organisation_set,
        "copy": criteria_copy(actor=office, source=organisation_set, version="2027"),
    }


def url_of(world, name):
    cycle = world["cycle"].pk
    return {
        "agency-list": reverse("review:agency-list"),
        "agency-create": reverse("review:agency-create"),
        "agency-detail": reverse("review:agency-detail", args=[world["agency"].pk]),
        "agency-account-create": reverse("review:agency-account-create", args=[world["agency"].pk]),
        "expert-list": reverse("review:expert-list"),
        "expert-create": reverse("review:expert-create"),
        "expert-detail": reverse("review:expert-detail", args=[world["pool_expert"].pk]),
        "expert-edit": reverse("review:expert-edit", args=[world["pool_expert"].pk]),
        "criteria-list": reverse("review:criteria-list"),
        "criteria-detail": reverse("review:criteria-detail", args=[world["set"].pk]),
        "criteria-copy": reverse("review:criteria-copy", args=[world["set"].pk]),
        "criteria-edit": reverse("review:criteria-edit", args=[world["copy"].pk]),
        "engagement": reverse("review:engagement", args=[cycle]),
        "engagement-contract": reverse("review:engagement-contract", args=[cycle]),
        "plan": reverse("review:plan", args=[cycle]),
        "review-start": reverse("review:review-start", args=[cycle]),
    }[name]


# office, auditor, agency (engaged), other_agency, expert, applicant, working_group, anon
TABLE = [
    ("agency-list", 200, 200, 403, 403, 403, 403, 403, 302),
    ("agency-create", 200, 403, 403, 403, 403, 403, 403, 302),
    ("agency-detail", 200, 200, 403, 403, 403, 403, 403, 302),
    ("agency-account-create", 200, 403, 403, 403, 403, 403, 403, 302),
    ("expert-list", 200, 200, 200, 200, 403, 403, 403, 302),
    ("expert-create", 200, 403, 200, 200, 403, 403, 403, 302),
    ("expert-detail", 200, 200, 200, 404, 403, 403, 403, 302),
    ("expert-edit", 200, 403, 200, 404, 403, 403, 403, 302),
    ("criteria-list", 200, 200, 200, 200, 403, 403, 403, 302),
    ("criteria-detail", 200, 200, 200, 200, 403, 403, 403, 302),
    ("criteria-copy", 200, 403, 403, 403, 403, 403, 403, 302),
    ("criteria-edit", 200, 403, 403, 403, 403, 403, 403, 302),
    ("engagement", 200, 200, 200, 404, 403, 403, 403, 302),
    ("engagement-contract", 200, 200, 200, 404, 403, 403, 403, 302),
    ("plan", 200, 200, 200, 404, 403, 403, 403, 302),
    ("review-start", 200, 403, 403, 403, 403, 403, 403, 302),
]


def get(client, user, url):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    response = client.get(url)
    if response.streaming:
        response.content_bytes = b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("row", TABLE, ids=[row[0] for row in TABLE])
def test_setup_page_per_persona(client, world, row):
    """One page, every persona (one set-up per page keeps the 128 answers affordable)."""
    page, *statuses = row
    wrong = []
    for persona, expected in zip(PERSONAS, statuses, strict=True):
        response = get(client, world["users"][persona], url_of(world, page))
        if response.status_code != expected:
            wrong.append(f"{persona}: {response.status_code}, expected {expected}")
            continue
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/"), persona
        if expected in (403, 404):
            text = response.content.decode()
            # nothing of the round, its agency or the pool shows on a refusal
            for secret in ("草原质量评审中心", "王评审", "HT-2026", "第三届市长质量奖"):
                assert secret not in text, (persona, secret)
    assert wrong == []


@pytest.mark.parametrize("page", ["engagement", "engagement-contract", "plan"])
def test_a_round_that_does_not_exist_is_a_404_even_for_the_office(client, world, page):
    client.force_login(world["users"]["office"])
    url = url_of(world, page).replace(f"/rounds/{world['cycle'].pk}/", "/rounds/999999/")
    assert client.get(url).status_code == 404


def test_an_agency_account_of_no_agency_sees_no_round_and_keeps_no_pool(client, world, agency):
    client.force_login(agency)  # the agency role, but no agency behind the account
    assert client.get(url_of(world, "engagement")).status_code == 404
    assert client.get(url_of(world, "plan")).status_code == 404
    assert client.get(url_of(world, "expert-create")).status_code == 403
    assert "王评审" not in client.get(url_of(world, "expert-list")).content.decode()


def test_each_agency_sees_only_its_own_pool(client, world):
    client.force_login(world["users"]["agency"])
    text = client.get(url_of(world, "expert-list")).content.decode()
    assert "王评审" in text
    assert "赵外审" not in text and "钱专家" not in text
    client.force_login(world["users"]["other_agency"])
    text = client.get(url_of(world, "expert-list")).content.decode()
    assert "赵外审" in text
    assert "王评审" not in text and "钱专家" not in text
    client.force_login(world["users"]["office"])
    text = client.get(url_of(world, "expert-list")).content.decode()
    assert all(name in text for name in ("王评审", "赵外审", "钱专家"))


def test_the_other_agencys_round_pages_are_its_own(client, world):
    """The agency of the other round reads its own round, never this one."""
    client.force_login(world["users"]["other_agency"])
    own = reverse("review:engagement", args=[world["other_cycle"].pk])
    response = client.get(own)
    assert response.status_code == 200
    assert "远方评审公司" in response.content.decode()
    assert client.get(url_of(world, "engagement")).status_code == 404


def test_readers_get_no_forms(client, world):
    for persona in ("auditor", "agency"):
        client.force_login(world["users"][persona])
        for page in ("engagement", "plan"):
            text = client.get(url_of(world, page)).content.decode()
            assert 'method="post"' not in text.split("<main", 1)[1]
            assert "HT-2026" in text or page == "plan"


def test_the_engaged_agency_reads_the_record_and_the_amount(client, world):
    client.force_login(world["users"]["agency"])
    text = client.get(url_of(world, "engagement")).content.decode()
    assert "98,000.00元" in text
    assert "竞争性磋商" in text


def test_the_expert_history_is_for_the_office_and_the_auditor(client, world):
    for persona, shown in (("office", True), ("auditor", True), ("agency", False)):
        client.force_login(world["users"][persona])
        text = client.get(url_of(world, "expert-detail")).content.decode()
        assert ("评审经历" in text) is shown, persona


def test_the_contract_scan_is_a_logged_private_download(client, world):
    for persona in ("office", "auditor", "agency"):
        user = world["users"][persona]
        response = get(client, user, url_of(world, "engagement-contract"))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert "no-store" in response["Cache-Control"]
        assert response.content_bytes.startswith(b"%PDF-")
        assert AuditEvent.objects.filter(
            action=Action.FILE_DOWNLOADED,
            actor=user,
            target_id=str(world["cycle"].pk),
            details__sha256=Engagement.objects.get(cycle=world["cycle"]).contract_sha256,
        ).exists()
    refused = world["users"]["other_agency"]
    get(client, refused, url_of(world, "engagement-contract"))
    assert not AuditEvent.objects.filter(action=Action.FILE_DOWNLOADED, actor=refused).exists()


def test_personal_pages_are_not_cached(client, world):
    client.force_login(world["users"]["office"])
    pages = ("expert-list", "expert-detail", "expert-edit", "agency-list", "agency-detail")
    for page in (*pages, "engagement"):
        assert "no-store" in client.get(url_of(world, page))["Cache-Control"], page


@pytest.mark.parametrize(
    ("persona", "expected"), [("auditor", 403), ("agency", 403), ("other_agency", 404)]
)
def test_readers_cannot_write_the_engagement_or_the_plan(client, world, persona, expected):
    engagement = Engagement.objects.get(cycle=world["cycle"])
    plan = ReviewPlan.objects.get(cycle=world["cycle"])
    client.force_login(world["users"][persona])
    response = client.post(
        url_of(world, "engagement"), {"contract_number": "篡改", "agency": engagement.agency_id}
    )
    assert response.status_code == expected
    response = client.post(url_of(world, "plan"), {"load_limit": "1"})
    assert response.status_code == expected
    engagement.refresh_from_db()
    plan.refresh_from_db()
    assert engagement.contract_number.startswith("HT-2026")
    assert plan.load_limit == 10


WRITES = {
    "agency-create": {"name": "篡改机构", "uscc": "91152501000099990X"},
    "agency-detail": {"name": "篡改机构", "uscc": "91152501000099990X"},
    "agency-account-create": {"display_name": "某", "username": "intruder", "email": "i@x.invalid"},
    "expert-edit": {"name": "篡改", "employer": "某单位"},
    "criteria-copy": {"version": "篡改"},
    "criteria-edit": {"name": "篡改", "version": "2027"},
    "review-start": {},
}


@pytest.mark.parametrize("persona", ["auditor", "agency", "other_agency", "expert", "applicant"])
def test_who_may_not_write_changes_nothing(client, world, persona):
    from review.models import AgencyStaff, CriteriaSet, Expert, ReviewAgency

    def state():
        return (
            list(ReviewAgency.objects.values_list("name", "uscc")),
            list(AgencyStaff.objects.values_list("user__username", flat=True)),
            list(Expert.objects.values_list("name", "employer")),
            list(CriteriaSet.objects.values_list("name", "version", "locked_at")),
            ReviewPlan.objects.get(cycle=world["cycle"]).frozen_at,
        )

    before = state()
    client.force_login(world["users"][persona])
    for page, data in WRITES.items():
        if page == "expert-edit" and persona == "agency":
            continue  # the agency keeps that expert (its own pool)
        response = client.post(url_of(world, page), data)
        assert response.status_code in (403, 404), (page, response.status_code)
    assert state() == before
