"""/api/v1/: one module per owner, so each area's routes live beside its code."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("complaints.api.urls")),
    path("", include("complaints.api.attachment_urls")),
    path("", include("complaints.api.sla_urls")),
    path("", include("webhooks.urls")),
    path("", include("notifications.urls")),
    path("", include("conduct.api.urls")),
    path("", include("contingency.api.urls")),
]
