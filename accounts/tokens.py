"""API tokens (django-rest-knox): stored as a SHA-512 digest, with an expiry by role.

The plaintext exists once, in the answer to `POST /api/v1/auth/token/`; the table holds the
digest and the first characters (for the lookup), which authenticate nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from knox.models import AuthToken

from accounts.roles import Role

if TYPE_CHECKING:
    from accounts.models import User


def token_ttl_for(user: User) -> timedelta:
    """People's tokens are short-lived; an integrating system's long (rotate by asking anew)."""
    if user.has_role(Role.API_CLIENT):
        return timedelta(seconds=settings.TOKEN_TTL_API_CLIENT)
    return timedelta(seconds=settings.TOKEN_TTL_PERSON)


def token_issue(*, user: User) -> str:
    """A new token for `user`; returns the plaintext, which is never stored."""
    _instance, token = AuthToken.objects.create(user=user, expiry=token_ttl_for(user))
    return str(token)


def tokens_revoke_all(*, user: User) -> int:
    """Delete every token of `user` (password changed, account compromised); returns how many."""
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted


def revoke_tokens_on_password_change(sender: type, instance: User, created: bool, **kwargs: object) -> None:
    """post_save of User: `set_password()` leaves `_password` set until the save completes."""
    if not created and getattr(instance, "_password", None) is not None:
        tokens_revoke_all(user=instance)
