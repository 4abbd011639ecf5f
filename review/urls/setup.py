from django.urls import path

from ..views import setup

urlpatterns = [
    path("agencies/", setup.AgencyListView.as_view(), name="agency-list"),
    path("agencies/new/", setup.AgencyCreateView.as_view(), name="agency-create"),
    path("agencies/<id:pk>/", setup.AgencyDetailView.as_view(), name="agency-detail"),
    path(
        "agencies/<id:pk>/accounts/new/",
        setup.AgencyAccountCreateView.as_view(),
        name="agency-account-create",
    ),
    path("experts/", setup.ExpertListView.as_view(), name="expert-list"),
    path("experts/new/", setup.ExpertCreateView.as_view(), name="expert-create"),
    path("experts/<id:pk>/", setup.ExpertDetailView.as_view(), name="expert-detail"),
    path("experts/<id:pk>/edit/", setup.ExpertEditView.as_view(), name="expert-edit"),
    path("criteria/", setup.CriteriaListView.as_view(), name="criteria-list"),
    path("criteria/<id:pk>/", setup.CriteriaDetailView.as_view(), name="criteria-detail"),
    path("criteria/<id:pk>/copy/", setup.CriteriaCopyView.as_view(), name="criteria-copy"),
    path("criteria/<id:pk>/edit/", setup.CriteriaEditView.as_view(), name="criteria-edit"),
    path("rounds/<id:cycle>/agency/", setup.EngagementView.as_view(), name="engagement"),
    path(
        "rounds/<id:cycle>/agency/contract/",
        setup.EngagementContractView.as_view(),
        name="engagement-contract",
    ),
    path("rounds/<id:cycle>/plan/", setup.PlanView.as_view(), name="plan"),
    path("rounds/<id:cycle>/start/", setup.ReviewStartView.as_view(), name="review-start"),
]
