"""Supervision after the award: the office's pages and the winner's fund reports."""

from django.urls import path

from ..views import supervision as views

urlpatterns = [
    path("office/supervision/", views.SupervisionListView.as_view(), name="supervision"),
    path(
        "office/supervision/<id:pk>/",
        views.WinnerPage.as_view(),
        name="supervision-winner",
    ),
    path("office/rounds/<id:cycle>/fund/", views.RoundFundView.as_view(), name="round-fund"),
    path("office/fund-reports/<id:pk>/", views.FundReviewView.as_view(), name="fund-review"),
    path("office/visits/<id:pk>/", views.VisitView.as_view(), name="visit"),
    path("fund-reports/", views.MyFundReportsView.as_view(), name="my-fund-reports"),
    path("fund-reports/<id:pk>/", views.FundReportView.as_view(), name="fund-report"),
    path(
        "fund-reports/<id:pk>/files/<id:file_pk>/",
        views.FundEvidenceView.as_view(),
        name="fund-evidence",
    ),
]
