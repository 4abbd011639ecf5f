from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("outbox", "Queued")
    SENT = "sent", pgettext_lazy("outbox", "Sent")
    FAILED = "failed", pgettext_lazy("outbox", "Failed")


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("outbox", "E-mail")
    SMS = "sms", pgettext_lazy("outbox", "Text message")


class OutboxMessage(models.Model):
    """Every e-mail (and text message) the portal sends, kept whatever the delivery
    backend did with it.

    The office can see what was sent to whom and when; failed deliveries are retried by
    the ``notifications.outbox_retry_failed`` task.
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # a text message keeps the phone number in ``to`` and its text in ``body``
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    from_email = models.CharField(_("from"), max_length=254)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    bcc = models.JSONField(_("bcc"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Set by a sender that may run twice (a retried task): the second run finds the
    # message of the first instead of queuing another.
    key = models.CharField(_("idempotency key"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="outbox_key_unique"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_time_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class Notification(models.Model):
    """An in-app message for one user (reminders, decisions); mirrored by e-mail.

    Its link is offered only while the reader may open the page: the service that takes
    the reader's access to that page away (a review stage closing, a title revoked) also
    closes the link (``link_closed_at``, see ``notification_links_close``) in the same
    transaction. The text and the address stay, for the record.
    """

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    link_closed_at = models.DateTimeField(_("link closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_unread_idx")]

    def __str__(self) -> str:
        return self.title
