"""/api/v1/ routes of the conduct app."""

from django.urls import path

from conduct.api import views

urlpatterns = [
    path("collection-contacts/", views.CollectionContactImportView.as_view(), name="collection-contacts"),
    path("complaints/<int:pk>/contacts/", views.CaseContactsView.as_view(), name="complaint-contacts"),
    path("complaints/<int:pk>/conduct-check/", views.CaseConductCheckView.as_view(), name="complaint-conduct-check"),
    path("conduct-rules/", views.ConductRuleListView.as_view(), name="conduct-rule-list"),
    path("conduct-rules/<slug:code>/", views.ConductRuleDetailView.as_view(), name="conduct-rule-detail"),
    path("reports/conduct/", views.ConductReportView.as_view(), name="report-conduct"),
]
