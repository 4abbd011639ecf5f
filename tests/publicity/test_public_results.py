"""The review results under public comment (Art. 19): the public pages, the notice's PDF,
and the two-step comment form — real name, a verified contact, evidence, a receipt —
whose comments never appear on a public page."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from pypdf import PdfReader

from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import OutboxMessage
from publicity.models import Comment, CommentFile, ContactCheck, ResultsNotice
from tests.factories.applications import pdf_bytes
from tests.factories.publicity_rounds import results_round
from tests.helpers import post_arriving

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fresh_pages():
    """Public pages are cached per process; each test starts without copies."""
    from django.core.cache import cache

    cache.clear()


SH = ZoneInfo("Asia/Shanghai")
COMMENT = "该企业去年发生过产品质量投诉，整改情况请核实。"


@pytest.fixture
def published(office, edition_2021, june_2026):
    cycle, notice, dossiers = results_round(office, edition_2021, show_score=False)
    return cycle, notice, dossiers


def code_sent_to(contact: str) -> str:
    message = next(m for m in OutboxMessage.objects.order_by("-id") if contact in m.to)
    return re.search(r"(?<!\d)(\d{6})(?!\d)", message.body).group(1)


def step_one(client, cycle, dossier, *, name="张三", kind="phone", contact="13912345678"):
    return client.post(
        f"/results/{cycle.pk}/comment/",
        {"dossier": dossier.pk, "name": name, "contact_kind": kind, "contact": contact},
    )


def step_two(client, url, code, *, text=COMMENT, files=(), organisation=""):
    return client.post(
        url, {"code": code, "text": text, "organisation": organisation, "files": list(files)}
    )


def started(client, cycle, dossier, contact="13912345678", **kwargs):
    response = step_one(client, cycle, dossier, contact=contact, **kwargs)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"], code_sent_to(contact.replace(" ", "").lower())


def test_results_list_shows_only_published_notices(client, published, office, edition_2021):
    _cycle, notice, _dossiers = published
    from tests.factories.publicity_rounds import _round

    draft_round = _round(office, edition_2021, name="草稿届次", state="expert_review")
    ResultsNotice.objects.create(
        cycle=draft_round, title="尚未发布的评审结果公示", body="草稿", created_by=office
    )
    page = client.get("/results/").content.decode()
    assert notice.title in page and notice.document.number in page
    assert "正在征求意见" in page
    assert "尚未发布的评审结果公示" not in page
    assert client.get(f"/results/{draft_round.pk}/").status_code == 404


def test_results_page_shows_the_chosen_fields_and_the_exact_period(client, published):
    cycle, notice, dossiers = published
    page = client.get(f"/results/{cycle.pk}/").content.decode()
    assert notice.title in page and notice.document.number in page
    assert "现将本届市长质量奖评审结果予以公布" in page
    for dossier in dossiers:
        assert dossier.applicant_name in page
    # the office chose sector and rank, not the score nor the district
    assert "行业" in page and "排名" in page
    assert "综合得分" not in page and "89.99" not in page and "所在区域" not in page
    # published on 2 June: the period counts from 3 June and lasts 30 working days
    assert "2026年6月3日" in page
    assert "30个工作日，至2026年7月15日24时" in page
    assert "最早于2026年7月16日结束" in page
    assert "正在征求意见" in page
    assert f'href="/results/{cycle.pk}/comment/"' in page


def test_a_closed_period_says_so_and_offers_no_form(client, office, edition_2021, june_2026):
    cycle, _notice, dossiers = results_round(office, edition_2021, closed=True)
    page = client.get(f"/results/{cycle.pk}/").content.decode()
    assert "已于2026年6月2日结束，不再受理意见" in page
    assert f"/results/{cycle.pk}/comment/" not in page
    form = client.get(f"/results/{cycle.pk}/comment/").content.decode()
    assert "公开征求意见已结束" in form and 'name="contact"' not in form
    before = ContactCheck.objects.count()
    step_one(client, cycle, dossiers[0])
    assert ContactCheck.objects.count() == before
    assert not OutboxMessage.objects.filter(channel="sms").exists()


def test_results_pdf_is_the_official_notice_and_may_be_cached(client, published):
    cycle, notice, dossiers = published
    response = client.get(f"/results/{cycle.pk}/notice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = text.replace("\n", "")
    assert notice.title in flat and notice.document.number in flat
    assert "二〇二六年六月三日" in flat and "二〇二六年七月十五日24时" in flat
    for dossier in dossiers:
        assert dossier.applicant_name in flat
    assert "匿名意见不予受理" in flat


def test_a_comment_takes_two_steps_and_ends_in_a_receipt(client, published):
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[1], contact="139 1234 5678")
    assert url.startswith(f"/results/{cycle.pk}/comment/")
    page = client.get(url).content.decode()
    assert dossiers[1].applicant_name in page and "139****5678" in page
    evidence = SimpleUploadedFile("证据.pdf", pdf_bytes(), content_type="application/pdf")
    response = step_two(client, url, code, files=[evidence], organisation="某某协会")
    assert response.status_code == 302 and response["Location"] == url
    comment = Comment.objects.get()
    assert (comment.dossier_id, comment.name, comment.contact) == (
        dossiers[1].pk,
        "张三",
        "13912345678",
    )
    assert comment.organisation == "某某协会" and comment.text == COMMENT
    stored = CommentFile.objects.get(comment=comment)
    assert stored.content_type == "application/pdf" and stored.original_name == "证据.pdf"
    receipt = client.get(url).content.decode()
    assert comment.receipt_number in receipt
    assert "意见不予公开" in receipt and "逐条研究处理" in receipt
    event = AuditEvent.objects.get(action="publicity.comment_received")
    assert event.actor is None and event.actor_label == "public"
    assert event.target_id == str(cycle.pk)
    assert event.details["receipt"] == comment.receipt_number


def test_an_email_address_works_as_the_contact(client, published):
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0], kind="email", contact="Li.Si@Example.com")
    assert step_two(client, url, code).status_code == 302
    assert Comment.objects.get().contact == "li.si@example.com"


def test_comments_never_appear_on_a_public_page(client, published):
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0], name="王秘密")
    step_two(client, url, code, organisation="神秘单位")
    assert Comment.objects.count() == 1
    for path in [
        "/",
        "/results/",
        f"/results/{cycle.pk}/",
        f"/results/{cycle.pk}/notice.pdf",
        "/notices/feed.atom",
        "/publicity/",
        "/winners/",
    ]:
        body = client.get(path).content
        text = body.decode("utf-8", "replace")
        if path.endswith(".pdf"):
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
        for secret in ("王秘密", "神秘单位", "去年发生过产品质量投诉", "13912345678"):
            assert secret not in text, (path, secret)


@pytest.mark.parametrize("name", ["", "   ", "\u3000"])
def test_an_anonymous_comment_is_refused_with_a_clear_message(client, published, name):
    cycle, _notice, dossiers = published
    response = step_one(client, cycle, dossiers[0], name=name)
    assert response.status_code == 200
    assert "请填写真实姓名。匿名意见不予受理" in response.content.decode()
    assert not ContactCheck.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_double_click_files_one_comment(client, published):
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0])
    first = step_two(client, url, code)
    second = step_two(client, url, code)
    assert first.status_code == second.status_code == 302
    comment = Comment.objects.get()
    assert comment.receipt_number in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="publicity.comment_received").count() == 1


def test_a_double_click_that_cut_the_first_upload_files_the_comment_with_its_file(
    client, published
):
    """A double click cancels the first submission in the browser, often mid-upload. The
    cut-off first request is refused and spends nothing; the second, whole, files the
    comment with its evidence (once on PostgreSQL the first won, without its file)."""
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0])
    evidence = SimpleUploadedFile("证据.pdf", pdf_bytes(), content_type="application/pdf")
    body = encode_multipart(
        BOUNDARY, {"code": code, "text": COMMENT, "organisation": "", "files": [evidence]}
    )
    first = post_arriving(client, url, body, MULTIPART_CONTENT, io.BytesIO(body[:-200]))
    assert first.status_code == 400
    assert not Comment.objects.exists()
    assert ContactCheck.objects.get().used_at is None
    second = client.generic("POST", url, body, content_type=MULTIPART_CONTENT)
    assert second.status_code == 302
    comment = Comment.objects.get()
    assert comment.files.get().original_name == "证据.pdf"
    assert comment.receipt_number in client.get(url).content.decode()


def test_a_wrong_code_is_refused_and_counts_as_an_attempt(client, published):
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0])
    wrong = "000000" if code != "000000" else "111111"
    page = step_two(client, url, wrong).content.decode()
    assert "验证码不正确" in page
    assert not Comment.objects.exists()
    assert ContactCheck.objects.get().attempts == 1
    assert step_two(client, url, code).status_code == 302
    assert Comment.objects.count() == 1


def test_files_of_the_wrong_type_are_refused_and_nothing_is_spent(client, published):
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0])
    fake = SimpleUploadedFile(
        "证据.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"
    )
    page = step_two(client, url, code, files=[fake]).content.decode()
    assert "“证据.pdf”不是PDF" in page
    assert not Comment.objects.exists() and not CommentFile.objects.exists()
    assert ContactCheck.objects.get().used_at is None
    # corrected, the same code still works
    assert step_two(client, url, code).status_code == 302


def test_an_oversized_file_is_refused_with_its_size(client, published, settings):
    settings.PORTAL_MAX_UPLOAD_MB = 1
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0])
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    page = step_two(client, url, code, files=[big]).content.decode()
    assert "“扫描件.pdf”大小为1.0 MB；文件不得超过1 MB。" in page
    assert not Comment.objects.exists()


def test_more_than_five_files_are_refused(client, published):
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0])
    files = [SimpleUploadedFile(f"证据{i}.pdf", pdf_bytes()) for i in range(6)]
    page = step_two(client, url, code, files=files).content.decode()
    assert "最多上传5个文件，您选择了6个" in page
    assert not Comment.objects.exists()


def test_too_many_codes_for_one_contact_are_refused_clearly(client, published):
    cycle, _notice, dossiers = published
    for _ in range(3):
        assert step_one(client, cycle, dossiers[0]).status_code == 302
    page = step_one(client, cycle, dossiers[0]).content.decode()
    assert "1小时内向该号码或邮箱发送的验证码过多" in page
    assert ContactCheck.objects.count() == 3


def test_a_bad_phone_number_is_refused_clearly(client, published):
    cycle, _notice, dossiers = published
    page = step_one(client, cycle, dossiers[0], contact="12345").content.decode()
    assert "请输入11位中国大陆手机号码" in page
    assert not ContactCheck.objects.exists()


def test_step_two_works_only_in_the_browser_that_asked_for_the_code(client, published):
    from django.test import Client

    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0])
    stranger = Client()
    assert stranger.get(url).status_code == 404
    response = step_two(stranger, url, code)
    assert response.status_code == 404 and "请重新开始" in response.content.decode()
    assert not Comment.objects.exists()
    assert ContactCheck.objects.get().used_at is None


def test_the_period_closing_between_the_steps_refuses_the_comment(client, published):
    cycle, notice, dossiers = published
    url, code = started(client, cycle, dossiers[0])
    ResultsNotice.objects.filter(pk=notice.pk).update(
        comment_closed_at=datetime(2026, 6, 2, 10, 5, tzinfo=SH)
    )
    page = step_two(client, url, code).content.decode()
    assert "公开征求意见已结束" in page
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"dossier": "99999999999999999999"},
        {"dossier": "-1"},
        {"dossier": "abc"},
        {"contact_kind": "pigeon"},
        {"name": "张\r\n三"},
        {"contact": "1" * 300},
    ],
)
def test_hostile_step_one_input_is_a_message_never_a_500(client, published, data):
    cycle, _notice, dossiers = published
    payload = {
        "dossier": dossiers[0].pk,
        "name": "张三",
        "contact_kind": "phone",
        "contact": "13912345678",
    }
    response = client.post(f"/results/{cycle.pk}/comment/", {**payload, **data})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not ContactCheck.objects.exists()


def test_a_candidate_of_another_round_cannot_be_named(client, published, office, edition_2021):
    cycle, _notice, _dossiers = published
    _other, _n, others = results_round(office, edition_2021, name="第四届")
    response = step_one(client, cycle, others[0])
    assert response.status_code == 200 and not ContactCheck.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/results/99999999999999999999/",
        "/results/99999999999999999999/notice.pdf",
        "/results/99999999999999999999/comment/",
        "/results/1/comment/%00/",
        "/results/99999999999999999999/comment/abc/",
    ],
)
def test_unknown_rounds_and_tokens_are_404s(client, published, path):
    assert client.get(path).status_code == 404
    assert client.post(path, {"code": "123456"}).status_code in (403, 404)


@pytest.mark.parametrize(
    "data",
    [
        {"code": "１２３４５６"},
        {"code": "1" * 500},
        {"code": ""},
        {"text": "意见\x00内容" * 5},
        {"text": "x" * 6000},
        {"organisation": "某\r\n单位"},
    ],
)
def test_hostile_step_two_input_is_a_message_never_a_500(client, published, data):
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0])
    payload = {"code": code, "text": COMMENT, "organisation": ""}
    response = client.post(url, {**payload, **data})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "form-errors" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_code_typed_in_full_width_digits_is_taken(client, published):
    cycle, _notice, dossiers = published
    url, code = started(client, cycle, dossiers[0])
    wide = " ".join(chr(ord(digit) + 0xFEE0) for digit in code)  # １ ２ ３ …
    assert step_two(client, url, wide).status_code == 302
    assert Comment.objects.count() == 1


def test_a_period_in_a_year_without_a_schedule_says_when_its_end_will_show(client, published):
    cycle, notice, _dossiers = published
    ResultsNotice.objects.filter(pk=notice.pk).update(
        comment_first_day=None, comment_earliest_close=None
    )
    page = client.get(f"/results/{cycle.pk}/").content.decode()
    assert "该年度放假安排公布并录入后，将显示最短期限的截止日期" in page
    assert "None" not in page
    assert client.get(f"/results/{cycle.pk}/notice.pdf").status_code == 200
