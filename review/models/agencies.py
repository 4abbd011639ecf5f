"""The review agency a round engages (Art. 17) and the experts it (or the office) keeps."""

import os
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award_portal.web.fields import validate_one_line

from ..enums import ProcurementMethod


def _private_name(prefix: str, filename: str) -> str:
    # the stored name never comes from the user: a random name plus the extension of the
    # detected type (the service passes it)
    extension = os.path.splitext(filename)[1][:8]
    return f"{prefix}/{secrets.token_hex(16)}{extension}"


def contract_upload_to(instance, filename: str) -> str:
    return _private_name("review/contracts", filename)


def finding_upload_to(instance, filename: str) -> str:
    return _private_name("review/onsite", filename)


class ReviewAgency(models.Model):
    """A review agency (评审机构). One agency may serve several rounds."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_one_line])
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accounts"),
        through="AgencyStaff",
        related_name="review_agencies",
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review agency")
        verbose_name_plural = _("review agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyStaff(models.Model):
    agency = models.ForeignKey(ReviewAgency, on_delete=models.PROTECT)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agency_staff"
    )
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.agency} · {self.user}"


class Engagement(models.Model):
    """The procurement record of the agency a round engaged (Art. 8(2), 17).

    One per round. The agency's accounts act only for the rounds it is engaged for.
    """

    cycle = models.OneToOneField(
        "applications.Cycle", on_delete=models.PROTECT, related_name="engagement"
    )
    agency = models.ForeignKey(
        ReviewAgency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="engagements"
    )
    procurement_method = models.CharField(
        _("procurement method"), max_length=32, choices=ProcurementMethod.choices
    )
    procurement_method_other = models.CharField(
        _("procurement method (other)"), max_length=100, blank=True
    )
    notice_number = models.CharField(_("procurement notice no."), max_length=100)
    notice_date = models.DateField(_("procurement notice date"))
    contract_number = models.CharField(_("contract no."), max_length=100)
    amount_yuan = models.DecimalField(_("contract amount (yuan)"), max_digits=14, decimal_places=2)
    service_from = models.DateField(_("service from"))
    service_until = models.DateField(_("service until"))
    scope = models.TextField(_("scope of service"))
    contract_scan = models.FileField(
        _("contract scan"), upload_to=contract_upload_to, max_length=200, blank=True
    )
    contract_name = models.CharField(max_length=255, blank=True)
    contract_sha256 = models.CharField(max_length=64, blank=True)
    contract_content_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("engagement of a review agency")
        verbose_name_plural = _("engagements of review agencies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service_until__gte=models.F("service_from")),
                name="review_engagement_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.agency}"


class Expert(models.Model):
    """An expert of the pool (评审专家库). ``agency`` is the agency that keeps the expert;
    empty when the office keeps the expert itself."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile"
    )
    agency = models.ForeignKey(
        ReviewAgency,
        verbose_name=_("kept by agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experts",
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_one_line])
    employer = models.CharField(_("employer"), max_length=200, validators=[validate_one_line])
    employer_uscc = models.CharField(
        _("employer's unified social credit code"), max_length=18, blank=True
    )
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    categories = models.JSONField(_("GB/T 19580 categories"), default=list, blank=True)
    qualification = models.CharField(
        _("qualification"),
        max_length=200,
        blank=True,
        help_text=_("E.g. national or autonomous-region quality award examiner."),
    )
    certificate_number = models.CharField(_("certificate no."), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    available = models.BooleanField(_("available for new assignments"), default=True)
    availability_note = models.CharField(_("availability"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class FormerEmployment(models.Model):
    """Where the expert worked before; used to detect likely conflicts (Art. 25)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="former_employers")
    organisation = models.CharField(_("organisation"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    until_year = models.PositiveSmallIntegerField(_("until (year)"))

    class Meta:
        ordering = ["-until_year", "id"]
        constraints = [
            models.UniqueConstraint(
                "expert", Lower("organisation"), name="review_former_employer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} (–{self.until_year})"
