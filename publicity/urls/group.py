from django.urls import path

from ..views import group

urlpatterns = [
    path("group/", group.GroupHomeView.as_view(), name="group-home"),
    path("group/rounds/<id:cycle>/", group.GroupRoundView.as_view(), name="group-round"),
    path(
        "group/rounds/<id:cycle>/dossiers/<id:dossier>/",
        group.GroupDossierView.as_view(),
        name="group-dossier",
    ),
    path(
        "group/rounds/<id:cycle>/dossiers/<id:dossier>/conflict/",
        group.GroupConflictView.as_view(),
        name="group-conflict",
    ),
    path("group/ballots/<id:pk>/", group.GroupVoteView.as_view(), name="group-vote"),
]
