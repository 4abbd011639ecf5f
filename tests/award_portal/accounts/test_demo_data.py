import io

import pytest
from django.core.management import CommandError, call_command

from award_portal.accounts.enums import Role
from award_portal.accounts.management.commands.load_demo_data import DEMO_ACCOUNTS, DEMO_PASSWORD
from award_portal.accounts.models import User

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_demo_data_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert not User.objects.exists()


def test_demo_data_is_idempotent_and_covers_every_role(settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())
    User.objects.filter(username="office").update(is_active=False)
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert {user.role for user in User.objects.prefetch_related("groups")} == set(Role)
    office = User.objects.get(username="office")
    assert office.is_active and office.check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in out.getvalue()
    assert User.objects.get(username="wg1").working_group_position == "leader"
