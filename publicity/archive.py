"""The round's archive (Art. 27): one zip file built by the worker.

The archive is a registry of sections. A section is a function of the round that yields
``Entry`` objects: a path inside the zip and a way to open its content (bytes, or a file
object that is read in chunks). Nothing is opened until the entry is written, so the
list of entries (and the progress total) is known before the first byte, and the zip is
written straight to a temporary file, one chunk at a time: neither the archive nor a
member file is ever held in memory. Later features (fund reports, visits, revocations)
add their own section with ``@archive_section("key", order=...)``.

Every member is listed in ``manifest.csv`` with its size and SHA-256, computed from the
bytes written; files that the database names but storage no longer holds are listed in
``missing.csv`` (and counted on the build), never silently left out.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from award_portal.documents.spreadsheets import csv_cell

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
# already compressed: stored as they are (deflating them again costs time, saves nothing)
STORED = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".pptx", ".zip"}
# never written to the archive (the archive is read by the auditor as well as the office)
SECRET_FIELDS = {"id_number_encrypted", "id_number_hash", "code_hash", "token", "password"}
# contacts of members of the public are kept masked, as the auditor reads them on pages
MASKED_FIELDS = {"contact", "phone"}


@dataclass(frozen=True)
class Entry:
    path: str
    open: Callable[[], bytes | BinaryIO]


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    build: Callable[[object], Iterable[Entry]]


_sections: dict[str, Section] = {}


def archive_section(key: str, *, order: int):
    """Register ``function(cycle) -> Iterable[Entry]`` as the archive's section ``key``
    (written in ``order``; registering the same key again replaces it)."""

    def register(function):
        _sections[key] = Section(key, order, function)
        return function

    return register


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


# --- helpers for sections -------------------------------------------------------------------
def safe_name(text: str, *, limit: int = 60) -> str:
    """A file or folder name from anybody's text: no separators, no control characters."""
    cleaned = re.sub(r"[\\/:*?\"<>|\x00-\x1f\s]+", "_", str(text or "")).strip("._")
    return cleaned[:limit] or "file"


def scrub(value):
    """``value`` without secret keys at any depth (a receipt's frozen applicant holds the
    encrypted ID number and its hash)."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in SECRET_FIELDS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def _plain(value):
    if isinstance(value, dict | list):
        return json.dumps(scrub(value), ensure_ascii=False, default=str)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def _json_value(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat()
    return str(value)


def _mask(value) -> str:
    from award_portal.privacy import mask

    text = str(value or "")
    if "@" in text:
        name, domain = text.split("@", 1)
        return f"{name[:1]}***@{domain}"
    return mask(text, keep_start=3, keep_end=4) if text else ""


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in SECRET_FIELDS]


def _cell(name: str, value):
    if name in MASKED_FIELDS:
        return _mask(value)
    return csv_cell(_plain(value))


def table(path: str, queryset: models.QuerySet, columns: list[str] | None = None) -> Entry:
    """A CSV of the rows (every stored column except secrets; contacts masked), in UTF-8
    with a byte-order mark so a spreadsheet reads the Chinese text."""

    def render() -> bytes:
        names = columns or _columns(queryset.model)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(names)
        for row in queryset.order_by("pk").values_list(*names).iterator(chunk_size=500):
            writer.writerow([_cell(n, v) for n, v in zip(names, row, strict=True)])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")

    return Entry(path, render)


def record(path: str, obj: models.Model | dict) -> Entry:
    """One record as JSON (stored columns, or the dict as given)."""

    def render() -> bytes:
        if isinstance(obj, dict):
            data = scrub(obj)
        else:
            data = {name: scrub(getattr(obj, name)) for name in _columns(type(obj))}
            for name in MASKED_FIELDS & set(data):
                data[name] = _mask(data[name])
        return json.dumps(data, ensure_ascii=False, indent=2, default=_json_value).encode("utf-8")

    return Entry(path, render)


def stored_file(path: str, field_file) -> Entry:
    """A file of private storage, opened only when written."""
    name, storage = field_file.name, field_file.storage
    return Entry(path, lambda: storage.open(name, "rb"))


def file_path(folder: str, pk: int, original: str, stored: str) -> str:
    stem = os.path.splitext(os.path.basename(original or ""))[0]
    return f"{folder}/{pk}-{safe_name(stem)}{os.path.splitext(stored)[1]}"


# --- writing ---------------------------------------------------------------------------------
class _BuiltFile(File):
    """The finished zip; file-system storage moves it into place instead of copying it."""

    def temporary_file_path(self) -> str:
        return self.file.name


@dataclass
class Written:
    path: str
    size: int
    sha256: str
    section: str


def _write_entry(archive: zipfile.ZipFile, entry: Entry, stamp) -> tuple[int, str]:
    info = zipfile.ZipInfo(entry.path, date_time=stamp)
    stored = os.path.splitext(entry.path)[1].lower() in STORED
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    source = entry.open()
    digest, size = hashlib.sha256(), 0
    with archive.open(info, "w", force_zip64=True) as target:
        if isinstance(source, bytes):
            digest.update(source)
            target.write(source)
            size = len(source)
        else:
            with source:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    target.write(chunk)
                    size += len(chunk)
    return size, digest.hexdigest()


def collect(cycle) -> list[tuple[str, Entry]]:
    """Every entry of every section, content not yet opened."""
    found = []
    seen = set()
    for section in sections():
        for entry in section.build(cycle):
            if entry.path in seen:  # a name twice would hide a file; never expected
                raise ValueError(f"duplicate archive path {entry.path}")
            seen.add(entry.path)
            found.append((section.key, entry))
    return found


def build_zip(
    cycle, target: BinaryIO, *, progress: Callable[[int, int], None] = lambda done, total: None
) -> tuple[list[Written], list[tuple[str, str]], int]:
    """Write the round's archive into ``target`` (a seekable binary file). Returns the
    manifest rows, the missing files (path, reason) and the number of entries."""
    with translation.override("zh-hans"):  # labels and PDFs of the record are Chinese
        entries = collect(cycle)
        total = len(entries) + 1  # + the manifest
        progress(0, total)
        stamp = timezone.localtime().timetuple()[:6]
        written: list[Written] = []
        missing: list[tuple[str, str]] = []
        last = 0.0
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, (section, entry) in enumerate(entries, start=1):
                try:
                    size, sha = _write_entry(archive, entry, stamp)
                except FileNotFoundError as error:
                    missing.append((entry.path, str(error)))
                else:
                    written.append(Written(entry.path, size, sha, section))
                if time.monotonic() - last > 0.5:
                    progress(done, total)
                    last = time.monotonic()
            if missing:
                body = _csv_bytes(["path", "reason"], missing)
                written.append(_write_bytes(archive, "missing.csv", body, stamp, "manifest"))
            rows = [[w.path, w.size, w.sha256, w.section] for w in written]
            manifest = _csv_bytes(["path", "size", "sha256", "section"], rows)
            _write_bytes(archive, "manifest.csv", manifest, stamp, "manifest")
        progress(total, total)
    return written, missing, total


def _csv_bytes(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[csv_cell(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _write_bytes(archive, path, body, stamp, section) -> Written:
    size, sha = _write_entry(archive, Entry(path, lambda: body), stamp)
    return Written(path, size, sha, section)


def file_sha256(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def archive_build(archive_id: int) -> None:
    """The worker's job: claim the build, write the zip to a temporary file beside the
    private storage, move it into storage, record the result. Safe to run again: a
    build already finished is left alone."""
    from .models import RoundArchive
    from .services.archive import archive_complete, archive_fail, archive_start

    archive = archive_start(archive_id=archive_id)
    if archive is None:
        return

    def progress(done: int, total: int) -> None:
        RoundArchive.objects.filter(pk=archive.pk).update(done=done, total=total)

    scratch = Path(settings.PRIVATE_STORAGE_ROOT) / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=scratch, suffix=".zip", delete=False)  # noqa: SIM115  closed below, moved into storage
    try:
        with handle:
            _written, missing, total = build_zip(archive.cycle, handle, progress=progress)
            handle.flush()
            size = os.fstat(handle.fileno()).st_size
            sha = file_sha256(handle)
        with open(handle.name, "rb") as built:
            name = default_storage.save(
                f"archives/{archive.cycle_id}/{archive.filename}", _BuiltFile(built)
            )
    except Exception:
        # the exception and its traceback go to the log; the office and the auditor read
        # a plain message on the page and in the audit trail
        log.exception("archive %s failed", archive.pk)
        with translation.override(settings.LANGUAGE_CODE):
            message = _(
                "The archive could not be built (a technical fault, recorded in the server "
                "log). Build it again; if it fails again, tell the system administrator."
            )
        archive_fail(archive=archive, error=str(message))
        return
    finally:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
    archive_complete(
        archive=archive, name=name, size=size, sha256=sha, total=total, missing=len(missing)
    )


def read_manifest(handle: BinaryIO) -> list[dict]:
    """The manifest of a built archive (for checks and tests)."""
    with zipfile.ZipFile(handle) as archive:
        text = archive.read("manifest.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def iter_members(handle: BinaryIO) -> Iterator[tuple[str, str, int]]:
    """(path, SHA-256, size) of every member but the manifest, hashed in chunks."""
    with zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            if info.filename == "manifest.csv":
                continue
            digest = hashlib.sha256()
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
            yield info.filename, digest.hexdigest(), info.file_size


# the sections of the record itself
from . import archive_sections  # noqa: E402, F401  (registers the sections)

CONFIDENTIAL_FOLDER = "/files-confidential/"


def is_confidential(path: str) -> bool:
    """A trade-secret file of a dossier (Art. 30), as the dossier section names it."""
    return CONFIDENTIAL_FOLDER in path


def copy_without_confidential(source: BinaryIO, target: BinaryIO) -> list[str]:
    """Copy a built archive member by member, in chunks, leaving out the trade-secret
    files; ``confidential-withheld.csv`` lists each one left out with its size and
    SHA-256 from the manifest (so the copy still checks against the manifest, which is
    kept whole). Returns the paths left out."""
    withheld = []
    with zipfile.ZipFile(source) as built, zipfile.ZipFile(target, "w") as copy:
        text = built.read("manifest.csv").decode("utf-8-sig")
        manifest = {row["path"]: row for row in csv.DictReader(io.StringIO(text))}
        for info in built.infolist():
            if is_confidential(info.filename):
                withheld.append(info.filename)
                continue
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = info.compress_type
            member.file_size = info.file_size
            with (
                built.open(info) as reader,
                copy.open(member, "w", force_zip64=info.file_size > 2**31) as writer,
            ):
                while chunk := reader.read(CHUNK):
                    writer.write(chunk)
        rows = [
            [path, manifest.get(path, {}).get("size", ""), manifest.get(path, {}).get("sha256", "")]
            for path in withheld
        ]
        copy.writestr("confidential-withheld.csv", _csv_bytes(["path", "size", "sha256"], rows))
    return withheld
