"""The award's statistics (Art. 6) for the office, the auditor and the working group:
figures and charts, and the same figures as a spreadsheet (each export an audit event).
Anybody else gets 404; anonymous visitors are asked to log in."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View

from award_portal.documents.spreadsheets import xlsx_response

from ..charts import bar_chart
from ..services.statistics import statistics_export
from ..statistics import can_read_statistics, export_sheets, round_statistics


class StatisticsAccess(View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_read_statistics(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def _breakdown(title: str, figures: dict, round_name: str) -> dict:
    rows = list(figures.items())
    unit = pgettext("chart unit", " applications")
    return {
        "title": title,
        "rows": rows,
        "chart": bar_chart(
            title=f"{round_name}：{title}",
            description=_("Applications received, by %(what)s: %(list)s")
            % {"what": title, "list": "；".join(f"{k} {v}{unit}" for k, v in rows) or "—"},
            rows=rows,
            unit=unit,
        ),
    }


class StatisticsView(StatisticsAccess):
    template_name = "publicity/statistics/statistics.html"

    def get(self, request):
        rounds = round_statistics()
        chosen = None
        wanted = request.GET.get("round", "")
        for figures in rounds:
            if str(figures.cycle.pk) == wanted:
                chosen = figures
        chosen = chosen or (rounds[0] if rounds else None)
        context = {"rounds": rounds, "chosen": chosen}
        if rounds:
            context["overview_chart"] = bar_chart(
                title=_("Applications and winners per round"),
                description="；".join(
                    _("%(round)s: %(received)s applications, %(winners)s winners")
                    % {"round": f.cycle.name, "received": f.received, "winners": f.winners}
                    for f in rounds
                ),
                # each bar says what it counts, and its figure carries the unit
                rows=[
                    row
                    for f in rounds
                    for row in (
                        (
                            _("%(round)s: applications") % {"round": f.cycle.name},
                            f.received,
                            pgettext("chart unit", " applications"),
                        ),
                        (
                            _("%(round)s: winners") % {"round": f.cycle.name},
                            f.winners,
                            pgettext("chart unit", " winners"),
                        ),
                        *(
                            [
                                (
                                    _("%(round)s: titles revoked") % {"round": f.cycle.name},
                                    f.revoked,
                                    pgettext("chart unit", " titles"),
                                )
                            ]
                            if f.revoked
                            else []
                        ),
                    )
                ],
            )
        if chosen is not None:
            name = chosen.cycle.name
            context["breakdowns"] = [
                _breakdown(_("status"), chosen.by_state, name),
                _breakdown(_("kind"), chosen.by_kind, name),
                _breakdown(_("sector"), chosen.by_sector, name),
                _breakdown(_("district"), chosen.by_district, name),
                _breakdown(_("ownership"), chosen.by_ownership, name),
            ]
            context["rates_chart"] = bar_chart(
                title=_("%(round)s: pass rate at each stage") % {"round": name},
                description="；".join(f"{r.label} {r.passed}/{r.decided}" for r in chosen.rates),
                rows=[(r.label, r.percent) for r in chosen.rates],
                unit="%",
            )
            context["score_charts"] = [
                {
                    "stage": stage,
                    "bands": list(bands.items()),
                    "chart": bar_chart(
                        title=_("%(round)s: review scores, %(stage)s")
                        % {"round": name, "stage": stage},
                        description="；".join(f"{band}：{n}" for band, n in bands.items()),
                        rows=list(bands.items()),
                        unit=pgettext("chart unit", " results"),
                    ),
                }
                for stage, bands in chosen.scores.items()
            ]
        return render(request, self.template_name, context)


class StatisticsExportView(StatisticsAccess):
    def get(self, request):
        rounds = round_statistics()
        statistics_export(actor=request.user, rounds=[f.cycle.pk for f in rounds], request=request)
        stamp = timezone.localdate().strftime("%Y%m%d")
        sheets = export_sheets(rounds)
        return xlsx_response(
            filename=f"award-statistics-{stamp}.xlsx",
            sheets=sheets,
            # the round's name and the breakdown's label are wide; counts are narrow
            widths={title: (28, 28, *[14] * (len(header) - 2)) for title, header, _r in sheets},
        )
