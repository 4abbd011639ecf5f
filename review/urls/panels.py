from django.urls import path

from ..views import expert, panels

urlpatterns = [
    path("rounds/<id:cycle>/panels/", panels.PanelsView.as_view(), name="panels"),
    path("stages/<id:pk>/panels/new/", panels.PanelCreateView.as_view(), name="panel-create"),
    path("stages/<id:pk>/propose/", panels.ProposeView.as_view(), name="propose"),
    path("panels/<id:pk>/", panels.PanelDetailView.as_view(), name="panel-detail"),
    path("members/<id:pk>/remove/", panels.MemberRemoveView.as_view(), name="member-remove"),
    path(
        "stages/<id:stage>/dossiers/<id:dossier>/panel/",
        panels.DossierPanelView.as_view(),
        name="dossier-panel",
    ),
    path("rounds/<id:cycle>/conflicts/", panels.ConflictRegisterView.as_view(), name="conflicts"),
    path(
        "rounds/<id:cycle>/conflicts.xlsx",
        panels.ConflictExportView.as_view(),
        name="conflicts-export",
    ),
    path("flags/<id:pk>/", panels.FlagResolveView.as_view(), name="flag-resolve"),
    path("expert/", expert.ExpertHomeView.as_view(), name="expert-home"),
    path("invitations/<id:pk>/", expert.InvitationAnswerView.as_view(), name="invitation-answer"),
    path("assignments/<id:pk>/declare/", expert.DeclareView.as_view(), name="declare"),
]
