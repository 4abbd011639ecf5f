from django.urls import path

from ..views import public

urlpatterns = [
    path("results/", public.ResultsListView.as_view(), name="results-list"),
    path("results/<id:cycle>/", public.ResultsView.as_view(), name="results"),
    path("results/<id:cycle>/notice.pdf", public.ResultsPdfView.as_view(), name="results-pdf"),
    path("results/<id:cycle>/comment/", public.CommentCodeView.as_view(), name="comment-code"),
    path(
        "results/<id:cycle>/comment/<str:token>/",
        public.CommentSubmitView.as_view(),
        name="comment-submit",
    ),
    path("publicity/", public.PublicityListView.as_view(), name="publicity-list"),
    path("publicity/<id:cycle>/", public.PublicityView.as_view(), name="publicity"),
    path(
        "publicity/<id:cycle>/notice.pdf", public.PublicityPdfView.as_view(), name="publicity-pdf"
    ),
    path(
        "publicity/<id:cycle>/objection/", public.ObjectionCodeView.as_view(), name="objection-code"
    ),
    path(
        "publicity/<id:cycle>/objection/<str:token>/",
        public.ObjectionSubmitView.as_view(),
        name="objection-submit",
    ),
    path("winners/", public.WinnersView.as_view(), name="winners"),
    path("verify/", public.VerifyView.as_view(), name="verify"),
    path("notices/feed.atom", public.NoticeFeed(), name="notice-feed"),
    path(
        "awards/<id:pk>/certificate.pdf",
        public.CertificatePdfView.as_view(),
        name="certificate-pdf",
    ),
]
