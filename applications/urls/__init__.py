from django.urls import path

from award_portal.web import converters  # noqa: F401  (registers <id:...>)

from ..views import applicant, documents, mobiliser, office, public

app_name = "applications"

urlpatterns = [
    # public
    path("calls/", public.CallListView.as_view(), name="call-list"),
    path("calls/feed.atom", public.CallFeed(), name="call-feed"),
    path("calls/<id:pk>/", public.CallDetailView.as_view(), name="call-detail"),
    path("calls/<id:pk>/call.pdf", public.CallPdfView.as_view(), name="call-pdf"),
    path("invite/<str:token>/", mobiliser.InvitationAcceptView.as_view(), name="invitation-accept"),
    # office
    path("office/cycles/", office.CycleListView.as_view(), name="cycle-list"),
    path("office/cycles/new/", office.CycleCreateView.as_view(), name="cycle-create"),
    path("office/cycles/<id:pk>/", office.CycleDetailView.as_view(), name="cycle-detail"),
    path("office/cycles/<id:pk>/edit/", office.CycleEditView.as_view(), name="cycle-edit"),
    path(
        "office/cycles/<id:pk>/<str:name>/",
        office.CycleTransitionView.as_view(),
        name="cycle-transition",
    ),
    path("office/qualification/", office.QueueView.as_view(), name="queue"),
    path("office/qualification/<id:pk>/", office.CheckView.as_view(), name="check"),
    path("office/dossiers/<id:pk>/reveal-id/", office.RevealIdView.as_view(), name="reveal-id"),
    path("office/mobilisers/", office.MobiliserListView.as_view(), name="mobilisers"),
    # applicants (and the shared dossier page)
    path("apply/profile/", applicant.ProfileView.as_view(), name="profile"),
    path("apply/profile/members/", applicant.MemberAddView.as_view(), name="member-add"),
    path(
        "apply/invitations/<str:token>/",
        applicant.MemberInvitationView.as_view(),
        name="member-invitation",
    ),
    path("apply/", applicant.MyDossiersView.as_view(), name="my-dossiers"),
    path("apply/start/<id:cycle_pk>/", applicant.DossierStartView.as_view(), name="dossier-start"),
    path("dossiers/<id:pk>/", applicant.DossierDetailView.as_view(), name="dossier-detail"),
    path("dossiers/<id:pk>/files/", applicant.FileUploadView.as_view(), name="file-upload"),
    path(
        "dossiers/<id:pk>/files/<id:file_pk>/",
        applicant.FileDownloadView.as_view(),
        name="file-download",
    ),
    path(
        "dossiers/<id:pk>/files/<id:file_pk>/delete/",
        applicant.FileDeleteView.as_view(),
        name="file-delete",
    ),
    path("dossiers/<id:pk>/submit/", applicant.DossierSubmitView.as_view(), name="dossier-submit"),
    path(
        "dossiers/<id:pk>/resubmit/",
        applicant.DossierResubmitView.as_view(),
        name="dossier-resubmit",
    ),
    path(
        "dossiers/<id:pk>/withdraw/",
        applicant.DossierWithdrawView.as_view(),
        name="dossier-withdraw",
    ),
    path(
        "dossiers/<id:pk>/form.pdf",
        documents.DossierPdfView.as_view(),
        {"document": "form"},
        name="form-pdf",
    ),
    path(
        "dossiers/<id:pk>/receipt-<id:number>.pdf",
        documents.DossierPdfView.as_view(),
        {"document": "receipt"},
        name="receipt-pdf",
    ),
    path(
        "dossiers/<id:pk>/decision.pdf",
        documents.DossierPdfView.as_view(),
        {"document": "decision"},
        name="decision-pdf",
    ),
    path(
        "dossiers/<id:pk>/notice-<id:number>.pdf",
        documents.DossierPdfView.as_view(),
        {"document": "notice"},
        name="notice-pdf",
    ),
    # mobilising departments
    path("mobiliser/", mobiliser.SectorView.as_view(), name="sector"),
]
