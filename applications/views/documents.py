"""The PDFs of a dossier: the application form (for sealing), each receipt, each
supplement notice and the decision notice. Receipts, notices and decisions are official
documents (GB/T 9704): numbered, dated in Chinese, with the office's letterhead."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.views import View

from award_portal.documents.office import office
from award_portal.documents.pdf import render_pdf

from ..declarations import EXCLUSIONS, conditions_for, rendered
from ..enums import Category
from ..services.receipts import received_version, version_of_receipt
from .applicant import visible_dossier


def receipt_clock(dossier, receipt):
    """The office's clock started by this receipt (its due date may be pending)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from award_portal.workdays.models import Deadline

    from ..services.dossiers import QUALIFICATION_CLOCK

    return (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(dossier),
            subject_id=str(dossier.pk),
            kind=QUALIFICATION_CLOCK,
            start_date=timezone.localdate(receipt.received_at),
        )
        .order_by("-created_at")
        .first()
    )


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class DossierPdfView(LoginRequiredMixin, View):
    def get(self, request, pk: int, document: str, number: int | None = None):
        dossier = visible_dossier(request, pk)
        pdf, name = dossier_pdf(dossier, document, number)
        return pdf_response(pdf, f"{name}.pdf")


def dossier_pdf(dossier, document: str, number: int | None = None) -> tuple[bytes, str]:
    """One PDF of a dossier (``form``, ``receipt``, ``notice`` or ``decision``) and its
    file name without extension; 404 when the dossier has no such document. The caller
    has checked who may read it (the dossier's page, or the round's archive)."""
    edition = dossier.cycle.edition
    context = {
        "dossier": dossier,
        "office": office(),
        "conditions": rendered(conditions_for(dossier.kind), edition),
        "exclusions": rendered(EXCLUSIONS, edition),
        "categories": list(Category),
    }
    reference = dossier.number or f"draft-{dossier.pk}"
    if document == "form":
        version = received_version(dossier)
        template, name = "applications/pdf/application_form.html", f"form-{reference}"
    elif document == "receipt":
        receipt = get_object_or_404(
            dossier.receipts.select_related("document", "notice__document"), sequence=number
        )
        version = version_of_receipt(dossier, receipt)
        template, name = "applications/pdf/receipt.html", f"receipt-{reference}-{number}"
        context["receipt"] = receipt
        context["document"] = receipt.document
        context["clock"] = receipt_clock(dossier, receipt)
    elif document == "notice":
        notice = get_object_or_404(dossier.notices.select_related("document"), number=number)
        version = received_version(dossier)
        template, name = (
            "applications/pdf/supplement_notice.html",
            f"notice-{reference}-{number}",
        )
        context["notice"] = notice
        context["document"] = notice.document
    elif document == "decision":
        if dossier.decision_document is None:
            raise Http404
        version = received_version(dossier)
        template, name = "applications/pdf/decision.html", f"decision-{reference}"
        context["document"] = dossier.decision_document
    else:
        raise Http404
    context.update(
        version=version,
        applicant=version.applicant,
        years=version.years,
        declarations=version.declarations,
    )
    with translation.override("zh-hans"):  # official documents are Chinese
        pdf = render_pdf(template=template, context=context)
    return pdf, name
