"""Build applications through the real services, as the people would."""

from datetime import date
from decimal import Decimal
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile

from applications.declarations import EXCLUSIONS, conditions_for
from applications.enums import Category, District, FileKind, Ownership
from applications.models import Dossier
from applications.services.applicants import individual_save, organisation_save
from applications.services.cycles import cycle_create, cycle_transition
from applications.services.dossiers import dossier_start, file_attach
from applications.validators import id_check_digit, uscc_check_character


@cache
def pdf_bytes() -> bytes:
    from award_portal.documents.pdf import render_pdf

    return render_pdf(template="applications/pdf/demo.html", context={"title": "测试材料"})


def pdf_upload(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def uscc(serial: int) -> str:
    first17 = f"91152501{serial:08d}X"[:17]
    return first17 + uscc_check_character(first17)


def id_number(serial: int = 123) -> str:
    first17 = f"15250119800315{serial:03d}"
    return first17 + id_check_digit(first17)


def draft_cycle(
    office,
    edition,
    *,
    announce=date(2026, 6, 2),
    deadline=date(2026, 6, 30),
    name="第三届市长质量奖",
    **quotas,
):
    return cycle_create(
        actor=office,
        data={
            "name": name,
            "edition": edition,
            "announcement_date": announce,
            "application_deadline": deadline,
            "quota_organisation": quotas.get("organisation"),
            "quota_individual": quotas.get("individual"),
            "call_text": "申报公告正文",
        },
    )


def announced_cycle(office, edition, **options):
    """A draft, announced. Tests make several rounds in a year, so a reason for
    announcing within the edition's interval is given (it is recorded only then)."""
    cycle = draft_cycle(office, edition, **options)
    return cycle_transition(actor=office, cycle=cycle, name="announce", reason="测试用届次")


_serial = iter(range(1, 10_000))


def organisation_for(user, *, founded=date(2015, 1, 1), profits=(500, 600, 700), **fields):
    data = {
        "name": f"二连浩特测试企业{next(_serial)}",
        "uscc": uscc(next(_serial)),
        "district": District.ZONE,
        "legal_representative": "王建国",
        "founded_on": founded,
        "sector": "G",
        "ownership": Ownership.PRIVATE,
        "for_profit": True,
        "contact_name": "联系人",
        "contact_phone": "04797512345",
        "contact_email": user.email,
        **fields,
    }
    years = [(2025 - i, Decimal("10000"), Decimal(p)) for i, p in enumerate(profits)]
    return organisation_save(actor=user, data=data, years=years)


def individual_for(user, *, since=2012, serial=123):
    return individual_save(
        actor=user,
        id_number=id_number(serial),
        data={
            "full_name": "孙丽娟",
            "employer": "二连浩特市某公司",
            "position": "质量经理",
            "quality_work_since": since,
            "top_manager_of_uscc": "",
            "top_manager_of_name": "",
            "phone": "13904790001",
            "email": user.email,
        },
    )


def ready_dossier(user, cycle, *, files=True, secret=False) -> Dossier:
    """A draft that meets every condition and has every required file."""
    dossier = dossier_start(actor=user, cycle=cycle)
    declarations = {i.code: True for i in conditions_for(dossier.kind)}
    declarations |= {i.code: False for i in EXCLUSIONS}
    Dossier.objects.filter(pk=dossier.pk).update(
        declarations=declarations,
        category_summaries={c.value: f"{c.label} 摘要" for c in Category},
        achievements="主持质量提升项目。",
    )
    dossier.refresh_from_db()
    if files:
        if dossier.organisation_id:
            file_attach(
                actor=user,
                dossier=dossier,
                kind=FileKind.SELF_EVALUATION,
                title="自我评价报告",
                upload=pdf_upload(),
                trade_secret=False,
            )
        file_attach(
            actor=user,
            dossier=dossier,
            kind=FileKind.STAMPED_FORM,
            title="申报表",
            upload=pdf_upload(),
            trade_secret=False,
        )
        if secret:
            file_attach(
                actor=user,
                dossier=dossier,
                kind=FileKind.EVIDENCE,
                title="核心工艺",
                upload=pdf_upload(),
                trade_secret=True,
            )
    return dossier
