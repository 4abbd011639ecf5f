from django.contrib.auth.models import Group
from django.db.models import Prefetch, QuerySet

from .enums import Role
from .models import User


def user_list_for_office(*, role: str | None = None) -> QuerySet[User]:
    """Staff accounts (every role but applicants), with their groups prefetched."""
    users = (
        User.objects.filter(groups__name__in=[r.value for r in Role.staff_roles()])
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("id", "name")))
        .order_by("username")
        .distinct()
    )
    if role:
        users = users.filter(groups__name=role)
    return users
