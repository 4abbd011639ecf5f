from django.urls import path

from ..views import applicant, mobiliser, office, public

app_name = "applications"

urlpatterns = [
    # public
    path("calls/", public.CallListView.as_view(), name="call-list"),
    path("calls/feed.atom", public.CallFeed(), name="call-feed"),
    path("calls/<int:pk>/", public.CallDetailView.as_view(), name="call-detail"),
    path("calls/<int:pk>/call.pdf", public.CallPdfView.as_view(), name="call-pdf"),
    path("invite/<str:token>/", mobiliser.InvitationAcceptView.as_view(), name="invitation-accept"),
    # office
    path("office/cycles/", office.CycleListView.as_view(), name="cycle-list"),
    path("office/cycles/new/", office.CycleCreateView.as_view(), name="cycle-create"),
    path("office/cycles/<int:pk>/", office.CycleDetailView.as_view(), name="cycle-detail"),
    path("office/cycles/<int:pk>/edit/", office.CycleEditView.as_view(), name="cycle-edit"),
    path(
        "office/cycles/<int:pk>/<str:name>/",
        office.CycleTransitionView.as_view(),
        name="cycle-transition",
    ),
    path("office/qualification/", office.QueueView.as_view(), name="queue"),
    path("office/qualification/<int:pk>/", office.CheckView.as_view(), name="check"),
    path("office/individuals/<int:pk>/reveal-id/", office.RevealIdView.as_view(), name="reveal-id"),
    path("office/mobilisers/", office.MobiliserListView.as_view(), name="mobilisers"),
    # applicants (and the shared dossier page)
    path("apply/profile/", applicant.ProfileView.as_view(), name="profile"),
    path("apply/profile/members/", applicant.MemberAddView.as_view(), name="member-add"),
    path("apply/", applicant.MyDossiersView.as_view(), name="my-dossiers"),
    path("apply/start/<int:cycle_pk>/", applicant.DossierStartView.as_view(), name="dossier-start"),
    path("dossiers/<int:pk>/", applicant.DossierDetailView.as_view(), name="dossier-detail"),
    path("dossiers/<int:pk>/files/", applicant.FileUploadView.as_view(), name="file-upload"),
    path(
        "dossiers/<int:pk>/files/<int:file_pk>/",
        applicant.FileDownloadView.as_view(),
        name="file-download",
    ),
    path(
        "dossiers/<int:pk>/files/<int:file_pk>/delete/",
        applicant.FileDeleteView.as_view(),
        name="file-delete",
    ),
    path("dossiers/<int:pk>/submit/", applicant.DossierSubmitView.as_view(), name="dossier-submit"),
    path(
        "dossiers/<int:pk>/resubmit/",
        applicant.DossierResubmitView.as_view(),
        name="dossier-resubmit",
    ),
    path(
        "dossiers/<int:pk>/form.pdf",
        applicant.DossierPdfView.as_view(),
        {"document": "form"},
        name="form-pdf",
    ),
    path(
        "dossiers/<int:pk>/receipt.pdf",
        applicant.DossierPdfView.as_view(),
        {"document": "receipt"},
        name="receipt-pdf",
    ),
    path(
        "dossiers/<int:pk>/decision.pdf",
        applicant.DossierPdfView.as_view(),
        {"document": "decision"},
        name="decision-pdf",
    ),
    path(
        "dossiers/<int:pk>/notice-<int:number>.pdf",
        applicant.DossierPdfView.as_view(),
        {"document": "notice"},
        name="notice-pdf",
    ),
    # mobilising departments
    path("mobiliser/", mobiliser.SectorView.as_view(), name="sector"),
]
