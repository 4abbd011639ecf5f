from django.urls import path

from ..views import archive, statistics

urlpatterns = [
    path("office/rounds/<id:cycle>/archive/", archive.ArchiveView.as_view(), name="archive"),
    path(
        "office/archives/<id:pk>/download/",
        archive.ArchiveDownloadView.as_view(),
        name="archive-download",
    ),
    path("statistics/", statistics.StatisticsView.as_view(), name="statistics"),
    path(
        "statistics/export.xlsx",
        statistics.StatisticsExportView.as_view(),
        name="statistics-export",
    ),
]
