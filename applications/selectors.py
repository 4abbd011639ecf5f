"""Reads, already scoped to the user and joined for their page."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from award_portal.workdays.models import Deadline, DeadlineStatus

from .enums import CycleState, DossierState
from .models import Cycle, Dossier, Invitation, MobiliserProfile, Organisation
from .services.dossiers import QUALIFICATION_CLOCK, SUPPLEMENT_REPLY


def cycle_list_public() -> QuerySet[Cycle]:
    return Cycle.objects.exclude(state=CycleState.DRAFT).select_related("edition")


def cycle_figures_public() -> QuerySet[Cycle]:
    """The public rounds with the short statistics everybody may read (Art. 6): how many
    applications were received, how many titles were awarded and how many of those were
    later revoked (Art. 28, 29: still awarded by the round, counted apart). Names stay
    on the notices."""
    return cycle_list_public().annotate(
        applicants=Count("dossiers", filter=Q(dossiers__received_at__isnull=False)),
        winners=Count("dossiers", filter=Q(dossiers__state__in=TITLE_AWARDED_STATES)),
        revoked=Count("dossiers", filter=Q(dossiers__state=DossierState.REVOKED)),
    )


#: a dossier whose round awarded it the title, valid or revoked since
TITLE_AWARDED_STATES = (DossierState.AWARDED, DossierState.REVOKED)


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


def dossier_queue_for_office(*, cycle_id=None, state=None) -> QuerySet[Dossier]:
    """Received dossiers, oldest first, with only the columns the queue shows. Call
    ``attach_clocks`` on the page's rows for their deadlines."""
    dossiers = (
        Dossier.objects.exclude(state=DossierState.DRAFT)
        .select_related("cycle", "organisation", "individual")
        .only(
            "id",
            "state",
            "kind",
            "received_at",
            "number",
            "cycle__id",
            "cycle__name",
            "cycle__state",  # read by the FSM mixin when a row is built
            "organisation__id",
            "organisation__name",
            "individual__id",
            "individual__full_name",
        )
        .order_by("received_at", "id")
    )
    if cycle_id:
        dossiers = dossiers.filter(cycle_id=cycle_id)
    if state:
        dossiers = dossiers.filter(state=state)
    return dossiers


def attach_clocks(dossiers: list[Dossier]) -> list[Dossier]:
    """Set ``clock_due``, ``clock_pending``, ``reply_due`` and ``notice_count`` on each
    row: two queries for the whole page, whatever its length. A pending clock (received
    in a year whose schedule is not confirmed yet) has no due date."""
    from .models import SupplementNotice

    ids = [d.pk for d in dossiers]
    due: dict[tuple[str, str], object] = {}
    pending: set[str] = set()
    for subject_id, kind, due_date in (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Dossier),
            subject_id__in=[str(pk) for pk in ids],
            status=DeadlineStatus.OPEN,
            kind__in=[QUALIFICATION_CLOCK, SUPPLEMENT_REPLY],
        )
        .order_by("-due_date")
        .values_list("subject_id", "kind", "due_date")
    ):
        if due_date is None:
            if kind == QUALIFICATION_CLOCK:
                pending.add(subject_id)
            continue
        due[(subject_id, kind)] = due_date  # the earliest wins: ordered latest first
    counts = dict(
        SupplementNotice.objects.filter(dossier_id__in=ids)
        .values("dossier_id")
        .annotate(n=Count("id"))
        .values_list("dossier_id", "n")
    )
    for dossier in dossiers:
        dossier.clock_pending = str(dossier.pk) in pending
        dossier.clock_due = due.get((str(dossier.pk), QUALIFICATION_CLOCK))
        dossier.reply_due = due.get((str(dossier.pk), SUPPLEMENT_REPLY))
        dossier.notice_count = counts.get(dossier.pk, 0)
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


def applicants_for_mobiliser(user):
    """Art. 9: the applicants of the department's territory or sector, and those it
    invited, with each dossier's stage — never contents, scores or files.

    Returns (profile, organisations, individuals); organisations and individuals carry
    their dossiers (with the round) prefetched.
    """
    from django.db.models import Prefetch, Q

    from .models import Individual, MobiliserScope

    profile = MobiliserProfile.objects.filter(user=user).first()
    if profile is None:
        return None, Organisation.objects.none(), Individual.objects.none()
    in_scope = (
        Q(district=profile.district)
        if profile.scope == MobiliserScope.DISTRICT
        else Q(sector=profile.sector)
    )
    dossiers = Prefetch(
        "dossiers",
        queryset=Dossier.objects.select_related("cycle")
        .only(
            "id", "state", "number", "organisation_id", "individual_id", "cycle__id", "cycle__name"
        )
        .order_by("-cycle__created_at"),
    )
    organisations = (
        Organisation.objects.filter(in_scope | Q(invited_by__mobiliser=user))
        .prefetch_related(dossiers)
        .only("id", "name", "sector", "district")
        .order_by("name")
    )
    individuals = (
        Individual.objects.filter(
            user__in=Invitation.objects.filter(mobiliser=user, accepted_by__isnull=False).values(
                "accepted_by"
            )
        )
        .prefetch_related(dossiers)
        .only("id", "full_name")
        .order_by("full_name")
    )
    return profile, organisations, individuals
