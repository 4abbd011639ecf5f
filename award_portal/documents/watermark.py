"""Trade-secret files shown to a reader as stamped PDFs (Art. 30).

A file the applicant marked as a trade secret leaves the portal only as a new PDF built
from the original, with every page stamped with the reader's name, the time and
商业秘密: a line at the head and the foot of the page and a faint diagonal text across
it. The original bytes are never sent.

- PDF: each page of the original is kept (its content, not the document's attachments,
  scripts or outline) and the stamp is merged over it; a page turned by ``/Rotate`` is
  turned in its content first, so the stamp reads upright.
- PNG or JPEG: the image is decoded, the stamp is drawn into its pixels, it is encoded
  again (which also drops its metadata), put on an A4 page, and that page is stamped.
- Anything else (Word, Excel, PowerPoint): the portal cannot turn it into a PDF without
  an office suite, and a stamp on a file the reader can edit would not stay on it. Such a
  file is refused (``StampRefused``); it can be read at the office only. The same holds
  for a PDF that is encrypted or cannot be read.

The stamp is a separate page rendered by WeasyPrint with the CJK font the other PDFs use
(transparent apart from its text) and merged by pypdf, so its text can be extracted again
(tests look for the reader's name on every page).
"""

from __future__ import annotations

import base64
import io
import warnings
from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext as _

STAMP_FONT = '"Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei", sans-serif'
SECRET_MARK = "商业秘密"  # noqa: S105 - the words "trade secret" printed on the page, not a password
IMAGE_TYPES = {"image/png", "image/jpeg"}


class StampRefused(Exception):
    """The file cannot be shown as a stamped PDF; ``message`` says why, for the reader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Stamp:
    """What is printed on every page."""

    reader: str
    when: str  # the time, as it should read on the page
    reference: str = ""  # e.g. the application number

    @property
    def line(self) -> str:
        parts = [SECRET_MARK, f"仅供评审专家{self.reader}阅读", self.when]
        if self.reference:
            parts.append(self.reference)
        parts.append("不得复制、传播")
        return " · ".join(parts)

    @property
    def diagonal(self) -> str:
        return f"{SECRET_MARK} {self.reader} {self.when}"


def _stamp_html(stamp: Stamp, width: float, height: float) -> str:
    # Sizes in points, as the page it goes on. The diagonal lines are spread over the
    # page so that cutting one strip away leaves others.
    size = max(10.0, min(width, height) / 24)
    rows = max(2, int(height // (size * 9)))
    diagonals = "".join(
        f'<p class="d" style="top:{(i + 0.5) * height / rows:.1f}pt">{escape(stamp.diagonal)}</p>'
        for i in range(rows)
    )
    return f"""<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><style>
@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0; }}
html, body {{ margin: 0; padding: 0; background: transparent; }}
body {{ font-family: {STAMP_FONT}; width: {width:.2f}pt; height: {height:.2f}pt;
  position: relative; overflow: hidden; }}
.line {{ position: absolute; left: 0; right: 0; margin: 0; text-align: center;
  font-size: {max(6.0, size / 2.2):.1f}pt; color: rgba(176, 0, 0, 0.85); }}
.head {{ top: 4pt; }}
.foot {{ bottom: 4pt; }}
.d {{ position: absolute; left: -{width * 0.25:.1f}pt; width: {width * 1.5:.1f}pt; margin: 0;
  text-align: center; white-space: nowrap; font-size: {size:.1f}pt;
  color: rgba(176, 0, 0, 0.16); transform: rotate(-30deg); }}
</style></head><body>
<p class="line head">{escape(stamp.line)}</p>{diagonals}
<p class="line foot">{escape(stamp.line)}</p>
</body></html>"""


def _stamp_page(stamp: Stamp, width: float, height: float):
    from pypdf import PdfReader
    from weasyprint import HTML

    rendered = HTML(string=_stamp_html(stamp, width, height)).write_pdf()
    return PdfReader(io.BytesIO(rendered)).pages[0]


def stamp_pdf(data: bytes, stamp: Stamp) -> bytes:
    """A new PDF: every page of ``data`` with the stamp over it."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.errors import PdfReadError

    refused = _("This PDF cannot be read (it may be damaged or protected by a password).")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise StampRefused(refused)
        pages = list(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise StampRefused(refused) from error
    if not pages:
        raise StampRefused(refused)
    writer = PdfWriter()
    stamps: dict[tuple[float, float], object] = {}
    for original in pages:
        # pypdf changes a page's contents only once it belongs to a writer
        page = writer.add_page(original)
        try:
            if page.rotation:
                page.transfer_rotation_to_content()
            box = page.cropbox
            width, height = float(box.width), float(box.height)
        except (PdfReadError, ValueError, KeyError, TypeError) as error:
            raise StampRefused(refused) from error
        key = (round(width, 1), round(height, 1))
        if key not in stamps:
            stamps[key] = _stamp_page(stamp, width, height)
        page.merge_transformed_page(
            stamps[key], Transformation().translate(float(box.left), float(box.bottom))
        )
    writer.add_metadata({"/Title": SECRET_MARK, "/Producer": "award-portal"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


FONT_FILES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


def _burn_in(image, stamp: Stamp):
    """The stamp drawn into the pixels too: a copy cut out of the PDF still carries it,
    and the image data can never equal the original's."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = image.size
    size = max(12, min(width, height) // 18)
    font = None
    for path in FONT_FILES:
        try:
            font = ImageFont.truetype(path, size)
            break
        except OSError:
            continue
    if font is None:
        font = ImageFont.load_default(size)
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    step = size * 6
    for top in range(0, height + step, step):
        draw.text((size, top), stamp.diagonal, font=font, fill=(176, 0, 0, 70))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def image_pdf(data: bytes, stamp: Stamp) -> bytes:
    """A PNG or JPEG on an A4 page: decoded, the stamp drawn into it, encoded again
    (never the original bytes, nor its metadata)."""
    from PIL import Image, UnidentifiedImageError
    from weasyprint import HTML

    refused = _("This image cannot be read (it may be damaged).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                flat = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                flat.paste(rgba, mask=rgba.getchannel("A"))
                encoded = io.BytesIO()
                _burn_in(flat, stamp).save(encoded, format="PNG")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise StampRefused(refused) from error
    except Image.DecompressionBombWarning as error:
        raise StampRefused(refused) from error
    source = "data:image/png;base64," + base64.b64encode(encoded.getvalue()).decode("ascii")
    html = f"""<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 14mm; }}
body {{ margin: 0; }}
img {{ display: block; max-width: 100%; max-height: 265mm; margin: 0 auto; }}
</style></head><body><img src="{source}" alt=""></body></html>"""
    return HTML(string=html).write_pdf()


def stamped_copy(data: bytes, *, content_type: str, stamp: Stamp) -> bytes:
    """The stamped PDF a reader may be given for a trade-secret file of this type.

    Raises ``StampRefused`` (with a message for the reader) for a type that cannot be
    stamped (Office documents: to be read at the office) or a file that cannot be read.
    """
    if content_type == "application/pdf":
        return stamp_pdf(data, stamp)
    if content_type in IMAGE_TYPES:
        return stamp_pdf(image_pdf(data, stamp), stamp)
    raise StampRefused(
        _(
            "This confidential file is an Office document. The portal shows confidential "
            "files only as PDFs stamped with your name, and an Office document cannot be "
            "stamped here; it can be read at the coordination office only. Ask the office "
            "for an appointment."
        )
    )
