"""The second half of the flow: public pages, the office's pages, the working group's."""

from award_portal.web import converters  # noqa: F401  (registers <id:...>)

from . import archive, group, office, public, revocation, supervision

app_name = "publicity"

urlpatterns = [
    *public.urlpatterns,
    *office.urlpatterns,
    *group.urlpatterns,
    *supervision.urlpatterns,
    *revocation.urlpatterns,
    *archive.urlpatterns,
]
