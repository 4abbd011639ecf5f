"""Chinese typography as a government office writes it (STYLE: Chinese text): a form's
labels end with "：", money has separators (200,000元), and no page a visitor, an
applicant or the office can reach shows half-width brackets or colons beside Chinese,
"。:" or "：：", or a space between two Chinese characters. The catalogue says 您."""

import io
import re
import time
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from award_portal.accounts.models import User

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[3]
CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
CJK_OR_PUNCTUATION = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff1f]"
MISTAKES = {
    "half-width bracket or colon beside Chinese": re.compile(rf"{CJK}[():]|[():]{CJK}"),
    "full stop and colon": re.compile(r"。[:：]"),
    "doubled colon": re.compile(r"[：:][：:]"),
    "space between Chinese": re.compile(rf"{CJK_OR_PUNCTUATION} +{CJK_OR_PUNCTUATION}"),
    "money without separators": re.compile(r"(?<![\d,.])\d{4,}(?:\.\d+)? ?(?:元|万元)"),
}
# The Measures are shown as the city government published them, half-width commas and all.
VERBATIM = {"/rules/measures-2021/"}
SKIP = re.compile(r"^/(admin|static|media)/|logout|\.(pdf|xlsx|csv|atom)$|/export|/download")


class _VisibleText(HTMLParser):
    """The text a person sees (each text node on its own, white space collapsed as the
    browser does), plus the labels of controls a screen reader says."""

    SAID = ("aria-label", "title", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self.texts += [attrs[name] for name in self.SAID if attrs.get(name)]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            # HTML collapses ASCII white space only; an ideographic space (U+3000) stays
            text = re.sub(r"[ \t\n\r\f]+", " ", data)
            if text.strip():
                self.texts.append(text)


def _read(html: str) -> _VisibleText:
    parser = _VisibleText()
    parser.feed(html)
    return parser


def _mistakes(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for name, pattern in MISTAKES.items():
            for match in pattern.finditer(text):
                start = max(match.start() - 12, 0)
                found.append(f"{name}: …{text[start : match.end() + 12]}…")
    return found


def _pattern(path: str) -> str:
    parts = urlsplit(path)
    keys = sorted(key.split("=")[0] for key in parts.query.split("&") if key)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _walk(client: Client, start: list[str], limit: int = 250) -> dict[str, list[str]]:
    """Every page reachable by links from ``start``, two of each URL shape at most."""
    seen_shapes: dict[str, int] = {}
    queue, visited, problems = list(start), set(), {}
    timings = []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        if path in visited or SKIP.search(urlsplit(path).path):
            continue
        shape = _pattern(path)
        if seen_shapes.get(shape, 0) >= 2:
            continue
        seen_shapes[shape] = seen_shapes.get(shape, 0) + 1
        visited.add(path)
        started = time.monotonic()
        response = client.get(path)
        if response.streaming:  # a download holds its file open until read to the end
            b"".join(response.streaming_content)
        timings.append((time.monotonic() - started, path))
        assert response.status_code < 500, path
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = _read(response.content.decode())
        if path not in VERBATIM:
            found = _mistakes(page.texts)
            if found:
                problems[path] = found
        for link in page.links:
            parts = urlsplit(link)
            if not parts.scheme and not parts.netloc and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert len(visited) > 10, visited
    return problems


@pytest.fixture
def demo(settings, tmp_path):
    """The demo accounts and round of `make run`, on a known working day (2026-11-02),
    with the demo's files in a temporary directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": tmp_path}},
    }
    settings.DEBUG = True  # the demo commands refuse to run otherwise
    moment = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        call_command("load_demo_data", stdout=io.StringIO())
        call_command("load_demo_cycle", stdout=io.StringIO())
        settings.DEBUG = False
        yield


@pytest.mark.parametrize("username", ["anonymous", "office", "org1", "org2", "person1"])
def test_no_page_breaks_chinese_typography(demo, username):
    client = Client()
    if username != "anonymous":
        client.force_login(User.objects.get(username=username))
    start = ["/", reverse("web:dashboard")] if username != "anonymous" else ["/"]
    problems = _walk(client, start)
    if problems:
        pytest.fail(
            "\n".join(f"{path}\n  " + "\n  ".join(found) for path, found in problems.items())
        )


def test_the_crawl_finds_what_it_looks_for():
    """The checks themselves: each catches its mistake and passes the right form."""
    wrong = [
        "申报时间:2026年",
        "(北京时间)",
        "已收到。:",
        "地址：：前进路",
        "专家 李强",
        "奖励 200000 元",
        "欢迎， 王敏",
    ]
    right = ["申报时间：2026年", "（北京时间）", "24:00（北京时间）", "200,000元", "A++ 长辈版"]
    assert [text for text in wrong if not _mistakes([text])] == []
    assert _mistakes(right) == []


def _labels(html: str) -> list[str]:
    return re.findall(r"<label [^>]*>([^<]+)</label>", html)


def test_form_labels_end_with_a_full_width_colon_in_chinese(client):
    labels = _labels(client.get(reverse("accounts:register")).content.decode())
    assert labels and all(label.endswith("：") for label in labels), labels
    assert not any(label.endswith(("：：", ":")) for label in labels)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    labels = _labels(client.get(reverse("accounts:register")).content.decode())
    assert labels and all(label.endswith(":") and "：" not in label for label in labels)


def test_money_has_thousands_separators_on_the_call_page(demo):
    """200,000元: separators, and (house style) no space between a number and Chinese."""
    from applications.models import Cycle

    cycle = Cycle.objects.get()
    edition = cycle.edition
    assert edition.prize_organisation_yuan >= 10_000
    body = Client().get(reverse("applications:call-detail", args=[cycle.pk])).content.decode()
    amounts = re.findall(r"<dd>([^<]*元)</dd>", body)
    assert f"{edition.prize_organisation_yuan:,}元" in amounts, amounts
    assert str(edition.prize_organisation_yuan) + "元" not in body


def test_the_catalogue_addresses_the_reader_as_nin():
    po = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    live = [block for block in po.split("\n\n") if not block.lstrip().startswith("#~")]
    msgstrs = [line for block in live for line in block.splitlines() if line.startswith("msgstr")]
    assert len(msgstrs) > 500
    assert [line for line in msgstrs if "你" in line] == []
