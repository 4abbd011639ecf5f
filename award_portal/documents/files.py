"""Private uploaded files (DESIGN §8): type detected from content, size limits, SHA-256,
and downloads as attachments. Only PDF, images and Office formats are accepted, and Office
files only without code: no macros (VBA, Excel 4.0 macro sheets, ActiveX) and no embedded
programs or packaged files, since the office and the experts open them on their own
computers."""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

OOXML_MAIN = {
    # The main part's content type decides the kind: a package whose name says .docx but
    # whose main part is a macro-enabled document (.docm) or a binary workbook (.xlsb)
    # is not what its name says.
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
# Content types (lower case) that carry macros: macro-enabled main parts (.docm, .xlsm,
# .pptm and their templates), the VBA project, Excel 4.0 macro sheets. ActiveX controls
# are programs of their own, refused as embedded ones.
OOXML_MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata", "macrosheet")
OOXML_ACTIVEX_MARKER = "activex"
OOXML_OLE_OBJECT = "application/vnd.openxmlformats-officedocument.oleobject"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An OLE2 compound file is a Word, Excel or PowerPoint document only with the stream
# that holds its text; installers (.msi), Outlook messages (.msg), Visio drawings and
# encrypted packages share the container but none of these streams.
OLE2_KINDS = {
    "worddocument": ("application/msword", ".doc"),
    "workbook": ("application/vnd.ms-excel", ".xls"),
    "book": ("application/vnd.ms-excel", ".xls"),  # Excel 5/95
    "powerpoint document": ("application/vnd.ms-powerpoint", ".ppt"),
}
# Storages and streams of a VBA project: Word's "Macros", Excel's "_VBA_PROJECT_CUR",
# and "VBA" / "_VBA_PROJECT" inside them (and inside a PowerPoint project).
OLE2_MACRO_NAMES = {"macros", "_vba_project_cur", "_vba_project", "vba"}
# An OLE object holding an arbitrary file (the Packager's "Ole10Native": an .exe, a
# script) or a whole package ("Package").
OLE2_PACKAGE_NAMES = {"\x01ole10native", "ole10native", "package"}

EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
EXECUTABLE_EXTENSIONS = {
    ".exe", ".dll", ".scr", ".com", ".bat", ".cmd", ".pif", ".msi", ".msp", ".jar", ".js",
    ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".ps1", ".hta", ".lnk", ".cpl", ".reg", ".sh",
}  # fmt: skip

# What one embedded part or compressed PowerPoint object may hold once unpacked; a zip
# bomb stops here.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_DEPTH = 3  # an object inside an object inside a document

MACROS = "macros"
EMBEDDED = "embedded"


@dataclass(frozen=True)
class Inspected:
    content_type: str
    extension: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Detected:
    """What a file is (None: not an accepted kind) and whether it carries code."""

    kind: tuple[str, str] | None
    problem: str | None = None


def detect(upload) -> Detected:
    """The kind from the first bytes and, for Office files, the structure inside."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return Detected(("application/pdf", ".pdf"))
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Detected(("image/png", ".png"))
    if head.startswith(b"\xff\xd8\xff"):
        return Detected(("image/jpeg", ".jpg"))
    try:
        if head.startswith(OLE2_MAGIC):
            return _detect_ole2(upload.read())
        if head.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(upload) as archive:
                return _detect_ooxml(archive, depth=0)
    # Whatever a damaged or hostile container makes the parsers raise (olefile's
    # OleFileError, zipfile's BadZipFile, zlib.error, struct.error, EOFError, an
    # encrypted member's RuntimeError, ...) means "not a document we can accept", never
    # a server error.
    except Exception:
        return Detected(None)
    finally:
        upload.seek(0)
    return Detected(None)


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        data = member.read(MAX_UNPACKED + 1)
    if len(data) > MAX_UNPACKED:
        raise ValueError(f"{name} unpacks to more than {MAX_UNPACKED} bytes")
    return data


def _detect_ooxml(archive: zipfile.ZipFile, *, depth: int) -> Detected:
    names = archive.namelist()
    if "[Content_Types].xml" not in names:
        return Detected(None)
    # The attributes are read with a pattern rather than an XML parser: nothing here
    # needs the tree, and no entity of a hostile file is ever expanded.
    types_xml = _read_member(archive, "[Content_Types].xml").decode("utf-8", "replace")
    overrides = {
        part.lower(): kind.lower()
        for part, kind in re.findall(
            r"<Override\b[^>]*?PartName=[\"']([^\"']+)[\"'][^>]*?ContentType=[\"']([^\"']+)",
            types_xml,
        )
    }
    defaults = {
        extension.lower(): kind.lower()
        for extension, kind in re.findall(
            r"<Default\b[^>]*?Extension=[\"']([^\"']+)[\"'][^>]*?ContentType=[\"']([^\"']+)",
            types_xml,
        )
    }
    all_types = [kind.lower() for kind in re.findall(r"ContentType=[\"']([^\"']+)", types_xml)]
    lowered = [name.lower() for name in names]
    if any(marker in kind for kind in all_types for marker in OOXML_MACRO_MARKERS) or any(
        name.endswith("vbaproject.bin") or "/macrosheets/" in name for name in lowered
    ):
        return Detected(None, MACROS)
    if any(OOXML_ACTIVEX_MARKER in kind for kind in all_types) or any(
        "/activex/" in name for name in lowered
    ):
        return Detected(None, EMBEDDED)
    # The main part is named by an Override as Office writes it; a Default is accepted
    # too, as some writers use one.
    kind = next(
        (
            OOXML_MAIN[kind]
            for kind in [*overrides.values(), *defaults.values()]
            if kind in OOXML_MAIN
        ),
        None,
    )
    for name in names:
        lower = name.lower()
        part_type = overrides.get(
            "/" + lower, defaults.get(os.path.splitext(lower)[1].lstrip("."), "")
        )
        if "/embeddings/" in "/" + lower or part_type == OOXML_OLE_OBJECT:
            problem = _embedded_problem(lower, _read_member(archive, name), depth=depth + 1)
            if problem:
                return Detected(kind, problem)
    return Detected(kind)


def _embedded_problem(name: str, data: bytes, *, depth: int) -> str | None:
    """An object embedded in a document: an executable or a packaged file is refused,
    an embedded Office document is inspected like an upload."""
    if data.startswith(EXECUTABLE_MAGIC) or os.path.splitext(name)[1] in EXECUTABLE_EXTENSIONS:
        return EMBEDDED
    if depth > MAX_DEPTH:
        return EMBEDDED  # objects nested deeper than any document needs
    if data.startswith(OLE2_MAGIC):
        return _ole2_problem(data, depth=depth)
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _detect_ooxml(archive, depth=depth).problem
    return None


def _detect_ole2(data: bytes) -> Detected:
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        top = {entry[0].lower() for entry in ole.listdir(streams=True, storages=True)}
        kind = next((OLE2_KINDS[name] for name in OLE2_KINDS if name in top), None)
        if kind is None:
            return Detected(None)
        return Detected(kind, _ole2_structure_problem(ole, depth=0))


def _ole2_problem(data: bytes, *, depth: int) -> str | None:
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return _ole2_structure_problem(ole, depth=depth)


def _ole2_structure_problem(ole, *, depth: int) -> str | None:
    """Macros or packaged files anywhere in the storage tree (an ObjectPool of a Word
    document, an embedded workbook), Excel 4.0 macro sheets, and the objects PowerPoint
    keeps compressed inside its document stream."""
    embedded = False
    for path in ole.listdir(streams=True, storages=True):
        lowered = [part.lower() for part in path]
        if OLE2_MACRO_NAMES.intersection(lowered):
            return MACROS
        embedded = embedded or lowered[-1] in OLE2_PACKAGE_NAMES
    for name in ("Workbook", "Book"):
        if ole.exists(name) and _xls_has_macro_sheet(ole.openstream(name).read()):
            return MACROS
    if ole.exists("PowerPoint Document"):
        problem = _ppt_problem(ole.openstream("PowerPoint Document").read(), depth=depth)
        if problem:
            return problem
    return EMBEDDED if embedded else None


def _xls_has_macro_sheet(stream: bytes) -> bool:
    """BIFF: a BoundSheet record (0x0085) of an Excel 4.0 macro sheet (type 1) or a VBA
    module sheet (type 6) in the workbook globals, which end at the first EOF (0x000A)."""
    position = 0
    while position + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, position)
        if record == 0x0085 and length >= 6 and stream[position + 9] in (0x01, 0x06):
            return True
        if record == 0x000A:
            return False
        position += 4 + length
    return False


def _ppt_problem(stream: bytes, *, depth: int) -> str | None:
    """[MS-PPT] records: a VBA project (VBAInfoAtom with fHasMacros) and every embedded
    object storage (ExOleObjStg, 0x1011; zlib-compressed when its instance is 1), which
    is an OLE2 file of its own and inspected as one."""
    pending = [(0, len(stream))]
    while pending:
        position, end = pending.pop()
        while position + 8 <= end:
            ver_instance, record, length = struct.unpack_from("<HHI", stream, position)
            body = position + 8
            if body + length > end:
                break
            if ver_instance & 0x000F == 0x000F:  # a container: look inside
                pending.append((body, body + length))
            elif record == 0x0400 and length >= 8:  # VBAInfoAtom
                if struct.unpack_from("<I", stream, body + 4)[0] == 1:
                    return MACROS
            elif record == 0x1011:  # ExOleObjStg
                storage = stream[body : body + length]
                if ver_instance >> 4 == 1:
                    inflater = zlib.decompressobj()
                    storage = inflater.decompress(storage[4:], MAX_UNPACKED)
                    if inflater.unconsumed_tail:
                        return EMBEDDED  # larger than any object a dossier needs
                problem = _embedded_problem("", storage, depth=depth + 1)
                if problem:
                    return problem
            position = body + length
    return None


PROBLEM_MESSAGES = {
    MACROS: gettext_lazy(
        "“%(name)s” contains macros. Office files with macros are not accepted: save it "
        "without macros (as .docx, .xlsx or .pptx) or as a PDF and upload it again."
    ),
    EMBEDDED: gettext_lazy(
        "“%(name)s” contains an embedded program or packaged file. Remove the embedded "
        "object, or save the document as a PDF, and upload it again."
    ),
}


def inspect_upload(upload) -> Inspected:
    """Check one uploaded file; raise ``ValidationError`` with a message for the person."""
    limit = settings.PORTAL_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; files may be at most %(limit)s MB.")
            % {
                "name": upload.name,
                "size": upload.size / 1024 / 1024,
                "limit": settings.PORTAL_MAX_UPLOAD_MB,
            }
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": upload.name})
    detected = detect(upload)
    if detected.problem:
        raise ValidationError(
            PROBLEM_MESSAGES[detected.problem] % {"name": upload.name}, code=detected.problem
        )
    if detected.kind is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, an image (PNG, JPEG) or an Office document (Word, "
                "Excel, PowerPoint). Whatever its name says, its content decides."
            )
            % {"name": upload.name}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    kind = detected.kind
    return Inspected(kind[0], kind[1], upload.size, digest.hexdigest())


def attachment_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    """The file as a download, never rendered inline by the browser."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
