"""What the review report (评审工作报告) holds, frozen when the candidate list is
submitted: the round's figures, the stages, the ranking, the comments and their weighing."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count
from django.utils import timezone

from applications.enums import DossierState
from applications.models import Cycle
from review.models import ReviewStage, StageResult

from ..models import Comment, RankingEntry


def _latest_weighing(comment: Comment):
    weighings = list(comment.weighings.all())
    return weighings[-1] if weighings else None


def review_report_data(cycle: Cycle) -> dict:
    states = Counter(cycle.dossiers.values_list("kind", "state"))
    received = {
        kind: sum(n for (k, s), n in states.items() if k == kind and s != DossierState.DRAFT)
        for kind in ("organisation", "individual")
    }
    not_qualified = {
        kind: states.get((kind, DossierState.NOT_QUALIFIED), 0)
        for kind in ("organisation", "individual")
    }
    withdrawn = {
        kind: states.get((kind, DossierState.WITHDRAWN), 0)
        for kind in ("organisation", "individual")
    }
    stages = [
        {
            "kind": stage.kind,
            "label": str(stage.get_kind_display()),
            "starts_on": stage.starts_on.isoformat(),
            "ends_on": stage.ends_on.isoformat(),
            "aggregation": str(stage.get_aggregation_display()),
            "method": stage.aggregation,
            "weight": stage.weight,
            "results": stage.results.filter(superseded_at__isnull=True).count(),
        }
        for stage in ReviewStage.objects.filter(plan__cycle=cycle).order_by("position")
    ]
    comments = (
        Comment.objects.filter(notice__cycle=cycle)
        .select_related("dossier")
        .prefetch_related("weighings")
        .order_by("received_at")
    )
    by_dossier: dict[int, list[dict]] = {}
    for comment in comments:
        weighing = _latest_weighing(comment)
        by_dossier.setdefault(comment.dossier_id, []).append(
            {
                "receipt": comment.receipt_number,
                "received": comment.received_at.date().isoformat(),
                "text": comment.text,
                "weighed": weighing.decision if weighing else "",
                "weighed_label": str(weighing.get_decision_display()) if weighing else "",
                "reason": weighing.reason if weighing else "",
                # every weighing, the earlier ones beside the latest (append-only)
                "weighings": [
                    {
                        "decision": w.decision,
                        "label": str(w.get_decision_display()),
                        "reason": w.reason,
                        "on": timezone.localdate(w.weighed_at).isoformat(),
                    }
                    for w in comment.weighings.all()
                ],
            }
        )
    scores: dict[int, list[dict]] = {}
    for result in (
        StageResult.objects.filter(stage__plan__cycle=cycle, superseded_at__isnull=True)
        .select_related("stage")
        .order_by("stage__position")
    ):
        scores.setdefault(result.dossier_id, []).append(
            {
                "stage": result.stage.kind,
                "score": str(result.score),
                "maximum": result.maximum,
            }
        )
    ranking = []
    for entry in (
        RankingEntry.objects.filter(cycle=cycle, superseded_at__isnull=True)
        .select_related("dossier__organisation", "dossier__individual")
        .order_by("kind", "position")
    ):
        ranking.append(
            {
                "dossier": entry.dossier_id,
                "kind": entry.kind,
                "position": entry.position,
                "review_position": entry.review_position,
                "number": entry.dossier.number,
                "name": entry.dossier.applicant_name,
                "composite": str(entry.composite) if entry.composite is not None else "",
                "on_list": entry.on_list,
                "reason": entry.reason,
                "comments": by_dossier.get(entry.dossier_id, []),
                "scores": scores.get(entry.dossier_id, []),
            }
        )
    return {
        "received": received,
        "not_qualified": not_qualified,
        "withdrawn": withdrawn,
        "reviewed": dict(
            cycle.dossiers.filter(
                state__in=[
                    DossierState.REVIEWED,
                    DossierState.CANDIDATE,
                    DossierState.NOT_SHORTLISTED,
                ]
            )
            .values_list("kind")
            .annotate(n=Count("id"))
        ),
        "stages": stages,
        "ranking": ranking,
        "comment_count": sum(len(v) for v in by_dossier.values()),
        "quota": {"organisation": cycle.quota_organisation, "individual": cycle.quota_individual},
    }
