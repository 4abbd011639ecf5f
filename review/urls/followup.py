from django.urls import path

from ..views import followup

urlpatterns = [
    path("stages/<id:pk>/visits/", followup.VisitListView.as_view(), name="visits"),
    path(
        "stages/<id:stage>/dossiers/<id:dossier>/visit/",
        followup.VisitView.as_view(),
        name="visit",
    ),
    path(
        "findings/<id:pk>/attachment/",
        followup.FindingAttachmentView.as_view(),
        name="finding-attachment",
    ),
    path("stages/<id:pk>/slots/", followup.SlotsView.as_view(), name="slots"),
    path("slots/<id:pk>/confirm/", followup.SlotConfirmView.as_view(), name="slot-confirm"),
    path(
        "rounds/<id:cycle>/feedback/",
        followup.FeedbackReleaseView.as_view(),
        name="feedback-release",
    ),
    path("dossiers/<id:pk>/", followup.ApplicantReviewView.as_view(), name="applicant-review"),
    path("dossiers/<id:pk>/feedback.pdf", followup.FeedbackPdfView.as_view(), name="feedback-pdf"),
    path("dossiers/<id:pk>/rate/", followup.RateView.as_view(), name="rate"),
    path("conduct/", followup.ConductListView.as_view(), name="conduct"),
    path("cases/<id:pk>/", followup.CaseView.as_view(), name="case"),
]
