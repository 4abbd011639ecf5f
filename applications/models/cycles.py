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
    quota_organisation = models.PositiveSmallIntegerField(_("organisation awards"), default=1)
    quota_individual = models.PositiveSmallIntegerField(_("individual awards"), default=1)
    call_text = models.TextField(_("text of the call"), blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    review_started_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(_("reason for cancelling"), blank=True)
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

    @transition(
        field=state,
        source=[
            CycleState.DRAFT,
            CycleState.ANNOUNCED,
            CycleState.QUALIFICATION,
            CycleState.EXPERT_REVIEW,
        ],
        target=CycleState.CANCELLED,
    )
    def cancel(self, reason: str = ""):
        self.cancelled_reason = reason
