"""Mobilising departments (Art. 9): invite organisations and people, see the stage of
the applicants of their territory or sector (never contents or scores)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from award_portal.accounts.mixins import RolePermissionRequiredMixin

from ..forms import InvitationForm
from ..models import Invitation
from ..selectors import applicants_for_mobiliser
from ..services.mobilisers import invitation_send


class SectorView(RolePermissionRequiredMixin, View):
    permission_required = "applications.add_invitation"
    template_name = "applications/mobiliser/sector.html"

    def page(self, request, form):
        profile, organisations, individuals = applicants_for_mobiliser(request.user)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "profile": profile,
                "organisations": organisations,
                "individuals": individuals,
                "invitations": Invitation.objects.filter(mobiliser=request.user)[:100],
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
    """The link in the invitation: the registration form, filled in from the invitation.
    The invitation itself is tied to the e-mail address, so it is taken up by whoever
    registers with that address — on any device, after any log-in."""

    def get(self, request, token: str):
        invitation = get_object_or_404(Invitation, token=token, accepted_at__isnull=True)
        if request.user.is_authenticated:
            messages.info(
                request,
                _(
                    "You are logged in. The invitation is taken up when the profile of an "
                    "account with the address %(email)s is saved."
                )
                % {"email": invitation.email},
            )
            return redirect("applications:profile")
        query = urlencode(
            {
                "kind": invitation.kind,
                "name": invitation.organisation_name,
                "email": invitation.email,
            }
        )
        return redirect(f"{reverse('accounts:register')}?{query}")
