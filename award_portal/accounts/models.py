from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from award_portal.web.fields import validate_one_line

from .enums import ApplicantKind, Role, WorkingGroupPosition


class User(AbstractUser):
    """A person who logs in. The role is the group of the same name (DESIGN §1).

    Invariant: every account except a superuser has exactly one role group.
    """

    first_name = None  # Chinese names are not split; ``display_name`` holds the whole name
    last_name = None
    email = models.EmailField(_("e-mail address"))
    display_name = models.CharField(
        _("name"),
        max_length=150,
        help_text=_("A person's full name or an organisation's name."),
        validators=[validate_one_line],
    )
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=20, choices=ApplicantKind.choices, blank=True
    )
    working_group_position = models.CharField(
        _("working-group position"),
        max_length=20,
        choices=WorkingGroupPosition.choices,
        blank=True,
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)

    objects = UserManager()

    REQUIRED_FIELDS = ["email", "display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Two sign-ups racing with "Bob" and "bob" must not both succeed: the forms'
            # case-insensitive check alone cannot see a row another request has not yet
            # committed.
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_unique_ci",
                violation_error_message=_("This user name is taken. Choose another."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_unique_ci",
                violation_error_message=_("An account with this e-mail address already exists."),
            ),
        ]
        permissions = [
            ("manage_staff_accounts", _("Can create and deactivate staff accounts")),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @cached_property
    def role(self) -> Role | None:
        """The account's role, read from its groups once per request."""
        names = {group.name for group in self.groups.all()}
        for role in Role:
            if role.value in names:
                return role
        return None

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else ""
