"""Criteria sets as data: the shipped GB/T 19580-2012 table and the individual rubric on
their pages, a copy as a new version, editing a copy (names, points, band texts) with
its totals checked, and locked sets read-only. Every change is an audit event."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from review.models import BandGuidance, CriteriaSet, Criterion
from review.services.criteria import criteria_copy, criteria_save
from tests.factories.review import criteria_sets

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def shipped(db):
    return criteria_sets()


@pytest.fixture
def copy(shipped, office):
    return criteria_copy(
        actor=office, source=shipped[0], version="2027", name="卓越绩效评价准则（2027试行）"
    )


def snapshot(criteria_set):
    return (
        list(
            criteria_set.criteria.order_by("id").values_list("code", "name_zh", "name_en", "points")
        ),
        list(criteria_set.bands.order_by("id").values_list("text_zh", "text_en")),
        CriteriaSet.objects.filter(pk=criteria_set.pk).values_list("name", "version").get(),
    )


def edit_data(criteria_set, **changes):
    """The edit form exactly as the page fills it, with ``changes`` on top."""
    data = {
        "name": criteria_set.name,
        "version": criteria_set.version,
        "source": criteria_set.source,
        "note": criteria_set.note,
    }
    for c in criteria_set.criteria.all():
        data |= {
            f"c{c.pk}_name_zh": c.name_zh,
            f"c{c.pk}_name_en": c.name_en,
            f"c{c.pk}_points": str(c.points),
        }
    for b in criteria_set.bands.all():
        data |= {f"b{b.pk}_text_zh": b.text_zh, f"b{b.pk}_text_en": b.text_en}
    return data | changes


def item(criteria_set, code):
    return criteria_set.criteria.get(code=code)


# --- the pages --------------------------------------------------------------------


def test_the_gbt19580_table_is_shown_whole(client, auditor, shipped):
    client.force_login(auditor)
    response = client.get(reverse("review:criteria-detail", args=[shipped[0].pk]))
    text = response.content.decode()
    assert "<strong>1000</strong>" in text
    assert "（7个类目，23个评分条款）" in text
    assert "过程类（方法—展开—学习—整合）：600分" in text
    assert "结果类（水平—趋势—对比—整合）：400分" in text
    assert "4.1.2" in text and "高层领导的作用" in text and "4.7.7" in text
    # the band guidance per kind: six bands each
    assert text.count("90%—100%") == 2
    assert "尚无系统的方法" in text
    # the auditor reads; no copy or edit
    assert reverse("review:criteria-copy", args=[shipped[0].pk]) not in text


def test_the_individual_rubric_has_its_three_rows(client, office, shipped):
    client.force_login(office)
    text = client.get(reverse("review:criteria-detail", args=[shipped[1].pk])).content.decode()
    assert "基本素质" in text and "能力水平" in text and "成果影响" in text
    assert "<strong>100</strong>" in text
    assert "（3个类目，3个评分条款）" in text


def test_the_list_has_a_constant_number_of_queries(client, office, shipped):
    client.force_login(office)
    page = reverse("review:criteria-list")
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    for n in range(5):
        criteria_copy(actor=office, source=shipped[n % 2], version=f"v{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(page)
    assert len(many) == len(few)
    text = response.content.decode()
    assert text.count("<td>1000</td>") == 4  # the shipped table and three copies
    assert "复制自2012" in text


# --- copying ----------------------------------------------------------------------


def test_a_copy_takes_every_row_and_band(shipped, copy, office):
    source = shipped[0]
    assert copy.copied_from == source and copy.code == source.code
    assert snapshot(copy)[0] == snapshot(source)[0]
    assert snapshot(copy)[1] == snapshot(source)[1]
    assert copy.criteria.filter(parent__isnull=False).count() == 23
    for criterion in copy.criteria.filter(parent__isnull=False):
        assert criterion.parent.criteria_set_id == copy.pk  # not the source's category
    event = AuditEvent.objects.get(action=Action.CRITERIA_SAVED, target_id=str(copy.pk))
    assert event.actor == office and event.details["copied_from"] == source.pk


def test_a_version_is_copied_once(shipped, copy, office, client):
    before = CriteriaSet.objects.count()
    client.force_login(office)
    response = client.post(
        reverse("review:criteria-copy", args=[shipped[0].pk]), {"version": "2027", "name": ""}
    )
    assert "该评分标准已有“2027”版本。" in response.content.decode()
    assert CriteriaSet.objects.count() == before


def test_copying_from_the_page_leads_to_the_editor(shipped, office, client):
    client.force_login(office)
    response = client.post(
        reverse("review:criteria-copy", args=[shipped[1].pk]), {"version": "2027", "name": ""}
    )
    new = CriteriaSet.objects.get(version="2027", applicant_kind="individual")
    assert response["Location"] == reverse("review:criteria-edit", args=[new.pk])
    assert new.name == shipped[1].name


# --- editing a copy -----------------------------------------------------------------


def test_the_office_edits_names_points_and_bands(copy, office, client):
    client.force_login(office)
    leaders, governance = item(copy, "4.1.2"), item(copy, "4.1.3")
    band = copy.bands.get(kind="process", low=0)
    response = client.post(
        reverse("review:criteria-edit", args=[copy.pk]),
        edit_data(
            copy,
            **{
                f"c{leaders.pk}_points": "60",
                f"c{governance.pk}_points": "20",
                f"c{governance.pk}_name_zh": "组织治理与合规",
                f"b{band.pk}_text_zh": "尚未建立系统方法。",
            },
        ),
    )
    assert response.status_code == 302
    assert item(copy, "4.1.2").points == 60 and item(copy, "4.1.3").points == 20
    assert item(copy, "4.1.3").name_zh == "组织治理与合规"
    assert BandGuidance.objects.get(pk=band.pk).text_zh == "尚未建立系统方法。"
    event = (
        AuditEvent.objects.filter(action=Action.CRITERIA_SAVED, target_id=str(copy.pk))
        .order_by("pk")
        .last()
    )
    assert event.actor == office
    assert event.details["changes"]["4.1.2.points"] == [50, 60]
    assert event.details["changes"]["4.1.3.name_zh"] == ["组织治理", "组织治理与合规"]
    assert event.details["changes"]["process.0-5.text_zh"][1] == "尚未建立系统方法。"


def test_items_that_do_not_add_up_are_refused_with_a_message(copy, office, client):
    client.force_login(office)
    before = snapshot(copy)
    leaders = item(copy, "4.1.2")
    response = client.post(
        reverse("review:criteria-edit", args=[copy.pk]),
        edit_data(copy, **{f"c{leaders.pk}_points": "55"}),
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "4.1 领导：所属条款分值合计115分，与类目分值110分不符。" in text
    assert "合计：1000分" in text  # the categories as typed
    assert snapshot(copy) == before
    assert AuditEvent.objects.filter(action=Action.CRITERIA_SAVED).count() == 1  # the copy


def test_recompute_shows_the_totals_without_saving(copy, office, client):
    client.force_login(office)
    before = snapshot(copy)
    leadership = item(copy, "4.1")
    leaders = item(copy, "4.1.2")
    response = client.post(
        reverse("review:criteria-edit", args=[copy.pk]),
        edit_data(
            copy,
            action="check",
            **{f"c{leadership.pk}_points": "120", f"c{leaders.pk}_points": "60"},
        ),
    )
    text = response.content.decode()
    assert "合计：1010分" in text
    assert '<span class="ok">120</span>' in text  # 60 + 30 + 30 = the category's 120
    assert snapshot(copy) == before


def test_bad_input_is_a_message_never_an_error(copy, office, client):
    client.force_login(office)
    before = snapshot(copy)
    leaders = item(copy, "4.1.2")
    for change in (
        {f"c{leaders.pk}_points": "-5"},
        {f"c{leaders.pk}_points": "abc"},
        {f"c{leaders.pk}_name_zh": ""},
        {f"c{leaders.pk}_name_zh": "换\n行"},
        {"version": ""},
        {"version": "2012"},  # the shipped version's name
    ):
        response = client.post(
            reverse("review:criteria-edit", args=[copy.pk]), edit_data(copy, **change)
        )
        assert response.status_code == 200, change
        assert (
            'class="errorlist' in response.content.decode() or "已有" in response.content.decode()
        )
    assert snapshot(copy) == before


def test_a_shipped_set_stays_as_published(shipped, office, client):
    source = shipped[0]
    before = snapshot(source)
    with pytest.raises(Exception, match="复制为新版本"):
        criteria_save(actor=office, criteria_set=source, data={"name": "改"}, criteria={}, bands={})
    client.force_login(office)
    response = client.post(
        reverse("review:criteria-edit", args=[source.pk]), edit_data(source, name="改"), follow=True
    )
    assert "系统内置的评分标准保持发布原样" in response.content.decode()
    assert snapshot(source) == before


def test_a_locked_set_is_read_only(copy, office, client):
    CriteriaSet.objects.filter(pk=copy.pk).update(locked_at=timezone.now())
    copy.refresh_from_db()
    before = snapshot(copy)
    client.force_login(office)
    response = client.get(reverse("review:criteria-edit", args=[copy.pk]), follow=True)
    text = response.content.decode()
    assert "该评分标准已用于已开始的评审，不能再修改。" in text
    assert reverse("review:criteria-edit", args=[copy.pk]) not in text  # no edit button
    leaders = item(copy, "4.1.2")
    client.post(
        reverse("review:criteria-edit", args=[copy.pk]),
        edit_data(copy, **{f"c{leaders.pk}_name_zh": "改"}),
    )
    assert snapshot(copy) == before
    with pytest.raises(Exception, match="不能再修改"):
        criteria_save(actor=office, criteria_set=copy, data={}, criteria={}, bands={})


def test_only_the_office_copies_or_edits(copy, shipped, agency, auditor):
    from django.core.exceptions import PermissionDenied

    for user in (agency, auditor):
        with pytest.raises(PermissionDenied):
            criteria_copy(actor=user, source=shipped[0], version="x")
        with pytest.raises(PermissionDenied):
            criteria_save(actor=user, criteria_set=copy, data={"name": "x"}, criteria={}, bands={})
    assert not CriteriaSet.objects.filter(version="x").exists()
    assert CriteriaSet.objects.get(pk=copy.pk).name == copy.name
    assert Criterion.objects.filter(criteria_set=copy).count() == 30


def test_an_edit_opened_before_another_save_is_refused(copy, office, client):
    client.force_login(office)
    page = reverse("review:criteria-edit", args=[copy.pk])
    opened = client.get(page).context["form"].initial["digest"]
    assert f'name="digest" value="{opened}"' in client.get(page).content.decode()
    governance = item(copy, "4.1.3")
    client.post(page, edit_data(copy, digest=opened, **{f"c{governance.pk}_name_zh": "治理"}))
    assert item(copy, "4.1.3").name_zh == "治理"
    # the same page, opened before that save, now sent
    response = client.post(page, edit_data(copy, digest=opened, name="另一名称"))
    assert "您编辑期间他人已修改该评分标准" in response.content.decode()
    assert CriteriaSet.objects.get(pk=copy.pk).name == copy.name
