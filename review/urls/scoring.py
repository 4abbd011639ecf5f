from django.urls import path

from ..views import scoring

urlpatterns = [
    path("rounds/<id:cycle>/", scoring.BoardView.as_view(), name="board"),
    path("rounds/<id:cycle>/scores.xlsx", scoring.ScoresExportView.as_view(), name="scores-export"),
    path(
        "rounds/<id:cycle>/ranking.xlsx", scoring.RankingExportView.as_view(), name="ranking-export"
    ),
    path("assignments/<id:pk>/", scoring.SheetView.as_view(), name="sheet"),
    path(
        "assignments/<id:pk>/files/<id:file_pk>/",
        scoring.AssignedFileView.as_view(),
        name="assigned-file",
    ),
    path(
        "stages/<id:stage>/dossiers/<id:dossier>/",
        scoring.ResultView.as_view(),
        name="result",
    ),
    path("sheets/<id:pk>/return/", scoring.SheetReturnView.as_view(), name="sheet-return"),
    path("results/<id:pk>/reopen/", scoring.ResultReopenView.as_view(), name="result-reopen"),
    path("stages/<id:pk>/close/", scoring.StageCloseView.as_view(), name="stage-close"),
]
