"""/api/v1/auth/ and /api/v1/audit/: the accounts app's API routes."""

from django.urls import path

from accounts.api import TokenView
from accounts.audit_api import ConfigChangeListView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("audit/config-changes/", ConfigChangeListView.as_view(), name="config-change-list"),
]
