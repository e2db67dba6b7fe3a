from django.urls import path

from webhooks import api

urlpatterns = [
    path("webhooks/", api.SubscriptionListView.as_view(), name="webhook-list"),
    path("webhooks/<int:subscription_id>/", api.SubscriptionDetailView.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:subscription_id>/deliveries/",
        api.DeliveryListView.as_view(),
        name="webhook-deliveries",
    ),
]
