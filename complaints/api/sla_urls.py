from django.urls import path

from complaints.api import sla_views

urlpatterns = [
    path("sla-policies/", sla_views.SlaPolicyListView.as_view(), name="sla-policy-list"),
    path("sla-policies/<int:pk>/", sla_views.SlaPolicyDetailView.as_view(), name="sla-policy-detail"),
    path(
        "complaints/<int:pk>/extension/",
        sla_views.CaseExtensionView.as_view(),
        name="complaint-extension",
    ),
    path("complaints/<int:pk>/pause/", sla_views.CasePauseView.as_view(), name="complaint-pause"),
    path("complaints/<int:pk>/resume/", sla_views.CaseResumeView.as_view(), name="complaint-resume"),
]
