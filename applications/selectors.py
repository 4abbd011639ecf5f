"""Reads, already scoped to the user and joined for their page."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from award_portal.workdays.models import Deadline, DeadlineStatus

from .enums import CycleState, DossierState
from .models import Cycle, Dossier, MobiliserProfile, Organisation
from .services.dossiers import QUALIFICATION_CLOCK, SUPPLEMENT_REPLY


def cycle_list_public() -> QuerySet[Cycle]:
    return Cycle.objects.exclude(state=CycleState.DRAFT).select_related("edition")


def cycle_open_calls() -> list[Cycle]:
    today = timezone.localdate()
    return list(
        Cycle.objects.filter(
            state=CycleState.ANNOUNCED,
            announcement_date__lte=today,
            application_deadline__gte=today,
        ).select_related("edition")
    )


def cycle_list_for_office() -> QuerySet[Cycle]:
    return (
        Cycle.objects.select_related("edition")
        .annotate(dossier_count=Count("dossiers"))
        .order_by("-created_at")
    )


def _open_deadline(kind: str, field: str = "due_date"):
    return Subquery(
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Dossier),
            subject_id=OuterRef("pk_text"),
            kind=kind,
            status=DeadlineStatus.OPEN,
        )
        .order_by("due_date")
        .values(field)[:1]
    )


def dossier_queue_for_office(*, cycle_id=None, state=None) -> QuerySet[Dossier]:
    """Received dossiers with their running clock (or reply due date), oldest first."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    dossiers = (
        Dossier.objects.exclude(state=DossierState.DRAFT)
        .select_related("cycle", "organisation", "individual")
        .annotate(pk_text=Cast("pk", CharField()))
        .annotate(
            clock_due=_open_deadline(QUALIFICATION_CLOCK),
            reply_due=_open_deadline(SUPPLEMENT_REPLY),
            notice_count=Count("notices", distinct=True),
        )
        .order_by("received_at", "id")
    )
    if cycle_id:
        dossiers = dossiers.filter(cycle_id=cycle_id)
    if state:
        dossiers = dossiers.filter(state=state)
    return dossiers


def dossier_list_for_applicant(user) -> QuerySet[Dossier]:
    return (
        get_objects_for_user(
            user, "applications.view_dossier", klass=Dossier, accept_global_perms=False
        )
        .select_related("cycle", "organisation", "individual")
        .order_by("-created_at")
    )


def dossier_visible_to(user) -> QuerySet[Dossier]:
    """Every dossier the user may know of; anything else is a 404."""
    if user.has_perm("applications.view_dossier"):
        return Dossier.objects.all()
    if not user.is_authenticated:
        return Dossier.objects.none()
    return get_objects_for_user(
        user, "applications.view_dossier", klass=Dossier, accept_global_perms=False
    )


def sector_applicants_for_mobiliser(user) -> tuple[str | None, QuerySet[Organisation]]:
    """Art. 9: the organisations of the mobiliser's sector and each dossier's stage,
    never contents."""
    profile = MobiliserProfile.objects.filter(user=user).first()
    if profile is None:
        return None, Organisation.objects.none()
    organisations = (
        Organisation.objects.filter(sector=profile.sector)
        .prefetch_related("dossiers__cycle")
        .only("id", "name", "sector")
    )
    return profile.sector, organisations
