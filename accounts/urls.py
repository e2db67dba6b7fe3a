"""/api/v1/auth/: the accounts app's API routes."""

from django.urls import path

from accounts.api import TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
]
