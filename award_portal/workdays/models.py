from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from award_portal.documents.chinese import shown_day


class YearSchedule(models.Model):
    """One year's State Council holiday notice (国务院办公厅关于 Y 年部分节假日安排的通知).

    Its holiday ranges and make-up working days override the ``chinese_calendar`` data.
    Only a confirmed schedule takes effect, so a notice being typed in changes nothing.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice_number = models.CharField(
        _("notice number"), max_length=100, blank=True, help_text=_("e.g. 国办发明电〔2025〕7号")
    )
    notice_date = models.DateField(_("notice date"), null=True, blank=True)
    notice_url = models.URLField(_("notice link"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("year schedule")
        verbose_name_plural = _("year schedules")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class HolidayRange(models.Model):
    """放假: consecutive rest days of one holiday, weekends inside included."""

    schedule = models.ForeignKey(
        YearSchedule, on_delete=models.CASCADE, related_name="holidays", verbose_name=_("year")
    )
    name = models.CharField(_("holiday"), max_length=50)
    start = models.DateField(_("first day off"))
    end = models.DateField(_("last day off"))

    class Meta:
        verbose_name = _("holiday range")
        verbose_name_plural = _("holiday ranges")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="workdays_range_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {shown_day(self.start)}–{shown_day(self.end)}"


class MakeupWorkday(models.Model):
    """上班: a weekend day that is a working day (调休)."""

    schedule = models.ForeignKey(
        YearSchedule,
        on_delete=models.CASCADE,
        related_name="makeup_days",
        verbose_name=_("year"),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("for holiday"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("make-up working day")
        verbose_name_plural = _("make-up working days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="workdays_makeup_unique")
        ]

    def __str__(self) -> str:
        return shown_day(self.date)


class DeadlineStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("deadline", "Open")
    MET = "met", pgettext_lazy("deadline", "Met")
    CANCELLED = "cancelled", pgettext_lazy("deadline", "Cancelled")


class Deadline(models.Model):
    """A date the portal keeps because somebody must act by it.

    ``due_date`` is the ``working_days``-th working day after ``start_date`` (the start
    day not counted), as the calendar whose ``fingerprint`` is stored computed it; the
    deadline ends at 24:00 Asia/Shanghai of ``due_date``. Domain apps create deadlines
    through ``deadline_create`` and close them with ``deadline_close``.
    """

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    label = models.CharField(_("what is due"), max_length=255)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # GenericForeignKey writes None for "no subject", so NULL (not "") means none here
    subject_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    subject = GenericForeignKey("subject_type", "subject_id")
    url = models.CharField(_("link"), max_length=500, blank=True)
    start_date = models.DateField(_("counted from"))
    working_days = models.PositiveIntegerField(_("working days"))
    # NULL while the due date falls in a year without a known schedule: the deadline is
    # pending and is computed when that year's schedule is confirmed (never guessed)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    fingerprint = models.CharField(_("calendar fingerprint"), max_length=64)
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible"), related_name="deadlines"
    )
    escalate_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("told when overdue"),
        blank=True,
        related_name="escalated_deadlines",
        help_text=_("Besides the responsible people, who hears of it once it is overdue."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="workdays_open_due_idx"),
            models.Index(
                fields=["subject_type", "subject_id", "kind", "status"], name="workdays_subject_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({shown_day(self.due_date) or '?'})"

    @property
    def is_pending(self) -> bool:
        return self.due_date is None


class ReminderKind(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("reminder", "Upcoming deadline")
    OVERDUE = "overdue", pgettext_lazy("reminder", "Overdue")
    SCHEDULE_MISSING = "schedule_missing", pgettext_lazy("reminder", "Next year's schedule missing")


class ReminderSent(models.Model):
    """One reminder that went out. The unique key makes every sweep idempotent: a retry,
    a second run or two workers at once send each reminder once."""

    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    key = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "user"], name="workdays_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
