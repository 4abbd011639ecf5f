"""What revocation adds to the round's hub (DESIGN §11): under "supervision after the
award", the open cases and the revoked titles of the round, and where the work is."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def revocation_stage(cycle, stages, today, calendar) -> None:
    from applications.enums import CycleState

    from .enums import RevocationState
    from .models import RevocationCase

    if cycle.state != CycleState.AWARDED or "supervision" not in stages:
        return
    stage = stages["supervision"]
    cases = RevocationCase.objects.filter(award__cycle=cycle)
    open_cases = cases.filter(
        state__in=[RevocationState.OPENED, RevocationState.ANSWERED, RevocationState.PROPOSED]
    ).count()
    recovering = cases.filter(state=RevocationState.REVOKED).count()
    revoked = cases.filter(state__in=[RevocationState.REVOKED, RevocationState.CLOSED]).count()
    if open_cases:
        stage.waiting.append(
            ngettext("%(n)s revocation case open", "%(n)s revocation cases open", open_cases)
            % {"n": open_cases}
        )
    if revoked:
        stage.waiting.append(
            ngettext("%(n)s title revoked", "%(n)s titles revoked", revoked) % {"n": revoked}
        )
    if recovering:
        stage.waiting.append(
            ngettext("%(n)s recovery not complete", "%(n)s recoveries not complete", recovering)
            % {"n": recovering}
        )
    stage.links.append((str(_("Revocations and bans")), reverse("publicity:revocations")))
