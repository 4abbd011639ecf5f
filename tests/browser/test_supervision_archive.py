"""The round's archive and the statistics in a real browser: the office opens an awarded
round's hub, builds the archive, downloads it and checks its manifest; the auditor reads
the statistics with their charts and takes the spreadsheet. Screenshots at desktop and
phone width land in var/screenshots/supervision-archive/."""

import csv
import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from applications.models import DossierFile
from award_portal.accounts.enums import Role
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory
from tests.factories.applications import pdf_bytes
from tests.factories.publicity_rounds import awarded_round

from .axe import axe_violations
from .navigation import nav_click

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "supervision-archive"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill(password)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/dashboard/")


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert axe_violations(page) == [], name
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def round_on_file(edition_2021):
    office = UserFactory(username="clerk_a", display_name="王文书", role=Role.OFFICE)
    auditor = UserFactory(username="auditor_z", display_name="纪检监督员", role=Role.AUDITOR)
    cycle, awards = awarded_round(office, edition_2021, name="第一届市长质量奖", others=3)
    body = pdf_bytes()
    upload = DossierFile(
        dossier=awards[0].dossier,
        kind="evidence",
        title="质量管理体系证书",
        original_name="证书.pdf",
        content_type="application/pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        uploaded_by=office,
    )
    upload.file.save("upload.pdf", ContentFile(body), save=False)
    upload.save()
    return office, auditor, cycle, upload


def test_the_office_archives_a_round_and_the_auditor_reads_the_statistics(
    page, round_on_file, tmp_path
):
    office, auditor, cycle, upload = round_on_file
    page.set_viewport_size(DESKTOP)
    log_in(page, office.username)

    # the archive, one click from the round's hub (the stage "supervision")
    page.goto(f"/office/cycles/{cycle.pk}/")
    page.get_by_role("link", name="届次档案").first.click()
    main = page.locator("main")
    assert "本届尚未生成档案" in main.inner_text()
    shoot(page, "01-archive-empty")
    page.get_by_role("button", name="生成新档案").click()
    # the tests' worker runs in-process: the build is done when the page comes back
    assert "档案正在生成" in page.locator(".messages").inner_text()
    row = page.locator("main section.panel").first
    assert "已生成" in row.inner_text()
    assert re.search(r"已写入(\d+)项，共\1项", row.inner_text())
    shoot(page, "02-archive-ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载（ZIP）").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert download.suggested_filename.startswith(f"archive-{cycle.code}-")
    shown_hash = row.locator("code").inner_text()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == shown_hash
    with zipfile.ZipFile(path) as opened:
        manifest = list(
            csv.DictReader(io.StringIO(opened.read("manifest.csv").decode("utf-8-sig")))
        )
        for entry in manifest:
            body = opened.read(entry["path"])
            assert hashlib.sha256(body).hexdigest() == entry["sha256"], entry["path"]
        assert {e["sha256"] for e in manifest} >= {upload.sha256}
    assert AuditEvent.objects.filter(action=Action.ARCHIVE_DOWNLOADED, actor=office).count() == 1

    # the auditor: the statistics from the navigation, charts with their tables
    page.context.clear_cookies()
    log_in(page, auditor.username)
    nav_click(page, "统计分析")
    page.wait_for_url("**/statistics/")
    chart = page.locator("svg.chart").first
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    assert page.locator("svg.chart title").first.text_content() == "各届申报数与获奖数"
    table = page.locator("table", has_text="各届申报数与获奖数")
    assert "第一届市长质量奖" in table.inner_text() and "2（其中民营企业1个）" in table.inner_text()
    # at 1280px the overview's seven columns fit: the table is not squeezed into a scroll
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
    assert table.bounding_box()["width"] > 700
    # each bar's figure carries its unit
    bars = page.locator("svg.chart").first.text_content()
    assert "件" in bars and "个" in bars
    font = page.evaluate(
        "() => getComputedStyle(document.querySelector('svg.chart text')).fontSize"
    )
    assert font == "13px"
    # on a phone the narrow drawing replaces the wide one: its text stays readable
    page.set_viewport_size(PHONE)
    assert not page.locator("svg.chart-wide").first.is_visible()
    narrow = page.locator("svg.chart-narrow").first
    scale = narrow.evaluate("s => s.getBoundingClientRect().width / s.viewBox.baseVal.width")
    assert narrow.is_visible() and 13 * scale >= 12, scale
    page.set_viewport_size(DESKTOP)
    assert "各环节通过率" in page.locator("main").inner_text()
    shoot(page, "03-statistics")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载统计表（Excel）").click()
    book = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert book["评审届次"]["A2"].value == "第一届市长质量奖"
    # the auditor reads the archive page but cannot start a build
    page.goto(f"/office/rounds/{cycle.pk}/archive/")
    assert page.get_by_role("button", name="生成新档案").count() == 0
    assert page.get_by_role("link", name="下载（ZIP）").count() == 1
