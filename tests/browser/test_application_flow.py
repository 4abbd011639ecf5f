"""The first half of the award in a real browser: an organisation registers, fills in
its profile and application, uploads, submits; the office asks for a supplement; the
organisation supplements; the office qualifies. An individual applies; a mobilising
department invites an organisation. Run on 2026-06-02 (a known working day)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from applications.models import Dossier
from award_portal.accounts.enums import Role
from tests.factories import PASSWORD, UserFactory
from tests.factories.applications import announced_cycle, id_number, pdf_bytes, uscc

from .axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def june(db):
    moment = datetime(2026, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def open_call(june, edition_2021):
    office = UserFactory(username="clerk", role=Role.OFFICE)
    return office, announced_cycle(office, edition_2021)


@pytest.fixture
def pdf_file(tmp_path):
    path = tmp_path / "材料.pdf"
    path.write_bytes(pdf_bytes())
    return path


def exact_label(page, text):
    """The field labelled exactly ``text`` (Django adds a colon after labels)."""
    return page.get_by_label(re.compile(rf"^{re.escape(text)}[:：]?$"))


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    exact_label(page, "密码").fill(password)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/dashboard/")


def log_out(page):
    page.get_by_role("button", name="退出").click()


def upload(page, kind, title, path):
    page.get_by_label("类别").select_option(label=kind)
    page.get_by_label("标题").fill(title)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="上传", exact=True).click()
    assert "文件已上传" in page.locator(".messages").inner_text()


def test_organisation_applies_supplements_and_is_qualified(page, open_call, pdf_file):
    office, cycle = open_call
    # the public reads the call
    page.goto("/calls/")
    page.get_by_role("link", name=cycle.name).click()
    assert "申报条件" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    # register and confirm the e-mail address
    page.goto("/accounts/register/?kind=organisation")
    page.get_by_label("组织名称或本人姓名").fill("二连浩特市草原物流有限公司")
    page.get_by_label("用户名").fill("caoyuan")
    page.get_by_label("电子邮箱").fill("caoyuan@example.invalid")
    exact_label(page, "密码").fill("Grassland-Quality-2026")
    page.get_by_label("再次输入密码").fill("Grassland-Quality-2026")
    page.get_by_role("button", name="注册").last.click()
    link = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", mail.outbox[-1].body).group(1)
    page.goto(link)
    log_in(page, "caoyuan", "Grassland-Quality-2026")

    # profile
    page.goto("/apply/profile/")
    page.get_by_label("登记名称").fill("二连浩特市草原物流有限公司")
    page.get_by_label("统一社会信用代码").fill("91350100M000100Y44")  # a typo first
    page.get_by_label("注册地").select_option(label="边境经济合作区")
    page.get_by_label("法定代表人").fill("乌力吉")
    page.get_by_label("成立日期").fill("2014-04-01")
    page.get_by_label("行业").select_option("G")
    page.get_by_label("所有制类型").select_option(label="私营")
    exact_label(page, "联系人").fill("张敏")
    page.get_by_label("联系电话").fill("04797511111")
    page.get_by_label("联系邮箱").fill("caoyuan@example.invalid")
    for year in (2025, 2024, 2023):
        page.get_by_label(f"{year}年营业收入（万元）").fill("8000")
        page.get_by_label(f"{year}年营业利润（万元，亏损填负数）").fill("600")
    page.get_by_role("button", name="保存资料").click()
    assert "校验码不符" in page.locator("main").inner_text()
    page.get_by_label("统一社会信用代码").fill(uscc(777))
    page.get_by_role("button", name="保存资料").click()
    assert "资料已保存" in page.locator(".messages").inner_text()

    # the application
    page.goto("/apply/")
    page.get_by_role("button", name="开始填写申报").click()
    page.wait_for_url("**/dossiers/*/")
    for box in page.locator("fieldset").nth(0).locator("input[type=checkbox]").all():
        box.check()
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    for area in page.locator("textarea[name^=s_]").all():
        area.fill("坚持卓越绩效模式，持续改进。")
    page.get_by_role("button", name="保存草稿").click()
    assert "草稿已保存" in page.locator(".messages").inner_text()
    upload(page, "自我评价报告", "自我评价报告", pdf_file)
    upload(page, "盖章申报表", "申报表盖章件", pdf_file)
    assert axe_violations(page) == []
    page.get_by_label("本人（单位）承诺").check()
    page.get_by_role("button", name="提交申报").click()
    assert "申报材料已收到" in page.locator(".messages").inner_text()
    dossier = Dossier.objects.get(organisation__name="二连浩特市草原物流有限公司")
    assert dossier.state == "submitted"
    first_receipt = dossier.receipts.get()
    main = page.locator("main").inner_text()
    assert dossier.number in main and first_receipt.document.number in main
    assert "已收到（待资格审查）" in main
    log_out(page)

    # the office asks, all at once, for a supplement
    log_in(page, office.username)
    page.goto("/office/qualification/")
    page.get_by_role("link", name="二连浩特市草原物流有限公司").click()
    for item in page.locator("fieldset.check-item").all():
        if "第十六条" in item.locator("legend").inner_text() and "完整" in item.inner_text():
            item.get_by_label("需补正").check()
            item.get_by_label("说明").fill("请补充ISO 9001质量管理体系认证证书")
        else:
            item.get_by_label("符合", exact=True).check()
    page.get_by_role("button", name="保存审查清单").click()
    assert "审查清单已保存" in page.locator(".messages").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="发出通知").click()
    assert "补正通知已发出" in page.locator(".messages").inner_text()
    log_out(page)

    # the organisation sees exactly that item and supplements
    log_in(page, "caoyuan", "Grassland-Quality-2026")
    page.goto(f"/dossiers/{dossier.pk}/")
    notice = page.locator("section.notice").inner_text()
    assert "请补充ISO 9001质量管理体系认证证书" in notice
    # an empty supplement is refused with a clear message
    page.get_by_role("button", name="提交补正材料").click()
    assert "补正内容为空" in page.locator(".messages").inner_text()
    page.get_by_label("类别").select_option(label="证明材料")
    page.get_by_label("标题").fill("ISO 9001 证书")
    page.get_by_label("答复的补正事项").select_option(index=1)
    page.locator("input[type=file]").set_input_files(str(pdf_file))
    page.get_by_role("button", name="上传", exact=True).click()
    assert "文件已上传" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="提交补正材料").click()
    assert "补正材料已收到" in page.locator(".messages").inner_text()
    # the first receipt is as it was; the supplement has its own
    main = page.locator("main").inner_text()
    dossier.refresh_from_db()
    second = dossier.receipts.get(sequence=2)
    assert first_receipt.document.number in main and second.document.number in main
    assert dossier.received_at == first_receipt.received_at
    # the stamped form handed in first cannot be removed any more
    assert page.get_by_role("link", name="删除 申报表盖章件").count() == 0
    log_out(page)

    # the office qualifies, in one form
    log_in(page, office.username)
    page.goto(f"/office/qualification/{dossier.pk}/")
    page.get_by_role("button", name="全部标记为符合并保存").click()
    page.get_by_role("button", name="作出结论：具备申报资格").click()
    assert "结论已记录" in page.locator(".messages").inner_text()
    dossier.refresh_from_db()
    assert dossier.state == "qualified"


def test_individual_applies(page, open_call, pdf_file):
    person = UserFactory(username="bayar", role=Role.APPLICANT, applicant_kind="individual")
    log_in(page, person.username)
    page.goto("/apply/profile/")
    page.get_by_label("姓名").fill("巴雅尔")
    page.get_by_label("居民身份证号码").fill("152501198003151234")  # wrong check digit
    page.get_by_label("工作单位").fill("二连浩特市质量技术服务中心")
    page.get_by_label("职务").fill("高级工程师")
    page.get_by_label("在本市从事质量工作起始年份").fill("2010")
    page.get_by_label("电话").fill("13904791234")
    page.get_by_label("电子邮箱").fill("bayar@example.invalid")
    page.get_by_role("button", name="保存资料").click()
    assert "校验码不符" in page.locator("main").inner_text()
    page.get_by_label("居民身份证号码").fill(id_number(555))
    page.get_by_role("button", name="保存资料").click()
    assert "资料已保存" in page.locator(".messages").inner_text()
    assert id_number(555) not in page.content()  # shown masked only
    page.goto("/apply/")
    page.get_by_role("button", name="开始填写申报").click()
    for box in page.locator("fieldset").nth(0).locator("input[type=checkbox]").all():
        box.check()
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    page.get_by_label("个人业绩陈述").fill("主持口岸查验质量提升项目。")
    page.get_by_role("button", name="保存草稿").click()
    upload(page, "盖章申报表", "申报表签名件", pdf_file)
    page.get_by_label("本人（单位）承诺").check()
    page.get_by_role("button", name="提交申报").click()
    assert "申报材料已收到" in page.locator(".messages").inner_text()
    assert "2026-G-001" in page.locator("main").inner_text()


def test_mobiliser_invites_an_organisation_of_its_territory(page, open_call):
    from applications.services.mobilisers import mobiliser_set_scope

    office, _cycle = open_call
    mobiliser = UserFactory(username="sumu", role=Role.MOBILISER)
    mobiliser_set_scope(actor=office, user=mobiliser, scope="district", district="gerileaodu")
    log_in(page, mobiliser.username)
    page.goto("/mobiliser/")
    assert "格日勒敖都苏木" in page.locator("h1").inner_text()
    exact_label(page, "组织名称或个人姓名").fill("二连浩特市边贸运输公司")
    page.get_by_label("电子邮箱").fill("bianmao@example.invalid")
    page.get_by_role("button", name="发出邀请").click()
    assert "邀请已发出" in page.locator(".messages").inner_text()
    assert mail.outbox[-1].to == ["bianmao@example.invalid"]
    assert "/invite/" in mail.outbox[-1].body
    assert axe_violations(page) == []
    # sending it again is refused with a clear message
    exact_label(page, "组织名称或个人姓名").fill("二连浩特市边贸运输公司")
    page.get_by_label("电子邮箱").fill("bianmao@example.invalid")
    page.get_by_role("button", name="发出邀请").click()
    assert "尚未被接受" in page.locator("main").inner_text()


def test_the_draft_saves_itself_while_the_applicant_types(page, open_call):
    from tests.factories.applications import individual_for

    person = UserFactory(username="typist", role=Role.APPLICANT, applicant_kind="individual")
    individual_for(person, serial=321)
    log_in(page, person.username)
    page.goto("/apply/")
    page.get_by_role("button", name="开始填写申报").click()
    page.wait_for_url("**/dossiers/*/")

    def saved():
        return page.expect_response(
            lambda r: r.request.method == "POST" and r.request.headers.get("x-autosave") == "1"
        )

    with saved() as first:
        page.get_by_label("个人业绩陈述").fill("主持中蒙口岸查验质量提升项目")
    assert first.value.status == 200
    assert "自动保存" in page.locator("#autosave-status").inner_text()
    page.reload()
    assert page.get_by_label("个人业绩陈述").input_value() == "主持中蒙口岸查验质量提升项目"
    with saved() as second:  # the fresh token of the reloaded page allows the next save
        page.get_by_label("个人业绩陈述").fill("第二次修改")
    assert second.value.status == 200
    page.reload()
    assert page.get_by_label("个人业绩陈述").input_value() == "第二次修改"
