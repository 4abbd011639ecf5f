"""Demo accounts for ``make run``: one per role, all with the same published password.

Idempotent: running it again resets the demo accounts to their demo state and creates
nothing twice. Refuses to run with DEBUG off, so demo accounts never reach production.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from award_portal.accounts.enums import ApplicantKind, Role, WorkingGroupPosition
from award_portal.accounts.models import User

DEMO_PASSWORD = "demo-2026"

# (username, role, display name, applicant kind, working-group position); a person's
# name is just the name (the role is shown beside it), with no space inside Chinese
DEMO_ACCOUNTS = [
    ("office", Role.OFFICE, "王敏", "", ""),
    ("agency", Role.AGENCY, "内蒙古质量评审中心", "", ""),
    ("expert1", Role.EXPERT, "李强", "", ""),
    ("expert2", Role.EXPERT, "赵燕", "", ""),
    ("expert3", Role.EXPERT, "巴特尔", "", ""),
    ("wg1", Role.WORKING_GROUP, "张伟", "", WorkingGroupPosition.LEADER),
    ("wg2", Role.WORKING_GROUP, "刘洋", "", WorkingGroupPosition.DEPUTY),
    ("wg3", Role.WORKING_GROUP, "陈静", "", WorkingGroupPosition.MEMBER),
    ("mobiliser", Role.MOBILISER, "格日勒敖都苏木人民政府", "", ""),
    ("auditor", Role.AUDITOR, "周平", "", ""),
    ("org1", Role.APPLICANT, "二连浩特市口岸物流有限公司", ApplicantKind.ORGANISATION, ""),
    ("org2", Role.APPLICANT, "二连浩特市恐龙乳业有限责任公司", ApplicantKind.ORGANISATION, ""),
    ("person1", Role.APPLICANT, "孙丽娟", ApplicantKind.INDIVIDUAL, ""),
]


class Command(BaseCommand):
    help = "Create or reset the demo accounts (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only (DJANGO_DEBUG is false).")
        with transaction.atomic():
            for username, role, name, kind, position in DEMO_ACCOUNTS:
                user, _ = User.objects.get_or_create(
                    username=username,
                    defaults={"email": f"{username}@demo.invalid", "display_name": name},
                )
                user.display_name = name
                user.applicant_kind = kind
                user.working_group_position = position
                user.is_active = True
                user.email_confirmed_at = user.email_confirmed_at or timezone.now()
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.set([Group.objects.get(name=role)])
        if options["verbosity"] == 0:
            return
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, role, name, _kind, _position in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<10} {role.label}  {name}")
