from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from award_portal.rules.models import RulebookEdition

from ..enums import CycleState


class Cycle(ConcurrentTransitionMixin, models.Model):
    """One round (届) of the award, bound to the edition in force when it was announced.

    Transitions change only this model; ``services.cycles`` checks guards that need other
    tables, calls them, saves and audits.
    """

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("round code"),
        max_length=12,
        unique=True,
        help_text=_(
            "Begins every application number of the round (e.g. 2026 gives 2026-Z-003). "
            "Empty: the year of the announcement."
        ),
    )
    edition = models.ForeignKey(
        RulebookEdition,
        verbose_name=_("rulebook edition"),
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    state = FSMField(
        _("stage"), default=CycleState.DRAFT, choices=CycleState.choices, protected=True
    )
    announcement_date = models.DateField(_("announcement date"), null=True, blank=True)
    application_deadline = models.DateField(
        _("applications close"),
        null=True,
        blank=True,
        help_text=_("Applications are accepted until 24:00 of this day."),
    )
    # no default here: the round takes the edition's quotas unless the office sets fewer
    quota_organisation = models.PositiveSmallIntegerField(_("organisation awards"))
    quota_individual = models.PositiveSmallIntegerField(_("individual awards"))
    call_text = models.TextField(_("text of the call"), blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    review_started_at = models.DateTimeField(null=True, blank=True)
    # the second half of the flow (Art. 19-22); publicity/ moves the round through
    # ``services.cycles.cycle_transition``
    results_published_at = models.DateTimeField(null=True, blank=True)
    comment_closed_at = models.DateTimeField(null=True, blank=True)
    publicity_started_at = models.DateTimeField(null=True, blank=True)
    publicity_ended_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    interval_reason = models.TextField(
        _("reason for announcing before the interval between rounds"), blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-announcement_date", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("applications:call-detail", args=[self.pk])

    @transition(field=state, source=CycleState.DRAFT, target=CycleState.ANNOUNCED)
    def announce(self):
        self.announced_at = timezone.now()

    @transition(field=state, source=CycleState.ANNOUNCED, target=CycleState.QUALIFICATION)
    def close_applications(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=CycleState.QUALIFICATION, target=CycleState.EXPERT_REVIEW)
    def start_expert_review(self):
        self.review_started_at = timezone.now()

    @transition(field=state, source=CycleState.EXPERT_REVIEW, target=CycleState.PUBLIC_COMMENT)
    def publish_results(self):
        self.results_published_at = timezone.now()

    @transition(field=state, source=CycleState.PUBLIC_COMMENT, target=CycleState.GROUP_VOTE)
    def close_comment(self):
        self.comment_closed_at = timezone.now()

    @transition(field=state, source=CycleState.GROUP_VOTE, target=CycleState.PUBLICITY)
    def start_publicity(self):
        self.publicity_started_at = timezone.now()

    @transition(field=state, source=CycleState.PUBLICITY, target=CycleState.APPROVAL)
    def end_publicity(self):
        self.publicity_ended_at = timezone.now()

    @transition(field=state, source=CycleState.APPROVAL, target=CycleState.AWARDED)
    def record_approval(self):
        self.approved_at = timezone.now()

    @transition(
        field=state,
        source=[
            CycleState.DRAFT,
            CycleState.ANNOUNCED,
            CycleState.QUALIFICATION,
            CycleState.EXPERT_REVIEW,
            CycleState.PUBLIC_COMMENT,
            CycleState.GROUP_VOTE,
            CycleState.PUBLICITY,
            CycleState.APPROVAL,
        ],
        target=CycleState.CANCELLED,
    )
    def cancel(self, reason: str = ""):
        self.cancelled_reason = reason
        self.cancelled_at = timezone.now()
