"""The working group's pages (Art. 7, 21, 25): the rounds a member sits on, the candidates
and their summaries, conflict declarations, and the secret vote during the meeting.

Only members of a round's roster see it; anyone else, and a member asking for a
candidate it declared a conflict with, gets the same 404. Votes and tallies are shown to
no member before the meeting closes.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from award_portal.accounts.mixins import RolePermissionRequiredMixin

from ..enums import MeetingState
from ..forms.group import ConflictForm, VoteForm
from ..group_selectors import (
    candidate_entry,
    candidate_summary,
    candidates_for,
    is_present,
    meeting_result,
    membership_of,
    memberships_of,
    recused_ids,
    round_context,
)
from ..models import Ballot, Vote
from ..services.group import conflict_declare, conflict_refusals, vote_cast


class GroupPage(RolePermissionRequiredMixin, View):
    permission_required = "publicity.view_meeting"

    def member_for(self, cycle_id: int):
        member = membership_of(self.request.user, cycle_id)
        if member is None:
            raise Http404
        return member


class GroupHomeView(GroupPage):
    """The rounds on whose roster the member is, with what waits in each."""

    template_name = "publicity/group/home.html"

    def get(self, request):
        rounds = [round_context(member) for member in memberships_of(request.user)]
        return render(request, self.template_name, {"rounds": rounds})


class GroupRoundView(GroupPage):
    """One round for a member: the documents, the meeting, the candidates (a recused one
    is a row saying so and nothing else), and after the close the tallies."""

    template_name = "publicity/group/round.html"

    def get(self, request, cycle):
        member = self.member_for(cycle)
        candidates = candidates_for(member)
        for_round, per_candidate = conflict_refusals(member)
        for _kind, rows in candidates:
            for row in rows:
                row.conflict_refused = per_candidate.get(row.dossier.pk, "")
        context = {
            "member": member,
            "cycle": member.cycle,
            "r": round_context(member),
            "candidates": candidates,
            "conflict_closed": for_round,
        }
        return render(request, self.template_name, context)


class GroupDossierView(GroupPage):
    """A candidate's summary: the review's figures and comments, the public's comments
    and how they were weighed. No file of the dossier, no personal data."""

    template_name = "publicity/group/dossier.html"

    def get(self, request, cycle, dossier):
        member = self.member_for(cycle)
        entry = candidate_entry(member, dossier)
        if entry is None:
            raise Http404
        return render(
            request,
            self.template_name,
            {
                "member": member,
                "cycle": member.cycle,
                "summary": candidate_summary(entry),
                "conflict_refused": conflict_refused(member, entry.dossier_id),
            },
        )


class GroupConflictView(GroupPage):
    """Declare a conflict with a candidate (Art. 25): from then on the member sees
    nothing of it and does not vote on it."""

    template_name = "publicity/group/conflict.html"

    def setup_candidate(self, cycle, dossier):
        self.member = self.member_for(cycle)
        self.entry = candidate_entry(self.member, dossier)
        if self.entry is None:
            raise Http404

    def get(self, request, cycle, dossier):
        self.setup_candidate(cycle, dossier)
        return self.page(ConflictForm())

    def post(self, request, cycle, dossier):
        self.setup_candidate(cycle, dossier)
        form = ConflictForm(request.POST)
        if form.is_valid():
            try:
                conflict_declare(
                    actor=request.user,
                    cycle=self.member.cycle,
                    dossier=self.entry.dossier,
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _(
                        "Your conflict is recorded. You are recused from this candidate: you "
                        "will not see it or vote on it."
                    ),
                )
                return redirect("publicity:group-round", cycle=self.member.cycle.pk)
        return self.page(form, status=400)

    def page(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "member": self.member,
                "cycle": self.member.cycle,
                "entry": self.entry,
                "form": form,
                "refused": conflict_refused(self.member, self.entry.dossier_id),
            },
            status=status,
        )


def conflict_refused(member, dossier_id: int) -> str:
    """Why the member can no longer declare a conflict with the candidate ("" if it can)."""
    for_round, per_candidate = conflict_refusals(member)
    return for_round or per_candidate.get(dossier_id, "")


class GroupVoteView(GroupPage):
    """One ballot for a member: during the meeting a present member votes on every
    candidate it is not recused from, once; afterwards the ballot's tallies."""

    template_name = "publicity/group/vote.html"

    def setup_ballot(self, pk):
        ballot = get_object_or_404(Ballot.objects.select_related("meeting__cycle"), pk=pk)
        self.member = self.member_for(ballot.meeting.cycle_id)
        self.ballot = ballot
        self.meeting = ballot.meeting
        recused = recused_ids(self.member)
        self.candidates = [
            d
            for d in ballot.candidates.select_related("organisation", "individual").order_by(
                "number"
            )
            if d.pk not in recused
        ]
        self.recused = sum(1 for d in ballot.candidates.all() if d.pk in recused)

    def get(self, request, pk):
        self.setup_ballot(pk)
        return self.page(VoteForm(candidates=self.candidates))

    def post(self, request, pk):
        self.setup_ballot(pk)
        form = VoteForm(request.POST, candidates=self.candidates)
        if not self.is_open():
            return self.refused(_("Voting on this ballot is closed; your vote was not taken."))
        recorded = self.recorded_at()
        if recorded is not None:
            return self.refused(self.already_voted(recorded))
        if form.is_valid():
            try:
                vote_cast(
                    actor=request.user,
                    ballot=self.ballot,
                    choices=form.choices(),
                    request=request,
                )
            except ValidationError as error:
                recorded = self.recorded_at()
                if recorded is not None:  # the same member's other click, a moment ago
                    return self.refused(self.already_voted(recorded))
                return self.refused(" ".join(error.messages))
            messages.success(
                request,
                _("Your votes are recorded. They stay secret until the meeting closes."),
            )
            return redirect(reverse("publicity:group-vote", args=[self.ballot.pk]))
        return self.page(form, status=400)

    def refused(self, message: str):
        """The vote was not taken: the page as it stands now, with the reason."""
        return self.page(VoteForm(candidates=self.candidates), status=409, problem=message)

    def is_open(self) -> bool:
        self.ballot.refresh_from_db(fields=["closed_at"])
        self.meeting.refresh_from_db(fields=["state"])
        return self.meeting.state == MeetingState.OPEN and self.ballot.closed_at is None

    def recorded_at(self):
        return (
            Vote.objects.filter(ballot=self.ballot, member=self.member)
            .order_by("cast_at")
            .values_list("cast_at", flat=True)
            .first()
        )

    @staticmethod
    def already_voted(when) -> str:
        return _(
            "Your votes on this ballot were recorded at %(when)s. A vote cannot be cast twice "
            "or changed."
        ) % {"when": timezone.localtime(when).strftime("%H:%M")}

    def page(self, form, status=200, problem=""):
        result = meeting_result(self.meeting, self.member)
        ballot_results = []
        if result is not None:
            ballot_results = [b for b in result["ballots"] if b.ballot.pk == self.ballot.pk]
        return render(
            self.request,
            self.template_name,
            {
                "member": self.member,
                "cycle": self.meeting.cycle,
                "meeting": self.meeting,
                "ballot": self.ballot,
                "form": form,
                "open": self.meeting.state == MeetingState.OPEN and self.ballot.closed_at is None,
                "present": is_present(self.meeting, self.member),
                "voted_at": self.recorded_at(),
                "recused_count": self.recused,
                "result": result,
                "ballot_results": ballot_results,
                "problem": problem,
            },
            status=status,
        )
