"""Defects found in a browser walk of the public comment, the working group's vote, the
publicity and the award (issue 9), each driven through the real services and pages."""

import pytest
from django.core.exceptions import ValidationError

from applications.enums import CycleState
from applications.models import Cycle
from publicity.models import CandidateList
from publicity.services.comment import close_problems, comment_close, comment_weigh
from tests.factories.office_flow import (
    COMMENT_CLOSES,
    comment_on,
    publish_results,
    rank_and_submit,
    reviewed_dossiers,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_a_comment_referred_for_verification_holds_the_close_and_the_candidate_list(
    client, cycle, office, june_2026
):
    reviewed = reviewed_dossiers(office, cycle)
    comment = comment_on(publish_results(office, cycle), reviewed[0])
    comment_weigh(actor=office, comment=comment, decision="referred", reason="转市场监管局核实")
    june_2026.move_to(COMMENT_CLOSES)

    # the period cannot close while the comment is under verification
    assert close_problems(Cycle.objects.get(pk=cycle.pk)) == [
        "尚有1条意见已转交核实、尚未作出处理决定，核实后请再次处理。"
    ]
    with pytest.raises(ValidationError, match="转交核实"):
        comment_close(actor=office, cycle=cycle)
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.PUBLIC_COMMENT
    client.force_login(office)
    listing = page(client, f"/office/rounds/{cycle.pk}/comments/")
    assert "1条正在核实、尚未决定" in listing and "每条意见均已处理" not in listing
    hub = page(client, f"/office/cycles/{cycle.pk}/")
    assert "1条意见正在核实、尚未决定" in hub
    # the meeting page gives the reason, not a promise without a form
    meeting = page(client, f"/office/rounds/{cycle.pk}/meeting/")
    assert "公开征求意见结束后，专项工作组方可召开会议" in meeting
    assert "可以安排会议" not in meeting and 'value="schedule"' not in meeting

    # decided: the period closes
    comment_weigh(actor=office, comment=comment, decision="taken", reason="经核实属实")
    assert close_problems(Cycle.objects.get(pk=cycle.pk)) == []
    comment_close(actor=office, cycle=cycle)
    meeting = page(client, f"/office/rounds/{cycle.pk}/meeting/")
    assert "可以安排会议" in meeting and 'value="schedule"' in meeting

    # referred again after the close: the candidate list waits for the decision
    comment_weigh(actor=office, comment=comment, decision="referred", reason="补充核实")
    with pytest.raises(ValidationError, match="转交核实"):
        rank_and_submit(office, cycle, on_list=1)
    assert not CandidateList.objects.exists()
    ranking = page(client, f"/office/rounds/{cycle.pk}/ranking/")
    assert "暂不能提交审议候选名单" in ranking and 'value="submit"' not in ranking
    comment_weigh(actor=office, comment=comment, decision="not_relevant", reason="核实不属实")
    rank_and_submit(office, cycle, on_list=1)
    assert CandidateList.objects.filter(cycle=cycle).exists()


@pytest.fixture
def group(cycle, office, applicant, person_user, june_2026):
    from tests.factories.group import four_candidates

    return four_candidates(office, cycle, june_2026, applicant, person_user)


def main_text(response) -> str:
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


def test_a_conflict_is_declared_only_before_the_vote_on_that_candidate(client, group, office):
    from django.urls import reverse

    from publicity.models import MemberConflict, RankingEntry
    from publicity.services.group import (
        ballot_close,
        conflict_declare,
        meeting_close,
        open_ballots,
        vote_cast,
    )
    from tests.factories.group import open_meeting
    from tests.factories.office_flow import publicise

    m = group.members
    d0, d1, d2, person = group.dossiers
    round_url = reverse("publicity:group-round", args=[group.cycle.pk])
    conflict_url = reverse("publicity:group-conflict", args=[group.cycle.pk, d1.pk])
    client.force_login(m[3].user)
    assert "<form" in main_text(client.get(conflict_url))  # before the meeting: offered

    conflict_declare(actor=m[4].user, cycle=group.cycle, dossier=d0, note="系该企业股东")
    open_meeting(office, group.meeting, m, absent=[m[3]])
    ballot = open_ballots(group.meeting).get(kind="organisation")
    for n, member in enumerate(m[:3] + m[4:]):  # no tie: 3, 2 and 0 votes in favour
        choices = {d0.pk: "yes", d1.pk: "no" if n < 2 else "yes", d2.pk: "no"}
        if member == m[4]:
            del choices[d0.pk]
        vote_cast(actor=member.user, ballot=ballot, choices=choices)
    ballot_close(actor=office, ballot=ballot)

    # the absent member never voted, but the vote on the organisations has been held
    page = main_text(client.get(round_url))
    assert f'href="{conflict_url}"' not in page and "已不能在此申请回避" in page
    refused = main_text(client.get(conflict_url))
    assert "表决已经进行" in refused and "<form" not in refused
    summary = main_text(
        client.get(reverse("publicity:group-dossier", args=[group.cycle.pk, d1.pk]))
    )
    assert "表决已经进行" in summary and conflict_url not in summary
    response = client.post(conflict_url, {"note": "亲属任职"})
    assert response.status_code == 400 and "表决已经进行" in main_text(response)
    with pytest.raises(ValidationError, match="表决已经进行"):
        conflict_declare(actor=m[3].user, cycle=group.cycle, dossier=d1, note="亲属任职")
    assert MemberConflict.objects.count() == 1

    # the recused member's note stands outside the table and names the candidate's place
    place = RankingEntry.objects.get(dossier=d0, superseded_at__isnull=True).position
    recused_note = f"您已申请回避审议候选名单（组织）第{place}位候选对象"
    client.force_login(m[4].user)
    page = main_text(client.get(round_url))
    assert page.index(recused_note) > page.index("</table>")
    assert "<td colspan" not in page and d0.applicant_name not in page

    # after the meeting and once the publicity runs: not offered for any candidate
    ballot = open_ballots(group.meeting).get(kind="individual")
    for member in m[:3] + m[4:]:
        vote_cast(actor=member.user, ballot=ballot, choices={person.pk: "yes"})
    ballot_close(actor=office, ballot=ballot)
    meeting_close(actor=office, meeting=group.meeting)
    page = main_text(client.get(round_url))
    result = page[page.index('id="result"') :]
    note = f"您已申请回避审议候选名单第{place}位候选对象，不向您显示其表决情况"
    assert result.index(note) > result.index("</table>")
    assert f"审议候选名单第{place}位（您已申请回避）" in result
    assert "<td colspan" not in page and d0.applicant_name not in page
    # the minutes: the table headers stay whole (not one character per line)
    import io

    from pypdf import PdfReader

    client.force_login(office)
    pdf = client.get(f"/office/meetings/{group.meeting.pk}/minutes.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for heading in ("单位及职务", "不同意", "是否通过", "有表决权"):
        assert heading in text, heading
    client.force_login(m[3].user)
    publicise(office, group.cycle)
    page = main_text(client.get(round_url))
    assert "表决已经结束" in page and "/conflict/" not in page
    person_url = reverse("publicity:group-conflict", args=[group.cycle.pk, person.pk])
    assert "表决已经结束" in main_text(client.post(person_url, {"note": "亲属任职"}))
    assert MemberConflict.objects.count() == 1


def test_the_wording_of_the_public_and_the_office_pages(client, office, edition_2021, june_2026):
    import re
    from datetime import datetime, time

    from django.core.cache import cache

    from tests.factories.office_flow import SH, object_to
    from tests.factories.publicity_rounds import awarded_round, publicity_round, results_round

    cache.clear()
    # /results/: an individual has no sector or district, so its table has no such column
    cycle, _notice, _dossiers = results_round(
        office, edition_2021, show_sector=True, show_district=True
    )
    page = main_text(client.get(f"/results/{cycle.pk}/"))
    organisations = page[page.index('id="kind-organisation"') : page.index('id="kind-individual"')]
    individuals = page[page.index('id="kind-individual"') :]
    individuals = individuals[: individuals.index("</table>")]
    assert "行业" in organisations and "行业" not in individuals and "—" not in individuals
    # the code page says what each channel sends
    code_page = main_text(client.get(f"/results/{cycle.pk}/comment/"))
    assert "短信（手机号码）" in code_page and "电子邮件（电子邮箱）" in code_page

    # the approval page: no 未予批准 heading when every candidate was approved
    awarded, _awards = awarded_round(office, edition_2021)
    client.force_login(office)
    approval = main_text(client.get(f"/office/rounds/{awarded.pk}/approval/"))
    assert "公示名单中的候选对象均已获批准" in approval and "未予批准" not in approval

    # an objection's time without seconds, on the office's pages
    publicised, notice, chosen = publicity_round(office, edition_2021, name="第四届市长质量奖")
    june_2026.move_to(datetime.combine(notice.first_day, time(9, 0), tzinfo=SH))
    objection = object_to(notice, chosen[0])
    client.force_login(office)  # a session lasts a working day
    for url in (
        f"/office/objections/{objection.pk}/",
        f"/office/rounds/{publicised.pk}/publicity/",
    ):
        text = main_text(client.get(url))
        assert objection.receipt_number in text
        assert not re.search(r"\d{1,2}:\d{2}:\d{2}", text), url
