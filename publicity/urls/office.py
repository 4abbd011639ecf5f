from django.urls import path

from ..views import office

P = "office/rounds/<id:cycle>/"

urlpatterns = [
    path(P + "results/", office.NoticeView.as_view(), name="notice"),
    path(P + "comments/", office.CommentListView.as_view(), name="comments"),
    path("office/comments/<id:pk>/", office.CommentDetailView.as_view(), name="comment"),
    path(
        "office/comments/<id:pk>/files/<id:file_pk>/",
        office.CommentFileView.as_view(),
        name="comment-file",
    ),
    path(P + "ranking/", office.RankingView.as_view(), name="ranking"),
    path(
        P + "report.pdf", office.ReportPdfView.as_view(), {"document": "report"}, name="report-pdf"
    ),
    path(
        P + "candidates.pdf", office.ReportPdfView.as_view(), {"document": "list"}, name="list-pdf"
    ),
    path(P + "group/", office.RosterView.as_view(), name="roster"),
    path(P + "meeting/", office.MeetingView.as_view(), name="meeting"),
    path("office/ballots/<id:pk>/", office.BallotView.as_view(), name="ballot"),
    path(
        "office/meetings/<id:pk>/minutes.pdf", office.MinutesPdfView.as_view(), name="minutes-pdf"
    ),
    path(P + "publicity/", office.PublicityOfficeView.as_view(), name="publicity-office"),
    path("office/objections/<id:pk>/", office.ObjectionDetailView.as_view(), name="objection"),
    path(
        "office/objections/<id:pk>/files/<str:which>/",
        office.ObjectionFileView.as_view(),
        name="objection-file",
    ),
    path(P + "approval/", office.ApprovalView.as_view(), name="approval"),
    path(P + "approval/scan/", office.ApprovalScanView.as_view(), name="approval-scan"),
    path(P + "awards/", office.AwardsView.as_view(), name="awards"),
]
