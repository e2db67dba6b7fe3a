"""/api/v1/ routes of the complaints API core (attachments and SLA policies have their own modules)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from complaints.api.imports import ComplaintImportView
from complaints.api.views import CategoryViewSet, ComplaintViewSet

router = SimpleRouter()
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("categories", CategoryViewSet, basename="category")

# Before the router: its detail route would take "import" for a case id.
urlpatterns = [
    path("complaints/import/", ComplaintImportView.as_view(), name="complaint-import"),
    *router.urls,
]
