"""Mobilising departments (Art. 9): invite organisations, see their sector's stages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from award_portal.accounts.mixins import RolePermissionRequiredMixin

from ..enums import Sector
from ..forms import InvitationForm
from ..models import Invitation
from ..selectors import sector_applicants_for_mobiliser
from ..services.mobilisers import invitation_send


class SectorView(RolePermissionRequiredMixin, View):
    permission_required = "applications.add_invitation"
    template_name = "applications/mobiliser/sector.html"

    def page(self, request, form):
        sector, organisations = sector_applicants_for_mobiliser(request.user)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "sector": Sector(sector).label if sector else None,
                "organisations": organisations,
                "invitations": Invitation.objects.filter(mobiliser=request.user)[:50],
            },
        )

    def get(self, request):
        return self.page(request, InvitationForm())

    def post(self, request):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation_send(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The invitation was sent."))
                return redirect("applications:sector")
        return self.page(request, form)


class InvitationAcceptView(View):
    """The link in the invitation: remember it, then register as an organisation."""

    def get(self, request, token: str):
        invitation = get_object_or_404(Invitation, token=token, accepted_at__isnull=True)
        request.session["invitation"] = invitation.token
        messages.info(
            request,
            _(
                "Register your organisation; the sector “%(sector)s” from the "
                "invitation is applied to its profile."
            )
            % {"sector": invitation.get_sector_display()},
        )
        if request.user.is_authenticated:
            return redirect("applications:profile")
        return redirect("/accounts/register/?kind=organisation")
