"""The second half of the award leaves its audit rows in the same transaction as the
change (see ``tests/test_audit_rows.py``, whose ``SERVICE_TESTS`` point here and to
``tests/publicity/test_office_services.py``): the one-time codes the public asks for,
the dossier's moves the later stages make, a working-group member's conflict."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import Dossier
from applications.services.dossiers import dossier_move
from award_portal.audit.enums import Action
from publicity.models import ContactCheck
from publicity.services.contact import contact_check_send
from publicity.services.group import conflict_declare
from tests.factories.group import four_candidates
from tests.factories.publicity_rounds import publicity_round
from tests.test_audit_rows import Trail

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_contact_check_send_by_the_public_with_the_address_masked(june_2026):
    trail = Trail()
    check = contact_check_send(kind="phone", contact="139 1234 5678", purpose="征求意见")
    event = trail.one(Action.CODE_SENT, actor=None, target=None, actor_label="public")
    assert event.details == {
        "check": check.pk,
        "contact_kind": "phone",
        "contact": "139******78",
        "purpose": "征求意见",
    }
    trail.move()
    contact_check_send(kind="email", contact="Zhang.San@Example.invalid", purpose="异议")
    event = trail.one(Action.CODE_SENT, actor=None, target=None, actor_label="public")
    assert event.details["contact"].startswith("zh")
    assert "zhang.san" not in str(event.details)
    # the fourth code to one phone within the hour is refused: no check, no row
    for _again in range(2):
        contact_check_send(kind="phone", contact="13912345678", purpose="征求意见")
    trail.move()
    with pytest.raises(ValidationError):
        contact_check_send(kind="phone", contact="13912345678", purpose="征求意见")
    assert trail.rows() == []
    assert ContactCheck.objects.filter(contact="13912345678").count() == 3


def test_dossier_move_names_the_transition_and_who_made_it(june_2026, office, edition_2021):
    _cycle, _notice, (first, second) = publicity_round(office, edition_2021, proposed=(2, 0))
    trail = Trail()
    dossier_move(
        dossier=first,
        name="cancel_after_objection",
        actor=office,
        details={"objection": "YY-2026-0001"},
    )
    event = trail.one(Action.DOSSIER_TRANSITION, actor=office, target=first)
    assert event.details == {
        "transition": "cancel_after_objection",
        "from": "proposed",
        "to": Dossier.objects.get(pk=first.pk).state,
        "objection": "YY-2026-0001",
    }
    trail.move()
    dossier_move(dossier=second, name="approve")  # run by the system (no person)
    event = trail.one(Action.DOSSIER_TRANSITION, actor=None, target=second, actor_label="system")
    assert (event.details["from"], event.details["to"]) == ("proposed", "approved")
    # a step not possible now, or not one of the later stages': refused, nothing written
    trail.move()
    with pytest.raises(ValidationError):
        dossier_move(dossier=second, name="propose", actor=office)
    with pytest.raises(PermissionDenied):
        dossier_move(dossier=second, name="withdraw", actor=office)
    assert trail.rows() == []
    assert Dossier.objects.get(pk=second.pk).state == "approved"


def test_a_working_group_member_declares_a_conflict(
    cycle, office, applicant, person_user, june_2026
):
    group = four_candidates(office, cycle, june_2026, applicant, person_user)
    member, dossier = group.members[2], group.dossiers[1]
    trail = Trail()
    conflict_declare(
        actor=member.user, cycle=group.cycle, dossier=dossier, note="曾任该公司独立董事"
    )
    event = trail.one(Action.MEMBER_RECUSED, actor=member.user, target=dossier)
    assert event.details == {"member": member.pk, "note": "曾任该公司独立董事"}
    trail.move()
    conflict_declare(actor=member.user, cycle=group.cycle, dossier=dossier, note="再次声明")
    assert trail.rows() == []  # declared once: nothing new
    with pytest.raises(PermissionDenied):  # the office is not a member of the group
        conflict_declare(actor=office, cycle=group.cycle, dossier=dossier, note="代为声明")
    assert trail.rows() == []
