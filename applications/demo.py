"""What the demo commands of every app share: a real PDF to upload and a dossier filled
in as an applicant would, through the services (each write audited like a real one)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from award_portal.documents.pdf import render_pdf

from .declarations import EXCLUSIONS, conditions_for
from .enums import Category, FileKind
from .models import Dossier
from .services.dossiers import dossier_start, file_attach


def demo_pdf(title: str) -> SimpleUploadedFile:
    """A one-page PDF rendered by WeasyPrint, named after its title."""
    content = render_pdf(template="applications/pdf/demo.html", context={"title": title})
    return SimpleUploadedFile(f"{title}.pdf", content, content_type="application/pdf")


def demo_dossier(user, cycle, *, files: bool = True) -> Dossier:
    """The user's dossier in ``cycle``, started and filled in (declarations, the
    summaries, the achievements) and, with ``files``, its attachments: an organisation's
    self-evaluation and a trade-secret evidence file, and everyone's stamped form."""
    dossier = dossier_start(actor=user, cycle=cycle)
    declarations = {i.code: True for i in conditions_for(dossier.kind)}
    declarations |= {i.code: False for i in EXCLUSIONS}
    Dossier.objects.filter(pk=dossier.pk).update(
        declarations=declarations,
        category_summaries={
            c.value: f"{c.label}：本单位在该方面的做法与成效摘要。" for c in Category
        },
        achievements="主持口岸物流质量提升项目，推动通关时效提升30%。",
    )
    dossier.refresh_from_db()
    if not files:
        return dossier
    attachments = [(FileKind.STAMPED_FORM, "申报表（盖章扫描件）", "申报表", False)]
    if dossier.organisation_id:
        attachments = [
            (FileKind.SELF_EVALUATION, "自我评价报告", "自我评价报告", False),
            (FileKind.EVIDENCE, "核心工艺说明", "核心工艺说明", True),
            *attachments,
        ]
    for kind, title, name, secret in attachments:
        file_attach(
            actor=user,
            dossier=dossier,
            kind=kind,
            title=title,
            upload=demo_pdf(name),
            trade_secret=secret,
        )
    return dossier
