"""The round's archive (Art. 27): the office starts a build and follows its progress;
the office and the auditor download a finished archive (each download an audit event).
Anybody else learns nothing: 404, and anonymous visitors are asked to log in."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from applications.models import Cycle

from ..archive import copy_without_confidential
from ..models import ArchiveState, RoundArchive
from ..permissions import is_office, oversees
from ..services.archive import (
    archive_download,
    archive_problem,
    archive_request,
    archive_with_trade_secrets,
)


class ArchiveAccess(View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not oversees(request.user):
            raise Http404
        self.acting = is_office(request.user)
        return super().dispatch(request, *args, **kwargs)


class ArchiveView(ArchiveAccess):
    template_name = "publicity/archive/archive_list.html"

    def get(self, request, cycle):
        found = get_object_or_404(Cycle.objects.select_related("edition"), pk=cycle)
        archives = list(RoundArchive.objects.filter(cycle=found).select_related("requested_by"))
        building = any(a.in_progress for a in archives)
        return render(
            request,
            self.template_name,
            {
                "cycle": found,
                "acting": self.acting,
                "archives": archives,
                "building": building,
                "problem": archive_problem(found),
            },
        )

    def post(self, request, cycle):
        if not self.acting:
            raise Http404
        found = get_object_or_404(Cycle, pk=cycle)
        try:
            archive_request(actor=request.user, cycle=found, request=request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The archive is being built. This page shows its progress; it may take minutes."),
            )
        return redirect("publicity:archive", cycle=found.pk)


class ArchiveDownloadView(ArchiveAccess):
    def get(self, request, pk):
        archive = get_object_or_404(
            RoundArchive.objects.select_related("cycle"), pk=pk, state=ArchiveState.READY
        )
        try:
            handle = archive.file.open("rb")
        except FileNotFoundError as error:  # removed from storage behind the portal's back
            raise Http404 from error
        withheld = []
        filename = archive.filename
        if not archive_with_trade_secrets(request.user):
            # the auditor's copy, without the trade-secret files, written in chunks to a
            # temporary file that is removed once the response is closed
            copy = tempfile.TemporaryFile()  # noqa: SIM115  handed to the response, which closes it
            with handle:
                withheld = copy_without_confidential(handle, copy)
            copy.seek(0)
            handle = copy
            stem, _dot, extension = filename.rpartition(".")
            filename = f"{stem}-without-trade-secrets.{extension}"
        archive_download(
            actor=request.user, archive=archive, withheld=len(withheld), request=request
        )
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=filename,
            content_type="application/zip",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response
