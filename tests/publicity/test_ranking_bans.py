"""An applicant barred after its dossier was received (Art. 12(4), 28) cannot reach the
working group: the office's ranking says so beside it, and the candidate list is refused
while it is ticked, with nothing changed, until the office takes it off."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from applications.enums import DossierState
from applications.models import Dossier
from applications.services.bans import ban_record
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from publicity.models import CandidateList
from publicity.services.ranking import candidates_submit, ranking_save, review_order
from tests.factories.office_flow import close_comment, publish_results, reviewed_dossiers

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def ranked(cycle, office, june_2026):
    dossiers = reviewed_dossiers(office, cycle, prefix="org_b")
    publish_results(office, cycle)
    close_comment(office, cycle, june_2026)
    barred = dossiers[0]
    ban_record(
        actor=office,
        kind="organisation",
        name=barred.applicant_name,
        identifier=barred.organisation.uscc,
        reason="在2025年自治区质量奖申报中提供虚假材料",
        reference="内质奖〔2026〕9号",
        starts_on=date(2026, 7, 1),
        ends_on=date(2031, 6, 30),
    )
    ids = [d.pk for d, _composite in review_order(cycle)["organisation"]]  # the review's order
    return dossiers, barred, ids


def save(office, cycle, ids, on_list):
    ranking_save(
        actor=office, cycle=cycle, order={"organisation": ids}, on_list=set(on_list), reasons={}
    )


def test_a_barred_candidate_is_refused_on_the_list_and_nothing_changes(ranked, cycle, office):
    dossiers, barred, ids = ranked
    save(office, cycle, ids, ids)
    with pytest.raises(ValidationError) as refused:
        candidates_submit(actor=office, cycle=cycle)
    message = refused.value.messages[0]
    assert barred.applicant_name in message
    assert "自2026年7月1日起至2031年6月30日止" in message and "不得列入审议候选名单" in message
    assert not CandidateList.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.CANDIDATES_SUBMITTED).exists()
    assert Dossier.objects.get(pk=barred.pk).state == DossierState.REVIEWED

    save(office, cycle, ids, [pk for pk in ids if pk != barred.pk])
    candidates_submit(actor=office, cycle=cycle)
    assert Dossier.objects.get(pk=barred.pk).state == DossierState.NOT_SHORTLISTED
    others = Dossier.objects.filter(pk__in=[d.pk for d in dossiers[1:]])
    assert {d.state for d in others} == {DossierState.CANDIDATE}


def test_the_ranking_page_says_who_is_barred(ranked, client, cycle, office):
    dossiers, barred, _ids = ranked
    client.force_login(office)
    page = client.get(f"/office/rounds/{cycle.pk}/ranking/").content.decode()
    block = page[page.index(f'id="r{barred.pk}"') :]
    block = block[: block.index("</fieldset>")]
    assert "自2026年7月1日起至2031年6月30日止不得参加市长质量奖评选" in block
    for other in dossiers[1:]:
        row = page[page.index(f'id="r{other.pk}"') :]
        assert "不得参加市长质量奖评选" not in row[: row.index("</fieldset>")]
