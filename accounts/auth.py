"""Page login: the form that refuses API-client accounts, and the answer to a locked-out username."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role

LOCKOUT_MINUTES = 15


class PageLoginForm(AuthenticationForm):
    """Staff log in here; integrating systems (API-client accounts) use API tokens only."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "api_client": gettext_lazy(
            "This is an API-client account for a connected system; it cannot log into the pages."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.has_role(Role.API_CLIENT) and not user.is_superuser:
            raise forms.ValidationError(self.error_messages["api_client"], code="api_client")


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """axes' AXES_LOCKOUT_CALLABLE: the API's JSON error under /api/, a page elsewhere (429)."""
    if request.path_info.startswith("/api/"):
        from common.api import ErrorType, error_body

        detail = _("Too many failed logins for this username; try again in %(minutes)d minutes.") % {
            "minutes": LOCKOUT_MINUTES
        }
        body = error_body(ErrorType.THROTTLED, [{"attr": None, "code": "locked_out", "detail": detail}])
        response = JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
        response["Retry-After"] = str(LOCKOUT_MINUTES * 60)
        return response
    return render(request, "registration/locked_out.html", {"minutes": LOCKOUT_MINUTES}, status=429)
