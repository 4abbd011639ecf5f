"""Rulebook editions and the cycle plan."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from award_portal.accounts.mixins import RolePermissionRequiredMixin
from award_portal.audit.enums import Action
from award_portal.audit.services import audit_record
from award_portal.documents.pdf import render_pdf
from award_portal.documents.spreadsheets import XLSX_TYPE, xlsx_append
from award_portal.web.editing import OptimisticEditMixin
from award_portal.workdays.engine import WorkdayCalendar

from ..forms import EditionCopyForm, EditionForm, PlanForm
from ..models import RulebookEdition
from ..plan import cycle_plan, timeline_bars
from ..selectors import edition_in_force, edition_list_for
from ..services import edition_assert_in_force, edition_copy, edition_update


class EditionListView(ListView):
    template_name = "rules/public/edition_list.html"
    context_object_name = "editions"

    def get_queryset(self):
        return edition_list_for(self.request.user)


class EditionDetailView(DetailView):
    template_name = "rules/public/edition_detail.html"
    context_object_name = "edition"

    def get_queryset(self):
        return edition_list_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = self.object
        context["numbers"] = [
            (RulebookEdition._meta.get_field(name).verbose_name, getattr(edition, name))
            for name in RulebookEdition.NUMBER_FIELDS
        ]
        return context


class EditionCopyView(RolePermissionRequiredMixin, FormView):
    permission_required = "rules.add_rulebookedition"
    template_name = "rules/office/edition_copy.html"
    form_class = EditionCopyForm

    def dispatch(self, request, *args, **kwargs):
        self.source = get_object_or_404(edition_list_for(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.source, **kwargs)

    def form_valid(self, form):
        try:
            edition = edition_copy(
                actor=self.request.user,
                source=self.source,
                request=self.request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("New edition created. Check and adjust its numbers."))
        return redirect("rules:edition-edit", pk=edition.pk)


class EditionEditView(RolePermissionRequiredMixin, OptimisticEditMixin, FormView):
    permission_required = "rules.change_rulebookedition"
    template_name = "rules/office/edition_form.html"
    form_class = EditionForm

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(edition_list_for(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(edition=self.object, **kwargs)

    def save(self, data, expected_updated_at):
        edition_update(
            actor=self.request.user,
            edition=self.object,
            data=data,
            request=self.request,
            expected_updated_at=expected_updated_at,
        )
        messages.success(self.request, _("The edition is saved."))

    def get_success_url(self):
        return reverse("rules:edition-detail", args=[self.object.pk])


class PlanMixin(RolePermissionRequiredMixin):
    permission_required = "rules.plan_cycle"

    def plan_data(self):
        """The GET parameters, or today's date under the edition in force today."""
        if self.request.GET:
            return self.request.GET
        today = timezone.localdate()
        in_force = edition_in_force(on=today)
        return {"edition": in_force.pk, "announcement": today.isoformat()} if in_force else None

    def plan_from_request(self):
        """(form, rows, error) for the GET parameters."""
        form = PlanForm(self.plan_data())
        if not form.is_bound or not form.is_valid():
            return form, None, ""
        edition, announcement = form.cleaned_data["edition"], form.cleaned_data["announcement"]
        try:
            edition_assert_in_force(edition=edition, on=announcement)
        except ValidationError as error:
            return form, None, " ".join(error.messages)
        rows = cycle_plan(
            edition=edition, announcement=announcement, calendar=WorkdayCalendar.load()
        )
        return form, rows, ""


class PlanView(PlanMixin, TemplateView):
    template_name = "rules/office/plan.html"

    @staticmethod
    def query_string(form) -> str:
        """The plan's parameters for the download links."""
        if not form.is_bound:
            return ""
        data = form.data
        return data.urlencode() if hasattr(data, "urlencode") else urlencode(data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, rows, error = self.plan_from_request()
        context.update(
            form=form,
            rows=rows,
            error=error,
            bars=timeline_bars(rows) if rows else [],
            query=self.query_string(form),
        )
        if rows:
            context["svg_height"] = 40 + len(rows) * 34
        return context


class PlanExportMixin(PlanMixin):
    def get(self, request):
        form, rows, error = self.plan_from_request()
        if not rows:
            messages.error(request, error or _("Choose an edition and an announcement date."))
            return redirect("rules:plan")
        with transaction.atomic():
            audit_record(
                action=Action.PLAN_EXPORTED,
                actor=request.user,
                request=request,
                target=form.cleaned_data["edition"],
                details={
                    "format": self.format,
                    "announcement": form.cleaned_data["announcement"].isoformat(),
                },
            )
        return self.export(form, rows)

    def filename(self, form) -> str:
        return f"cycle-plan-{form.cleaned_data['announcement']:%Y%m%d}.{self.format}"


class PlanPdfView(PlanExportMixin, TemplateView):
    format = "pdf"

    def export(self, form, rows):
        pdf = render_pdf(
            template="rules/office/plan_pdf.html",
            context={
                "edition": form.cleaned_data["edition"],
                "rows": rows,
                "announcement": form.cleaned_data["announcement"],
            },
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{self.filename(form)}"'
        return response


class PlanExcelView(PlanExportMixin, TemplateView):
    format = "xlsx"

    def export(self, form, rows):
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Cycle plan")[:31]
        edition = form.cleaned_data["edition"]
        # The edition's name is typed by the office: every row goes through the
        # formula-safe writer, like every other export.
        xlsx_append(sheet, [_("Rulebook edition"), edition.name])
        xlsx_append(sheet, [_("Planned announcement date"), form.cleaned_data["announcement"]])
        xlsx_append(sheet, [])
        xlsx_append(
            sheet, [_("Stage"), _("Article"), _("Rule"), _("From"), _("Earliest date"), _("Note")]
        )
        for row in rows:
            xlsx_append(sheet, [row.label, row.article, row.rule, row.start, row.end, row.pending])
        for column, width in zip("ABCDEF", (44, 12, 36, 14, 14, 40), strict=True):
            sheet.column_dimensions[column].width = width
        for cells in sheet.iter_rows(min_row=5, min_col=4, max_col=5):
            for cell in cells:
                cell.number_format = "yyyy-mm-dd"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.filename(form)}"'
        return response
