from django.urls import path

from ..views import revocation

urlpatterns = [
    path("office/revocations/", revocation.RevocationListView.as_view(), name="revocations"),
    path(
        "office/awards/<id:award>/revocation/",
        revocation.RevocationOpenView.as_view(),
        name="revocation-open",
    ),
    path("office/revocations/<id:pk>/", revocation.RevocationCaseView.as_view(), name="revocation"),
    path(
        "office/revocations/<id:pk>/files/<id:file_pk>/",
        revocation.RevocationFileView.as_view(),
        name="revocation-file",
    ),
    path(
        "office/revocations/<id:pk>/decision/",
        revocation.RevocationFileView.as_view(),
        name="revocation-scan",
    ),
    path("office/bans/", revocation.BanListView.as_view(), name="bans"),
    path(
        "revocations/<id:pk>/statement/",
        revocation.StatementView.as_view(),
        name="revocation-statement",
    ),
    path(
        "revocations/<id:pk>/statement/files/<id:file_pk>/",
        revocation.StatementFileView.as_view(),
        name="revocation-statement-file",
    ),
    path("revocations/", revocation.NoticeListView.as_view(), name="revocation-notices"),
    path("revocations/<id:pk>/", revocation.NoticeView.as_view(), name="revocation-notice"),
    path(
        "revocations/<id:pk>/notice.pdf", revocation.NoticePdfView.as_view(), name="revocation-pdf"
    ),
]
