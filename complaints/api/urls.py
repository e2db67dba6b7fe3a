"""/api/v1/ routes of the complaints API core (attachments and SLA policies have their own modules)."""

from rest_framework.routers import SimpleRouter

from complaints.api.views import CategoryViewSet, ComplaintViewSet

router = SimpleRouter()
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("categories", CategoryViewSet, basename="category")

urlpatterns = router.urls
