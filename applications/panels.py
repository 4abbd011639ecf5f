"""What this app adds to the core's navigation and dashboards."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award_portal.web.navigation import ROUNDS, WORKBENCH, NavItem
from award_portal.web.registry import Panel


def _applicant(request) -> dict:
    from .models import Individual
    from .selectors import cycle_open_calls, dossier_list_for_applicant
    from .services.applicants import organisation_of

    user = request.user
    has_profile = (
        organisation_of(user) is not None
        if user.applicant_kind == "organisation"
        else Individual.objects.filter(user=user).exists()
    )
    return {
        "dossiers": list(dossier_list_for_applicant(user)),
        "calls": cycle_open_calls(),
        "has_profile": has_profile,
    }


def _office(request) -> dict:
    from award_portal.workdays.models import Deadline, DeadlineStatus

    from .enums import DossierState
    from .models import Dossier
    from .services.dossiers import QUALIFICATION_CLOCK

    waiting = Dossier.objects.filter(
        state__in=[DossierState.SUBMITTED, DossierState.SUPPLEMENT_REQUESTED]
    ).count()
    overdue = Deadline.objects.filter(
        kind=QUALIFICATION_CLOCK, status=DeadlineStatus.OPEN, due_date__lt=timezone.localdate()
    ).count()
    return {"queue_count": waiting, "overdue_count": overdue}


def _public(request) -> dict:
    from .selectors import cycle_open_calls

    return {"calls": cycle_open_calls()}


NAV = [
    NavItem(
        _("All rounds"), "applications:cycle-list", ROUNDS, "applications.view_cycle", order=10
    ),
    NavItem(_("Calls for applications"), "applications:call-list", ROUNDS, public=True),
    NavItem(
        _("Qualification queue"), "applications:queue", WORKBENCH, "applications.check_dossier"
    ),
    NavItem(
        _("My applications"), "applications:my-dossiers", WORKBENCH, "applications.add_dossier"
    ),
    NavItem(_("My profile"), "applications:profile", WORKBENCH, "applications.add_dossier"),
    NavItem(_("My sector"), "applications:sector", WORKBENCH, "applications.add_invitation"),
]

PANELS = [
    ("applicant", Panel("applications/panels/applicant.html", _applicant)),
    ("office", Panel("applications/panels/office.html", _office)),
    ("public", Panel("applications/panels/public.html", _public)),
]
