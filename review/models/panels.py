"""Panels (评审组, Art. 18), their members, the dossiers assigned to them, and each
expert's assignment to one dossier in one stage."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ..enums import (
    AssignmentState,
    ConflictType,
    FlagSource,
    FlagState,
    MemberState,
)
from .agencies import Expert
from .plans import ReviewStage


class Panel(models.Model):
    stage = models.ForeignKey(ReviewStage, on_delete=models.PROTECT, related_name="panels")
    name = models.CharField(_("name"), max_length=100)
    leader = models.ForeignKey(
        Expert,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        ordering = ["stage", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "name"], name="review_panel_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    state = models.CharField(
        _("status"), max_length=10, choices=MemberState.choices, default=MemberState.INVITED
    )
    invited_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        ordering = ["panel", "id"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "expert"], name="review_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.panel} · {self.expert}"


class PanelDossier(models.Model):
    """A dossier given to a panel for one stage (one panel per dossier and stage)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="dossiers")
    stage = models.ForeignKey(ReviewStage, on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="panel_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    # named by the office when the panel's leader is recused from the dossier; without
    # it the next non-conflicted accepted member acts (``services.panels.acting_leader``)
    acting_leader = models.ForeignKey(
        Expert,
        verbose_name=_("acting leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stage", "dossier"], name="review_dossier_one_panel")
        ]

    def __str__(self) -> str:
        return f"{self.panel} · {self.dossier_id}"


class Assignment(ConcurrentTransitionMixin, models.Model):
    """One expert, one dossier, one stage. Invariant: the expert sees anything of the
    dossier beyond its name, kind, sector and district only in ``declared``,
    ``scoring`` or ``submitted`` while the stage is open (the object grant)."""

    stage = models.ForeignKey(ReviewStage, on_delete=models.PROTECT, related_name="assignments")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="review_assignments"
    )
    state = FSMField(
        _("status"),
        default=AssignmentState.OFFERED,
        choices=AssignmentState.choices,
        protected=True,
    )
    offered_at = models.DateTimeField(default=timezone.now)
    declared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    recused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["stage", "dossier", "expert"]
        permissions = [("review_assignment", _("Can read and score the assigned dossier"))]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "expert", "dossier"], name="review_assignment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.dossier_id} · {self.stage}"

    @transition(field=state, source=AssignmentState.OFFERED, target=AssignmentState.DECLARED)
    def declare(self):
        self.declared_at = timezone.now()

    @transition(field=state, source=AssignmentState.DECLARED, target=AssignmentState.SCORING)
    def start_scoring(self):
        pass

    @transition(
        field=state,
        source=[AssignmentState.DECLARED, AssignmentState.SCORING],
        target=AssignmentState.SUBMITTED,
    )
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=state, source=AssignmentState.SUBMITTED, target=AssignmentState.SCORING)
    def reopen(self):
        """The panel leader returned the sheet."""
        self.submitted_at = None

    @transition(
        field=state,
        source=[
            AssignmentState.OFFERED,
            AssignmentState.DECLARED,
            AssignmentState.SCORING,
            AssignmentState.SUBMITTED,
        ],
        target=AssignmentState.RECUSED,
    )
    def recuse(self):
        self.recused_at = timezone.now()

    @transition(
        field=state,
        source=[AssignmentState.OFFERED, AssignmentState.DECLARED, AssignmentState.SCORING],
        target=AssignmentState.WITHDRAWN,
    )
    def withdraw(self):
        """The agency moved the dossier or the expert elsewhere before a sheet was in."""


class AssignmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Assignment, on_delete=models.CASCADE)


class AssignmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Assignment, on_delete=models.CASCADE)


class ConflictDeclaration(models.Model):
    """An expert's declaration about one dossier (Art. 25), before any access. Append-only:
    a later declaration of a conflict recuses the expert from the dossier for good."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="declarations")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    has_conflict = models.BooleanField(_("has a conflict"))
    conflict_type = models.CharField(
        _("kind of conflict"), max_length=20, choices=ConflictType.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["declared_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(has_conflict=False, conflict_type="")
                | (models.Q(has_conflict=True) & ~models.Q(conflict_type="")),
                name="review_declaration_typed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.dossier_id} · {self.has_conflict}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("a declaration never changes")
        super().save(*args, **kwargs)


class ConflictFlag(models.Model):
    """A likely conflict the portal detected or the applicant named. While open it blocks
    assigning the expert to the dossier; the office resolves it with a reason."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="conflict_flags")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="conflict_flags"
    )
    source = models.CharField(_("source"), max_length=20, choices=FlagSource.choices)
    detail = models.CharField(_("detail"), max_length=255)
    state = models.CharField(
        _("status"), max_length=10, choices=FlagState.choices, default=FlagState.OPEN
    )
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "dossier", "source"], name="review_flag_once")
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.dossier_id} · {self.source}"
