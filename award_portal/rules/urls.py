from django.urls import path
from django.views.generic import TemplateView

from award_portal.web import converters  # noqa: F401  (registers <id:...>)

from .views import office

app_name = "rules"

urlpatterns = [
    path("", office.EditionListView.as_view(), name="edition-list"),
    path(
        "measures-2021/",
        TemplateView.as_view(template_name="rules/public/measures_2021.html"),
        name="measures-2021",
    ),
    path("<id:pk>/", office.EditionDetailView.as_view(), name="edition-detail"),
    path("<id:pk>/copy/", office.EditionCopyView.as_view(), name="edition-copy"),
    path("<id:pk>/edit/", office.EditionEditView.as_view(), name="edition-edit"),
    path("plan/", office.PlanView.as_view(), name="plan"),
    path("plan.pdf", office.PlanPdfView.as_view(), name="plan-pdf"),
    path("plan.xlsx", office.PlanExcelView.as_view(), name="plan-xlsx"),
]
