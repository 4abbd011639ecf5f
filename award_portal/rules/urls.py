from django.urls import path

from .views import office

app_name = "rules"

urlpatterns = [
    path("", office.EditionListView.as_view(), name="edition-list"),
    path("<int:pk>/", office.EditionDetailView.as_view(), name="edition-detail"),
    path("<int:pk>/copy/", office.EditionCopyView.as_view(), name="edition-copy"),
    path("<int:pk>/edit/", office.EditionEditView.as_view(), name="edition-edit"),
    path("plan/", office.PlanView.as_view(), name="plan"),
    path("plan.pdf", office.PlanPdfView.as_view(), name="plan-pdf"),
    path("plan.xlsx", office.PlanExcelView.as_view(), name="plan-xlsx"),
]
