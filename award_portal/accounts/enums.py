from django.db import models
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """The portal's roles (DESIGN §1). Each is a Django group of the same name."""

    OFFICE = "office", pgettext_lazy("role", "Coordination office")
    AGENCY = "agency", pgettext_lazy("role", "Review agency")
    EXPERT = "expert", pgettext_lazy("role", "Expert")
    WORKING_GROUP = "working_group", pgettext_lazy("role", "Working-group member")
    MOBILISER = "mobiliser", pgettext_lazy("role", "Mobilising department")
    AUDITOR = "auditor", pgettext_lazy("role", "Auditor")
    APPLICANT = "applicant", pgettext_lazy("role", "Applicant")

    @classmethod
    def staff_roles(cls) -> list["Role"]:
        """Roles whose accounts only the office creates; applicants register themselves."""
        return [role for role in cls if role != cls.APPLICANT]


class ApplicantKind(models.TextChoices):
    ORGANISATION = "organisation", pgettext_lazy("applicant kind", "Organisation")
    INDIVIDUAL = "individual", pgettext_lazy("applicant kind", "Individual")


class WorkingGroupPosition(models.TextChoices):
    """Art. 7: leader (the vice mayor), deputy leaders, members."""

    LEADER = "leader", pgettext_lazy("working group", "Leader")
    DEPUTY = "deputy", pgettext_lazy("working group", "Deputy leader")
    MEMBER = "member", pgettext_lazy("working group", "Member")
