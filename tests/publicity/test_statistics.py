"""The award's statistics (Art. 6): figures per round by stage, kind, sector, district and
ownership, pass rates and score bands, in a fixed number of queries; charts as inline
SVG with a table beside each; the spreadsheet export audited; the public's short
version on the call pages."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from applications.enums import DossierState
from applications.models import Cycle, Organisation
from award_portal.accounts.enums import Role
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from publicity.statistics import round_statistics
from tests.factories import UserFactory
from tests.factories.office_flow import reviewed_dossiers
from tests.factories.publicity_rounds import awarded_round, dossiers_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

HERE = "tests/publicity/test_statistics.py"
PAGE, EXPORT = "/statistics/", "/statistics/export.xlsx"


@pytest.fixture
def mixed_round(office, edition_2021):
    """2 winners (an organisation and a person), 2 not proposed by the group, 2 not
    shortlisted, 3 not qualified; one organisation state-owned, the rest private."""
    cycle, _awards = awarded_round(office, edition_2021, winners=(1, 1), others=2)
    dossiers_for(cycle, organisations=3, state=DossierState.NOT_QUALIFIED)
    dossiers_for(cycle, organisations=2, state=DossierState.NOT_SHORTLISTED)
    state_owned = cycle.dossiers.filter(state=DossierState.NOT_QUALIFIED).first().organisation
    Organisation.objects.filter(pk=state_owned.pk).update(ownership="state")
    return cycle


def figures_of(cycle):
    return next(f for f in round_statistics() if f.cycle.pk == cycle.pk)


def test_counts_and_pass_rates_of_a_round(mixed_round):
    f = figures_of(mixed_round)
    assert (f.received, f.organisations, f.individuals, f.winners) == (9, 8, 1, 2)
    assert f.revoked == 0
    assert (f.private, f.private_winners, f.private_share) == (7, 1, 87.5)
    assert f.by_kind == {"组织": 8, "个人": 1}
    assert f.by_state["已授奖"] == 2 and f.by_state["资格审查未通过"] == 3
    assert sum(f.by_sector.values()) == sum(f.by_district.values()) == 9
    assert f.by_ownership == {"私营": 7, "国有": 1, "个人申报": 1}
    rates = {r.key: (r.passed, r.decided, r.percent) for r in f.rates}
    assert rates == {
        "qualification": (6, 9, 66.7),
        "review": (4, 6, 66.7),
        "vote": (2, 4, 50.0),
        "publicity": (2, 2, 100.0),
    }


def test_a_revoked_title_is_counted_apart_from_the_winners(client, office, mixed_round):
    organisation = mixed_round.dossiers.get(
        state=DossierState.AWARDED, kind="organisation"
    )  # its title taken back later
    mixed_round.dossiers.filter(pk=organisation.pk).update(state=DossierState.REVOKED)
    f = figures_of(mixed_round)
    assert (f.received, f.winners, f.revoked) == (9, 1, 1)  # neither dropped nor doubled
    rates = {r.key: (r.passed, r.decided) for r in f.rates}
    # it passed every stage before the revocation
    assert rates == {"qualification": (6, 9), "review": (4, 6), "vote": (2, 4), "publicity": (2, 2)}
    client.force_login(office)
    page = client.get(PAGE, {"round": mixed_round.pk}).content.decode()
    overview = page.split("各届申报数与获奖数", 1)[1]
    assert "已撤销称号数" in overview and "获奖数（不含已撤销）" in page
    # each bar says what it counts, with the unit
    assert "9件" in overview and "1个" in overview
    book = load_workbook(io.BytesIO(client.get(EXPORT).content))
    header = [c.value for c in book["评审届次"][1]]
    row = [c.value for c in book["评审届次"][2]]
    assert row[header.index("获奖数（不含已撤销）")] == 1
    assert row[header.index("已撤销称号数")] == 1


def test_a_round_without_applications_has_no_rates_and_no_division_by_zero(office, cycle):
    f = figures_of(cycle)
    assert f.received == 0 and f.private_share is None
    assert [r.percent for r in f.rates] == [None, None, None, None]


def test_score_bands_from_the_confirmed_review_results(office, cycle):
    reviewed_dossiers(office, cycle)  # confirmed at 60, 70 and 80 per cent
    f = figures_of(cycle)
    [(stage, bands)] = f.scores.items()
    assert "材料评审" in stage
    assert bands == {"<60": 0, "60–69": 1, "70–79": 1, "80–89": 1, "90–100": 0}


def test_the_page_draws_accessible_charts_with_tables(client, office, mixed_round):
    client.force_login(office)
    text = client.get(PAGE, {"round": mixed_round.pk}).content.decode()
    wide = text.count('<svg class="chart chart-wide" role="img"')
    assert wide >= 7 and text.count('<svg class="chart chart-narrow" role="img"') == wide
    assert (
        "<title id=" in text and "<desc id=" in text and "<script" not in text.split("</head>")[1]
    )
    assert "各环节通过率" in text and "66.7%" in text and "按所有制类型统计的申报" in text
    assert "87.5%" in text  # the private enterprises' share (Art. 6)
    assert "申报数" in text.split("各届申报数与获奖数")[1]  # the overview chart's bars
    # each bar's label begins with what it counts, so a long round name cut short never
    # hides it; the whole label is the bar's tooltip
    overview = text.split("各届申报数与获奖数")[1].split("</svg>")[0]
    name = mixed_round.name
    assert f"<title>申报数：{name}</title>" in overview
    assert f"<title>获奖数：{name}</title>" in overview
    words = re.sub(r"<[^>]+>", " ", text.split("<main", 1)[1])  # what a reader sees
    for english in ("Applications", "applications", "winners", "Pass rate", "Score"):
        assert english not in words  # no English on the Chinese page


def test_the_number_of_queries_stays_the_same_as_rounds_grow(
    client, office, edition_2021, django_assert_max_num_queries
):
    awarded_round(office, edition_2021, others=1)
    client.force_login(office)
    client.get(PAGE)  # sessions, content types and translations are loaded once
    with CaptureQueriesContext(connection) as small:
        assert client.get(PAGE).status_code == 200
    for n in range(3):
        cycle, _awards = awarded_round(office, edition_2021, name=f"第{n + 4}届", others=20)
        dossiers_for(cycle, organisations=15, individuals=5, state=DossierState.NOT_QUALIFIED)
    assert Cycle.objects.count() == 4
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(PAGE)
    assert response.status_code == 200 and "第6届" in response.content.decode()
    with django_assert_max_num_queries(len(small.captured_queries) + 1):  # + the audit row
        assert client.get(EXPORT).status_code == 200


def test_statistics_export_writes_its_row(client, office, mixed_round):
    Cycle.objects.filter(pk=mixed_round.pk).update(name='=HYPERLINK("http://x")')
    client.force_login(office)
    mark = AuditEvent.objects.order_by("-id").first().pk
    response = client.get(EXPORT)
    assert response["Content-Disposition"].startswith('attachment; filename="award-statistics')
    event = AuditEvent.objects.get(pk__gt=mark, action=Action.STATISTICS_EXPORTED)
    assert (event.actor, event.target_id) == (office, "")
    assert event.details == {"format": "xlsx", "rounds": [mixed_round.pk]}
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["评审届次", "按状态"]
    rounds = book["评审届次"]
    assert [c.value for c in rounds[1]][:3] == ["届次", "阶段", "收到申报数"]
    name = rounds["A2"]
    assert name.data_type == "s" and name.value == '=HYPERLINK("http://x")'  # text, not a formula
    # each sheet's columns are named for what they hold, not for the sheet
    assert [c.value for c in book["按状态"][1]] == ["届次", "申报状态", "收到申报数"]
    assert [c.value for c in book["按所有制类型"][1]][1] == "所有制类型"
    rates = [[c.value for c in row] for row in book["通过率"].iter_rows(min_row=2)]
    assert ['=HYPERLINK("http://x")', "专项工作组表决", 2, 4, 50.0] in rates


def test_the_pages_per_persona(
    client,
    office,
    auditor,
    working_group,
    expert,
    agency,
    mobiliser,
    applicant,
    other_applicant,
    edition_2021,
):
    """The office, the auditor and the working group read figures; the winner, other
    applicants, experts, agencies and departments get 404 and learn nothing."""
    awarded_round(office, edition_2021, name="统计测试届", owner=applicant)
    readers = {"office": office, "auditor": auditor, "member": working_group}
    others = {
        "winner": applicant,
        "other_applicant": other_applicant,
        "expert": expert,
        "agency": agency,
        "mobiliser": mobiliser,
        "superuser_without_role": UserFactory(username="root2", is_superuser=True, role=""),
    }
    mark = AuditEvent.objects.order_by("-id").first().pk
    for url in (PAGE, EXPORT):
        for name, user in {**readers, **others, "anonymous": None}.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            expected = 200 if name in readers else 302 if user is None else 404
            assert response.status_code == expected, (url, name)
            if expected != 200:
                assert "统计测试届" not in response.content.decode(errors="replace"), name
    exports = AuditEvent.objects.filter(pk__gt=mark, action=Action.STATISTICS_EXPORTED)
    assert sorted(e.actor.username for e in exports) == sorted(u.username for u in readers.values())


def test_the_navigation_offers_statistics_to_its_readers_only(client, office, applicant):
    client.force_login(office)
    assert 'href="/statistics/"' in client.get("/").content.decode()
    client.force_login(applicant)
    assert 'href="/statistics/"' not in client.get("/").content.decode()


def test_the_public_call_pages_give_applicants_and_winners_per_round(
    client, office, edition_2021, mixed_round
):
    text = client.get("/calls/").content.decode()
    assert "收到申报数" in text and "获奖数" in text
    row = text.split(mixed_round.name)[1].split("</tr>")[0]
    assert "<td>9</td>" in row and "<td>2</td>" in row
    detail = client.get(f"/calls/{mixed_round.pk}/").content.decode()
    assert "共收到申报9个。" in detail and "授奖2项。" in detail
    # no applicant's name, no figures of a stage beyond these two
    assert "公示测试企业" not in text + detail
    assert "通过率" not in text + detail


def test_working_group_role_needs_no_roster_membership(client, db):
    """A member of the working group reads the figures of every round (aggregates, no
    names), not only of a round it sits on."""
    member = UserFactory(username="wg_z", role=Role.WORKING_GROUP)
    client.force_login(member)
    assert client.get(PAGE).status_code == 200
