from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from award_portal import privacy

from ..enums import District, MemberRole, Ownership, Sector


class Organisation(models.Model):
    """An applicant organisation (Art. 2, 10). Several users act for it (memberships)."""

    name = models.CharField(_("registered name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    district = models.CharField(_("registered in"), max_length=20, choices=District.choices)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    founded_on = models.DateField(_("founded on"))
    sector = models.CharField(_("sector"), max_length=1, choices=Sector.choices)
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices)
    for_profit = models.BooleanField(_("for-profit"), default=True)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    contact_email = models.EmailField(_("contact e-mail"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="OrganisationMembership", related_name="organisations"
    )
    invited_by = models.ForeignKey(
        "Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def years_of_operation(self, on: date) -> int:
        years = on.year - self.founded_on.year
        if (on.month, on.day) < (self.founded_on.month, self.founded_on.day):
            years -= 1
        return years

    @property
    def contact_phone_masked(self) -> str:
        return privacy.mask(self.contact_phone, keep_start=3, keep_end=2)


class OrganisationMembership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="org_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class FinancialYear(models.Model):
    """Revenue and profit of one year (Art. 10(3): no operating loss in recent years)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = models.DecimalField(_("revenue (10,000 yuan)"), max_digits=14, decimal_places=2)
    profit = models.DecimalField(
        _("operating profit (10,000 yuan)"), max_digits=14, decimal_places=2
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="org_financial_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class Individual(models.Model):
    """An individual applicant (Art. 2, 11). The ID number is encrypted at rest, shown
    masked, and revealed in full only to the office, each reveal logged."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="individual"
    )
    full_name = models.CharField(_("full name"), max_length=100)
    id_number_encrypted = models.TextField()
    id_number_hash = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(_("resident ID number"), max_length=18)
    employer = models.CharField(_("employer"), max_length=200)
    position = models.CharField(_("position"), max_length=100)
    quality_work_since = models.PositiveSmallIntegerField(
        _("in quality work in the city since (year)")
    )
    # Art. 11(4): the organisation the person leads, named by its credit code (linked
    # when that organisation is registered here; it need not be)
    top_manager_of_uscc = models.CharField(
        _("credit code of the organisation you lead"), max_length=18, blank=True
    )
    top_manager_of_name = models.CharField(
        _("name of the organisation you lead"), max_length=200, blank=True
    )
    top_manager_of = models.ForeignKey(
        Organisation,
        verbose_name=_("top manager of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="top_managers",
    )
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("e-mail address"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("individual")
        verbose_name_plural = _("individuals")

    def __str__(self) -> str:
        return self.full_name

    def set_id_number(self, number: str) -> None:
        self.id_number_encrypted = privacy.encrypt(number)
        self.id_number_hash = privacy.keyed_hash(number)
        self.id_number_masked = privacy.mask(number, keep_start=3, keep_end=4)

    def id_number(self) -> str:
        """The full number. Call only through ``individual_reveal_id``, which logs it."""
        return privacy.decrypt(self.id_number_encrypted)

    @property
    def phone_masked(self) -> str:
        return privacy.mask(self.phone, keep_start=3, keep_end=2)

    def years_of_quality_work(self, on: date) -> int:
        return on.year - self.quality_work_since


class MobiliserScope(models.TextChoices):
    """Art. 9: a sumu government mobilises in its territory, an industry department in
    its sector."""

    DISTRICT = "district", pgettext_lazy("mobiliser", "Territory (sumu government)")
    SECTOR = "sector", pgettext_lazy("mobiliser", "Sector (industry department)")


class MobiliserProfile(models.Model):
    """What a mobilising department's account stands for: a territory or a sector."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mobiliser_profile"
    )
    scope = models.CharField(
        _("mobilises by"),
        max_length=10,
        choices=MobiliserScope.choices,
        default=MobiliserScope.SECTOR,
    )
    sector = models.CharField(_("sector"), max_length=1, choices=Sector.choices, blank=True)
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="sector", district="") & ~models.Q(sector="")
                    | models.Q(scope="district", sector="") & ~models.Q(district="")
                ),
                name="mobiliser_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.sector or self.district})"

    @property
    def scope_label(self) -> str:
        if self.scope == MobiliserScope.DISTRICT:
            return District(self.district).label
        return Sector(self.sector).label
