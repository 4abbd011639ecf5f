"""The public side of the second half (no log-in): the review results under comment and
the comment form (Art. 19), the publicity and the objection form (Art. 22), the winners,
the certificate check, the notices' PDFs and feed. Comments and objections are never
shown here; a person sees only the receipt of what they sent, in the browser that sent it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.office import office
from award_portal.documents.pdf import render_pdf
from award_portal.documents.templatetags.official import day
from award_portal.web.preferences import DisplayPreferences

from ..enums import ContactKind, ObjectorKind
from ..forms.public import (
    CommentCodeForm,
    CommentSubmitForm,
    ObjectionCodeForm,
    ObjectionSubmitForm,
    VerifyForm,
)
from ..models import Comment, Objection
from ..permissions import can_download_certificate
from ..selectors import (
    award_status,
    certificate_award,
    comment_candidates,
    entries_by_kind,
    notice_feed_items,
    publicity_entries,
    publicity_list_public,
    publicity_list_stamp,
    publicity_notice_public,
    publicity_phase,
    publicity_stamp,
    results_list_public,
    results_list_stamp,
    results_notice_public,
    results_stamp,
    winners_public,
    winners_stamp,
)
from ..services.comment import comment_submit
from ..services.contact import contact_check_send
from ..services.publicity import objection_file
from ..services.verify import certificate_verify

# a public notice changes rarely (published once; closed or ended once): browsers and
# proxies may keep it for a while
PUBLIC_MAX_AGE = 300


def pdf_response(pdf: bytes, filename: str, *, public: bool) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    # a Chinese name goes as RFC 5987 filename*=utf-8''…
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = (
        f"public, max-age={PUBLIC_MAX_AGE}" if public else "private, no-store"
    )
    return response


def absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


# --- the two steps of a comment or an objection -----------------------------------------

STEPS = "publicity_steps"
KEEP_STEPS = 10


def remember_step(request, token: str, data: dict) -> None:
    """Step 1's answers, kept in this browser's session under the code's token: step 2
    works only where step 1 was done, and a receipt is shown only there."""
    steps = dict(request.session.get(STEPS, {}))
    steps[token] = data
    request.session[STEPS] = dict(list(steps.items())[-KEEP_STEPS:])


def recall_step(request, token: str, *, what: str, cycle_id: int) -> dict | None:
    data = request.session.get(STEPS, {}).get(token)
    if not data or data.get("what") != what or data.get("cycle") != cycle_id:
        return None
    return data


def masked_contact(kind: str, contact: str) -> str:
    if kind == ContactKind.PHONE and len(contact) == 11:
        return f"{contact[:3]}****{contact[-4:]}"
    name, _at, domain = contact.partition("@")
    return f"{name[:1]}***@{domain}" if domain else contact


# --- cached copies for anonymous visitors ----------------------------------------------

CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"@@csrf-token@@"
CSRF_BLANK = rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>"
PAGE_SECONDS = 3600


class AnonymousPageCache:
    """The busiest pages, kept rendered for visitors who are not logged in.

    The key holds the page's stamp (a selector that changes with everything the page
    shows: the notice's last change, the list's entries, the day when a status depends
    on it), the path, the language and the display preferences, so a change is seen at
    once. Each visitor gets their own CSRF token in the forms of the page header. A
    visitor with a session or messages waiting gets a page rendered for them.
    """

    def page_stamp(self, **kwargs) -> str:
        raise NotImplementedError

    def cacheable(self, request) -> bool:
        # without a session cookie nobody is logged in: the user is not even loaded
        return (
            request.method in ("GET", "HEAD")
            and not request.GET
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
        )

    def dispatch(self, request, *args, **kwargs):
        if not self.cacheable(request):
            return super().dispatch(request, *args, **kwargs)
        key = (
            "publicity:page:"
            + hashlib.sha1(
                repr(
                    (
                        request.path,
                        translation.get_language(),
                        DisplayPreferences.from_request(request).classes,
                        self.page_stamp(**kwargs),
                    )
                ).encode(),
                usedforsecurity=False,
            ).hexdigest()
        )
        page = cache.get(key)
        if page is not None:
            response = HttpResponse(page.replace(CSRF_PLACEHOLDER, get_token(request).encode()))
            response["X-Page-Copy"] = "hit"
            return response
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            response = response.render()
        if response.status_code == 200:
            cache.set(key, CSRF_INPUT.sub(CSRF_BLANK, response.content), PAGE_SECONDS)
        return response


# --- results under public comment (Art. 19) ---------------------------------------------


class ResultsListView(AnonymousPageCache, TemplateView):
    template_name = "publicity/public/results_list.html"

    def page_stamp(self, **kwargs) -> str:
        return results_list_stamp()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "notices": list(results_list_public())}


def results_context(notice) -> dict:
    last = notice.comment_earliest_close
    return {
        "notice": notice,
        "may_close_on": last + timedelta(days=1) if last else None,
        "cycle": notice.cycle,
        "edition": notice.cycle.edition,
        "groups": entries_by_kind(notice),
        "office": office(),
    }


class ResultsView(AnonymousPageCache, View):
    def page_stamp(self, *, cycle: int) -> str:
        return results_stamp(cycle)

    def get(self, request, cycle: int):
        notice = results_notice_public(cycle)
        return render(request, "publicity/public/results.html", results_context(notice))


class ResultsPdfView(View):
    def get(self, request, cycle: int):
        notice = results_notice_public(cycle)
        return pdf_response(results_pdf(notice), f"results-{notice.cycle_id}.pdf", public=True)


def results_pdf(notice) -> bytes:
    """The published notice of the results as its official document."""
    with translation.override("zh-hans"):  # an official document is Chinese
        return render_pdf(
            template="publicity/pdf/results_notice.html",
            context={
                **results_context(notice),
                "document": notice.document,
                "results_url": absolute(reverse("publicity:results", args=[notice.cycle_id])),
            },
        )


class CommentCodeView(View):
    """Step 1 of a comment: who comments on whom, and a code to their phone or e-mail."""

    template_name = "publicity/public/comment_code.html"

    def page(self, request, notice, form, status=200):
        return render(
            request,
            self.template_name,
            {"notice": notice, "cycle": notice.cycle, "form": form},
            status=status,
        )

    def get(self, request, cycle: int):
        notice = results_notice_public(cycle)
        form = CommentCodeForm(candidates=comment_candidates(notice)) if notice.is_open else None
        return self.page(request, notice, form)

    def post(self, request, cycle: int):
        notice = results_notice_public(cycle)
        if not notice.is_open:
            return self.page(request, notice, None)
        form = CommentCodeForm(request.POST, candidates=comment_candidates(notice))
        if form.is_valid():
            data = form.cleaned_data
            try:
                check = contact_check_send(
                    kind=data["contact_kind"],
                    contact=data["contact"],
                    purpose=_("comment on the review results"),
                    request=request,
                )
            except ValidationError as error:
                form.add_error("contact", error)
            else:
                remember_step(
                    request,
                    check.token,
                    {
                        "what": "comment",
                        "cycle": notice.cycle_id,
                        "dossier": data["dossier"],
                        "name": data["name"],
                        "kind": data["contact_kind"],
                        "contact": check.contact,
                    },
                )
                messages.success(
                    request,
                    _("A six-digit code was sent to %(contact)s. It is valid for 15 minutes.")
                    % {"contact": masked_contact(check.kind, check.contact)},
                )
                return redirect(
                    "publicity:comment-submit", cycle=notice.cycle_id, token=check.token
                )
        return self.page(request, notice, form, status=200)


class TwoStepMixin:
    """Step 2 of a comment or an objection: the code and the text, then the receipt."""

    what = ""
    step_one = ""
    template_name = ""
    receipt_template = ""

    def stored(self, token: str):
        """The comment or objection already filed with this code (a double click, a
        reload after sending), or None."""
        raise NotImplementedError

    def names(self, notice, step) -> dict:
        return {}

    def lost(self, request, notice):
        """The code was asked for in another browser, or long ago: start again."""
        return render(
            request,
            "publicity/public/step_lost.html",
            {"notice": notice, "cycle": notice.cycle, "restart": self.step_one},
            status=404,
        )

    def page(self, request, notice, step, form, token):
        context = {
            "notice": notice,
            "cycle": notice.cycle,
            "step": step,
            "form": form,
            "token": token,
            "contact": masked_contact(step["kind"], step["contact"]),
            **self.names(notice, step),
        }
        return render(request, self.template_name, context)

    def notice_for(self, cycle: int):
        """The public notice the step belongs to (a 404 when there is none)."""
        raise NotImplementedError

    def form(self, step, *args):
        raise NotImplementedError

    def closed(self, notice) -> str:
        """Why nothing is taken any more (the period is over), or ""."""
        return ""

    def file(self, *, notice, step, token: str, data: dict, request) -> None:
        """Store the comment or objection through its service."""
        raise NotImplementedError

    def get(self, request, cycle: int, token: str):
        notice = self.notice_for(cycle)
        step = recall_step(request, token, what=self.what, cycle_id=notice.cycle_id)
        if step is None:
            return self.lost(request, notice)
        record = self.stored(token)
        if record is not None:
            return self.receipt(request, notice, record)
        return self.page(request, notice, step, self.form(step), token)

    def post(self, request, cycle: int, token: str):
        notice = self.notice_for(cycle)
        step = recall_step(request, token, what=self.what, cycle_id=notice.cycle_id)
        if step is None:
            return self.lost(request, notice)
        if self.stored(token) is not None:
            return redirect(request.path)
        form = self.form(step, request.POST, request.FILES)
        closed = self.closed(notice)
        if closed:
            form.add_error(None, closed)
        elif form.is_valid():
            try:
                self.file(
                    notice=notice, step=step, token=token, data=form.cleaned_data, request=request
                )
            except ValidationError as error:
                if self.stored(token) is not None:  # a second click lost to the first
                    return redirect(request.path)
                form.add_error(None, error)
            else:
                return redirect(request.path)
        return self.page(request, notice, step, form, token)

    def receipt(self, request, notice, record):
        return render(
            request,
            self.receipt_template,
            {"notice": notice, "cycle": notice.cycle, "record": record},
        )


def candidate_name(candidates, dossier_id: int) -> str:
    return next((label for pk, label in candidates if pk == dossier_id), "")


class CommentSubmitView(TwoStepMixin, View):
    what = "comment"
    step_one = "publicity:comment-code"
    template_name = "publicity/public/comment_submit.html"
    receipt_template = "publicity/public/comment_receipt.html"

    def stored(self, token: str):
        return Comment.objects.filter(contact_check__token=token).select_related("dossier").first()

    def names(self, notice, step) -> dict:
        return {"candidate": candidate_name(comment_candidates(notice), step["dossier"])}

    def notice_for(self, cycle: int):
        return results_notice_public(cycle)

    def form(self, step, *args):
        return CommentSubmitForm(*args)

    def file(self, *, notice, step, token, data, request) -> None:
        comment_submit(
            notice=notice,
            dossier_id=step["dossier"],
            name=step["name"],
            contact_kind=step["kind"],
            contact=step["contact"],
            token=token,
            code=data["code"],
            text=data["text"],
            organisation=data["organisation"],
            files=data["files"],
            request=request,
        )


# --- publicity of the proposed winners (Art. 22) ----------------------------------------


class PublicityListView(AnonymousPageCache, TemplateView):
    template_name = "publicity/public/publicity_list.html"

    def page_stamp(self, **kwargs) -> str:
        return publicity_list_stamp(timezone.localdate())

    def get_context_data(self, **kwargs):
        notices = list(publicity_list_public())
        now = timezone.now()
        for notice in notices:
            notice.phase = publicity_phase(notice, now)
        return {**super().get_context_data(**kwargs), "notices": notices}


def publicity_context(notice, *, as_published: bool = False) -> dict:
    entries = publicity_entries(notice, as_published=as_published)
    return {
        "notice": notice,
        "cycle": notice.cycle,
        "edition": notice.cycle.edition,
        "organisations": [d for d in entries if d.kind == "organisation"],
        "individuals": [d for d in entries if d.kind == "individual"],
        "phase": publicity_phase(notice),
        "office": office(),
    }


class PublicityView(AnonymousPageCache, View):
    def page_stamp(self, *, cycle: int) -> str:
        return publicity_stamp(cycle, timezone.localdate())

    def get(self, request, cycle: int):
        notice = publicity_notice_public(cycle)
        return render(request, "publicity/public/publicity.html", publicity_context(notice))


class PublicityPdfView(View):
    def get(self, request, cycle: int):
        notice = publicity_notice_public(cycle)
        return pdf_response(publicity_pdf(notice), f"publicity-{notice.cycle_id}.pdf", public=True)


def publicity_pdf(notice) -> bytes:
    """The publicity notice as its official document."""
    with translation.override("zh-hans"):
        return render_pdf(
            template="publicity/pdf/publicity_notice.html",
            context={
                **publicity_context(notice, as_published=True),
                "document": notice.document,
                "publicity_url": absolute(reverse("publicity:publicity", args=[notice.cycle_id])),
            },
        )


def objection_candidates(notice) -> list[tuple[int, str]]:
    labels = {"organisation": _("organisation"), "individual": _("individual")}
    return [(d.pk, f"{d.applicant_name}（{labels[d.kind]}）") for d in publicity_entries(notice)]


def period_message(notice, phase: str) -> str:
    if phase == "before":
        return _(
            "The publicity period begins on %(date)s at 00:00; objections are taken from then on."
        ) % {"date": day(notice.first_day)}
    return _(
        "The publicity period ended on %(date)s at 24:00 (Beijing time); objections are no "
        "longer taken."
    ) % {"date": day(notice.last_day)}


class ObjectionCodeView(View):
    """Step 1 of an objection: the candidate, who objects, a code to their mobile phone."""

    template_name = "publicity/public/objection_code.html"

    def page(self, request, notice, form, phase):
        return render(
            request,
            self.template_name,
            {
                "notice": notice,
                "cycle": notice.cycle,
                "form": form,
                "phase": phase,
                "closed_message": period_message(notice, phase) if phase != "open" else "",
            },
        )

    def get(self, request, cycle: int):
        notice = publicity_notice_public(cycle)
        phase = publicity_phase(notice)
        form = (
            ObjectionCodeForm(candidates=objection_candidates(notice)) if phase == "open" else None
        )
        return self.page(request, notice, form, phase)

    def post(self, request, cycle: int):
        notice = publicity_notice_public(cycle)
        phase = publicity_phase(notice)
        if phase != "open":
            return self.page(request, notice, None, phase)
        form = ObjectionCodeForm(request.POST, candidates=objection_candidates(notice))
        if form.is_valid():
            data = form.cleaned_data
            try:
                check = contact_check_send(
                    kind=ContactKind.PHONE,
                    contact=data["phone"],
                    purpose=_("objection to the publicised list"),
                    request=request,
                )
            except ValidationError as error:
                form.add_error("phone", error)
            else:
                remember_step(
                    request,
                    check.token,
                    {
                        "what": "objection",
                        "cycle": notice.cycle_id,
                        "dossier": data["dossier"],
                        "objector_kind": data["objector_kind"],
                        "name": data["name"],
                        "kind": ContactKind.PHONE,
                        "contact": check.contact,
                    },
                )
                messages.success(
                    request,
                    _("A six-digit code was sent to %(contact)s. It is valid for 15 minutes.")
                    % {"contact": masked_contact(check.kind, check.contact)},
                )
                return redirect(
                    "publicity:objection-submit", cycle=notice.cycle_id, token=check.token
                )
        return self.page(request, notice, form, phase)


class ObjectionSubmitView(TwoStepMixin, View):
    what = "objection"
    step_one = "publicity:objection-code"
    template_name = "publicity/public/objection_submit.html"
    receipt_template = "publicity/public/objection_receipt.html"

    def stored(self, token: str):
        return (
            Objection.objects.filter(contact_check__token=token).select_related("dossier").first()
        )

    def names(self, notice, step) -> dict:
        return {
            "candidate": candidate_name(objection_candidates(notice), step["dossier"]),
            "as_organisation": step["objector_kind"] == ObjectorKind.ORGANISATION,
        }

    def form(self, step, *args):
        return ObjectionSubmitForm(*args, objector_kind=step["objector_kind"])

    def notice_for(self, cycle: int):
        return publicity_notice_public(cycle)

    def closed(self, notice) -> str:
        phase = publicity_phase(notice)
        return "" if phase == "open" else period_message(notice, phase)

    def file(self, *, notice, step, token, data, request) -> None:
        objection_file(
            notice=notice,
            dossier_id=step["dossier"],
            objector_kind=step["objector_kind"],
            name=step["name"],
            phone=step["contact"],
            token=token,
            code=data["code"],
            facts=data["facts"],
            uscc=data.get("uscc", ""),
            id_number=data.get("id_number", ""),
            contact_name=data.get("contact_name", ""),
            sealed_letter=data.get("sealed_letter"),
            files=data["files"],
            request=request,
        )


# --- winners and certificates (Art. 3, 23, 31, 32) --------------------------------------


class WinnersView(AnonymousPageCache, TemplateView):
    template_name = "publicity/public/winners.html"

    def page_stamp(self, **kwargs) -> str:
        return winners_stamp(timezone.localdate())

    def get_context_data(self, **kwargs):
        rounds = winners_public()
        notices = revocation_notices_by_award()
        for round_ in rounds:
            for award in round_.awards:
                award.notice_pk = notices.get(award.pk)
        return {
            **super().get_context_data(**kwargs),
            "rounds": rounds,
            "today": timezone.localdate(),
        }


def revocation_notices_by_award() -> dict[int, int]:
    """award id -> the id of its public notice of revocation (Art. 28, 29)."""
    from ..enums import RevocationState
    from ..models import RevocationCase

    return dict(
        RevocationCase.objects.filter(
            state__in=[RevocationState.REVOKED, RevocationState.CLOSED]
        ).values_list("award_id", "pk")
    )


@method_decorator(never_cache, name="dispatch")
class VerifyView(View):
    """Answers only: genuine or not; the winner, the award year, the round, the validity
    and its status. Nothing else about the winner or the dossier."""

    template_name = "publicity/public/verify.html"

    def get(self, request):
        context = {"form": VerifyForm(), "checked": False}
        if "number" in request.GET:
            form = VerifyForm(request.GET)
            context["form"] = form
            if form.is_valid():
                try:
                    award = certificate_verify(number=form.cleaned_data["number"], request=request)
                except ValidationError as error:
                    form.add_error("number", error)
                else:
                    context["checked"] = True
                    context["award"] = award
                    if award is not None:
                        context["status"], context["status_day"] = award_status(award)
                        if context["status"] == "revoked":
                            context["notice_pk"] = revocation_notices_by_award().get(award.pk)
        return render(request, self.template_name, context)


def verify_url(award) -> str:
    query = urlencode({"number": award.certificate_number})
    return absolute(f"{reverse('publicity:verify')}?{query}")


def certificate_context(award) -> dict:
    """What the certificate prints; the QR code points at the public check of its number."""
    url = verify_url(award)
    qr = segno.make(url, error="m")
    return {
        "award": award,
        "cycle": award.cycle,
        "edition": award.cycle.edition,
        "document": award.certificate,
        "government": settings.PORTAL_GOVERNMENT_NAME,
        "office": office(),
        "verify_url": url,
        "verify_page": absolute(reverse("publicity:verify")),
        "qr_svg": mark_safe(qr.svg_inline(scale=3, border=2, omitsize=False)),  # noqa: S308  segno's own markup, no user input
    }


class CertificatePdfView(LoginRequiredMixin, View):
    """The winner's users, the office and the auditor; anybody else gets a 404."""

    def get(self, request, pk: int):
        award = certificate_award(pk)
        if not can_download_certificate(request.user, award):
            raise Http404
        with translation.override("zh-hans"):
            pdf = render_pdf(
                template="publicity/pdf/certificate.html",
                context=certificate_context(award),
                stylesheets=("css/certificate.css",),
            )
        audit_record(
            action=Action.CERTIFICATE_DOWNLOADED,
            actor=request.user,
            target=award.dossier,
            request=request,
            details={
                "certificate": award.certificate_number,
                "certificate_document": award.certificate.number,
            },
        )
        return pdf_response(pdf, f"certificate-{award.award_year}-{award.pk}.pdf", public=False)


# --- the feed of public notices ---------------------------------------------------------


class NoticeAtomFeed(Atom1Feed):
    """Atom with a second link per entry: the notice's PDF."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("pdf"):
            handler.addQuickElement(
                "link",
                "",
                {"rel": "related", "type": "application/pdf", "href": item["pdf"]},
            )


class NoticeFeed(Feed):
    feed_type = NoticeAtomFeed

    def title(self):
        return _("Erenhot Mayor's Quality Award: public notices")

    def link(self):
        return reverse("web:home")

    def subtitle(self):
        return _(
            "Calls for applications, review results under public comment and publicity of "
            "the proposed winners"
        )

    def items(self):
        return notice_feed_items()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return item.key

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.updated

    def item_extra_kwargs(self, item):
        return {"pdf": self.request.build_absolute_uri(item.pdf)}

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return super().get_object(request, *args, **kwargs)
