"""Which model permissions each role's group carries.

Groups are kept in step with this table after every ``migrate`` (``post_migrate``), so a
change here is a reviewed code change and never a hand edit in the admin.
"""

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission

from .enums import Role

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.OFFICE: [
        "accounts.manage_staff_accounts",
        "audit.view_auditevent",
        "notifications.view_outboxmessage",
        "system.view_heartbeat",
        "workdays.view_yearschedule",
        "workdays.add_yearschedule",
        "workdays.change_yearschedule",
        "workdays.view_deadline",
        "rules.view_rulebookedition",
        "rules.add_rulebookedition",
        "rules.change_rulebookedition",
        "rules.plan_cycle",
        "applications.view_cycle",
        "applications.add_cycle",
        "applications.change_cycle",
        "applications.view_dossier",
        "applications.check_dossier",
        "applications.view_organisation",
        "applications.view_individual",
        "applications.change_mobiliserprofile",
        "review.view_reviewplan",
        "review.change_reviewplan",
        "review.view_reviewagency",
        "review.add_reviewagency",
        "review.change_reviewagency",
        "review.view_expert",
        "review.add_expert",
        "review.change_expert",
        "review.view_criteriaset",
        "review.add_criteriaset",
        "review.view_conductrating",
        "publicity.view_statistics",
    ],
    Role.AUDITOR: [
        "audit.view_auditevent",
        "workdays.view_yearschedule",
        "workdays.view_deadline",
        "rules.view_rulebookedition",
        "applications.view_cycle",
        "applications.view_dossier",
        "applications.view_organisation",
        "applications.view_individual",
        "review.view_reviewplan",
        "review.view_reviewagency",
        "review.view_expert",
        "review.view_criteriaset",
        "review.view_conductrating",
        "publicity.view_statistics",
    ],
    # what the agency and the experts see is scoped further by the review's predicates
    # (the rounds the agency is engaged for; the expert's own assignments)
    Role.AGENCY: [
        "review.view_reviewplan",
        "review.view_expert",
        "review.add_expert",
        "review.change_expert",
        "review.view_criteriaset",
    ],
    Role.EXPERT: ["review.view_assignment"],
    # which rounds and candidates a member sees is scoped further by the roster and the
    # member's declared conflicts (publicity.permissions)
    Role.WORKING_GROUP: ["publicity.view_meeting", "publicity.view_statistics"],
    Role.MOBILISER: ["applications.add_invitation"],
    Role.APPLICANT: ["applications.add_dossier"],
}


def sync_role_groups(**_kwargs) -> None:
    """Create one group per role and give it exactly the permissions of the table."""
    if not global_apps.is_installed("django.contrib.auth"):
        return
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:  # its app has not been migrated yet in this run
                continue
            wanted.append(permission)
        group.permissions.set(wanted)
