"""Stamped copies of trade-secret files: real PDFs and images in, a PDF out whose every
page carries the reader's name, the time and 商业秘密, without the original bytes."""

import io

import pytest
from pypdf import PdfReader, PdfWriter

from award_portal.documents.pdf import render_pdf
from award_portal.documents.watermark import Stamp, StampRefused, stamped_copy

pytestmark = [pytest.mark.unit]

STAMP = Stamp(reader="王明专家", when="2026-06-02 10:00", reference="2026-Z-001")


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def three_pages() -> bytes:
    """A real three-page PDF with Chinese text (WeasyPrint, the CJK font)."""
    from django.template import engines

    html = engines["django"].from_string(
        '<html lang="zh-Hans"><body>'
        '{% for n in "123" %}<h1 style="page-break-before: always">核心工艺第{{ n }}页</h1>'
        "{% endfor %}</body></html>"
    )
    from weasyprint import HTML

    return HTML(string=html.render({})).write_pdf()


def test_every_page_of_a_pdf_is_stamped(three_pages):
    stamped = stamped_copy(three_pages, content_type="application/pdf", stamp=STAMP)
    texts = pages_text(stamped)
    assert len(texts) == 3
    for number, text in enumerate(texts, start=1):
        assert f"核心工艺第{number}页" in text  # the original's content is kept
        assert "王明专家" in text
        assert "商业秘密" in text
        assert "2026-06-02 10:00" in text
        assert "2026-Z-001" in text
    assert three_pages not in stamped


def test_pages_of_different_sizes_and_a_turned_page_are_stamped(three_pages):
    writer = PdfWriter()
    reader = PdfReader(io.BytesIO(three_pages))
    writer.add_page(reader.pages[0])
    turned = writer.add_page(reader.pages[1])
    turned.rotate(90)
    small = writer.add_blank_page(width=300, height=200)
    assert small is not None
    buffer = io.BytesIO()
    writer.write(buffer)
    stamped = stamped_copy(buffer.getvalue(), content_type="application/pdf", stamp=STAMP)
    result = PdfReader(io.BytesIO(stamped))
    assert len(result.pages) == 3
    for page in result.pages:
        assert "商业秘密" in page.extract_text()
        assert "王明专家" in page.extract_text()
    # the turned page was turned in its content: it reads upright, the stamp too
    assert result.pages[1].rotation == 0
    assert float(result.pages[1].mediabox.width) > float(result.pages[1].mediabox.height)


def test_the_stamped_copy_drops_the_documents_attachments(three_pages):
    writer = PdfWriter(clone_from=io.BytesIO(three_pages))
    writer.add_attachment("secret-formula.txt", b"the original recipe")
    buffer = io.BytesIO()
    writer.write(buffer)
    stamped = stamped_copy(buffer.getvalue(), content_type="application/pdf", stamp=STAMP)
    assert b"the original recipe" not in stamped
    assert b"secret-formula" not in stamped


@pytest.mark.parametrize(
    "image_format,content_type", [("PNG", "image/png"), ("JPEG", "image/jpeg")]
)
def test_an_image_is_put_on_a_page_and_stamped(image_format, content_type):
    from PIL import Image

    image = Image.new("RGB", (900, 600), (20, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    original = buffer.getvalue()
    stamped = stamped_copy(original, content_type=content_type, stamp=STAMP)
    texts = pages_text(stamped)
    assert len(texts) == 1
    assert "王明专家" in texts[0] and "商业秘密" in texts[0]
    assert original not in stamped
    assert original[200:400] not in stamped  # not even the image's data as it was


def test_an_office_document_is_refused_with_the_office_as_the_place_to_read_it():
    with pytest.raises(StampRefused) as refused:
        stamped_copy(b"PK\x03\x04 not really", content_type="application/msword", stamp=STAMP)
    assert "Office" in refused.value.message


def test_a_password_protected_pdf_is_refused(three_pages):
    writer = PdfWriter(clone_from=io.BytesIO(three_pages))
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(StampRefused):
        stamped_copy(buffer.getvalue(), content_type="application/pdf", stamp=STAMP)


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png"])
def test_a_damaged_file_is_refused(content_type):
    with pytest.raises(StampRefused):
        stamped_copy(b"%PDF-1.7\n garbage", content_type=content_type, stamp=STAMP)


def test_the_demo_pdf_of_the_applications_is_stamped():
    original = render_pdf(template="applications/pdf/demo.html", context={"title": "测试材料"})
    stamped = stamped_copy(original, content_type="application/pdf", stamp=STAMP)
    assert "测试材料" in pages_text(stamped)[0]
