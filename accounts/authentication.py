"""`Authorization: Token <token>` against knox's hashed tokens, with the token's user memoised per
process; the session, once its second factor is given.

knox reads the token and its user (and the user's other tokens) on every request; the API pays
that on every create. Here a valid token's user, roles and teams are kept in this process for
`TOKEN_MEMO_SECONDS` (30 s), keyed by the token's SHA-512 digest. Revocation still takes effect:
deleting a token (logout, `tokens_revoke_all` on a password change), saving or deleting its user
and changing the user's groups or teams clear the memo of this process at once and of every
other process within 2 s (`common.memo`); a change that sends no signal (a queryset `update()`
of `is_active`) is seen within 30 s. An expired token is refused (and deleted by knox) even
from memory. Wrong tokens are never memoised.
"""

from __future__ import annotations

import binascii
import copy
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.mfa import mfa_pending
from common.memo import ProcessMemo

TOKEN_MEMO_SECONDS = 30.0

token_users = ProcessMemo("accounts.token_users", max_age=TOKEN_MEMO_SECONDS)


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's scheme; a token that is not ASCII is a 401 like any wrong token (knox would 500)."""

    def authenticate_credentials(self, token: bytes) -> Any:
        try:
            text = token.decode("ascii")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user, auth_token = token_users.get(digest, lambda: self._load(token))
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            token_users.discard(digest)
            return super().authenticate_credentials(token)  # knox deletes it and refuses
        # A copy per request: what a request caches on its user (permissions) stays in it.
        return copy.copy(user), auth_token

    def _load(self, token: bytes) -> tuple[Any, Any]:
        user, auth_token = super().authenticate_credentials(token)
        user.has_role()  # loads the role names and teams once, for every request the memo serves
        user.team_ids  # noqa: B018
        return user, auth_token


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
