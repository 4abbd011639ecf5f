"""The round's archive (Art. 27): who asked for a build, what the worker made of it, and
every download, in the audit trail."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import CycleState
from applications.models import Cycle
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record

from ..models import ArchiveState, RoundArchive
from ..models.archive import IN_PROGRESS
from ..permissions import is_office, oversees

# a build that has not moved for this long is taken as lost (the worker died with it)
STALE_AFTER = timedelta(hours=1)
ARCHIVABLE = (CycleState.AWARDED,)


def archive_problem(cycle: Cycle) -> str:
    """Why the round cannot be archived yet, or ""."""
    if cycle.state not in ARCHIVABLE:
        return _("A round is archived once it is awarded (its stage now: %(stage)s).") % {
            "stage": cycle.get_state_display()
        }
    return ""


@transaction.atomic
def archive_request(*, actor, cycle: Cycle, request: HttpRequest | None = None) -> RoundArchive:
    """The office asks the worker for a new archive of a finished round.

    A second request while a build is queued or being built is refused with a message
    (the round's row is locked, and a constraint allows one build in progress); a build
    that has not moved for an hour is marked failed first, so a lost worker never blocks
    the round.
    Side effects, in order: a stale build marked failed; the build row (queued); one
    ``publicity.archive_requested`` event; the build task queued when the transaction
    commits.
    """
    if not is_office(actor):
        raise PermissionDenied
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    problem = archive_problem(cycle)
    if problem:
        raise ValidationError(problem)
    now = timezone.now()
    replaced = None
    for current in RoundArchive.objects.filter(cycle=cycle, state__in=IN_PROGRESS):
        if (current.started_at or current.requested_at) > now - STALE_AFTER:
            raise ValidationError(
                _("An archive of this round is already being built: wait until it is ready.")
            )
        current.state, current.finished_at = ArchiveState.FAILED, now
        current.error = _("The build stopped without finishing and was replaced.")
        current.save(update_fields=["state", "finished_at", "error"])
        replaced = current.pk
    try:
        with transaction.atomic():
            archive = RoundArchive.objects.create(cycle=cycle, requested_by=actor)
    except IntegrityError as error:  # a build started between the check and the insert
        raise ValidationError(
            _("An archive of this round is already being built: wait until it is ready.")
        ) from error
    audit_record(
        action=Action.ARCHIVE_REQUESTED,
        actor=actor,
        target=cycle,
        request=request,
        details={"archive": archive.pk, **({"replaced": replaced} if replaced else {})},
    )
    from ..tasks import archive_build_task

    transaction.on_commit(lambda: archive_build_task.delay(archive.pk))
    return archive


@transaction.atomic
def archive_start(*, archive_id: int) -> RoundArchive | None:
    """The worker claims a queued build (or one it was building when it died: the task
    is delivered again and starts afresh). None when there is nothing to do.

    Side effects, in order: the build ``building`` with its start time and no progress.
    """
    archive = (
        RoundArchive.objects.select_for_update()
        .select_related("cycle__edition")
        .filter(pk=archive_id, state__in=IN_PROGRESS)
        .first()
    )
    if archive is None:
        return None
    archive.state, archive.started_at = ArchiveState.BUILDING, timezone.now()
    archive.done = archive.total = 0
    archive.save(update_fields=["state", "started_at", "done", "total"])
    return archive


@transaction.atomic
def archive_complete(
    *, archive: RoundArchive, name: str, size: int, sha256: str, total: int, missing: int
) -> RoundArchive:
    """The worker's result: the file in private storage, its size and SHA-256.

    Side effects, in order: the build ``ready``; one ``publicity.archive_built`` event
    (by the worker, on the round) with the file's size, hash, entries and missing files.
    """
    archive.state, archive.finished_at = ArchiveState.READY, timezone.now()
    archive.file.name, archive.size, archive.sha256 = name, size, sha256
    archive.done = archive.total = total
    archive.missing = missing
    archive.save()
    audit_record(
        action=Action.ARCHIVE_BUILT,
        target=archive.cycle,
        actor_label="worker",
        details={
            "archive": archive.pk,
            "size": size,
            "sha256": sha256,
            "entries": total,
            "missing": missing,
        },
    )
    return archive


@transaction.atomic
def archive_fail(*, archive: RoundArchive, error: str) -> RoundArchive:
    """Side effects, in order: the build ``failed`` with the error; one
    ``publicity.archive_failed`` event (by the worker, on the round)."""
    archive.state, archive.finished_at, archive.error = ArchiveState.FAILED, timezone.now(), error
    archive.save(update_fields=["state", "finished_at", "error"])
    audit_record(
        action=Action.ARCHIVE_FAILED,
        target=archive.cycle,
        actor_label="worker",
        details={"archive": archive.pk, "error": error[:500]},
    )
    return archive


def archive_with_trade_secrets(actor) -> bool:
    """Whether ``actor`` takes the archive whole. Trade secrets (Art. 30) are read only
    by the owner, the office and the assigned experts (DESIGN §4): the auditor's copy
    leaves them out and lists them (path, size, SHA-256) instead."""
    return is_office(actor)


@transaction.atomic
def archive_download(
    *, actor, archive: RoundArchive, withheld: int = 0, request: HttpRequest | None = None
) -> RoundArchive:
    """The office or the auditor takes the archive (it holds confidential files; the
    auditor's copy leaves the ``withheld`` trade-secret files out).

    Side effects, in order: one ``publicity.archive_downloaded`` event on the round with
    the archive's id and SHA-256 and, for a copy without them, the number of
    trade-secret files left out.
    """
    if not oversees(actor):
        raise PermissionDenied
    if archive.state != ArchiveState.READY:
        raise ValidationError(_("This archive is not ready."))
    details = {"archive": archive.pk, "sha256": archive.sha256, "size": archive.size}
    if not archive_with_trade_secrets(actor):
        details["trade_secrets_withheld"] = withheld
    audit_record(
        action=Action.ARCHIVE_DOWNLOADED,
        actor=actor,
        target=archive.cycle,
        request=request,
        details=details,
    )
    return archive
