"""`Authorization: Token <token>` against knox's hashed tokens; the session, once its second factor is given."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.mfa import mfa_pending


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's scheme; a token that is not ASCII is a 401 like any wrong token (knox would 500)."""

    def authenticate_credentials(self, token: bytes) -> Any:
        try:
            token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)


class MfaRequired(exceptions.PermissionDenied):
    default_code = "mfa_required"


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session scheme; a session that logged in with the password but still owes its second
    factor (accounts.mfa) is refused, or the API would be a way around the pages' gate."""

    def authenticate(self, request: Request) -> Any:
        result = super().authenticate(request)
        if result is not None and mfa_pending(request._request):
            raise MfaRequired(_("Give your second factor on the login page first."))
        return result
