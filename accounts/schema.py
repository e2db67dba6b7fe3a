"""OpenAPI security scheme of the token authentication (imported in AccountsConfig.ready)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import SessionScheme as DrfSessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"  # the name DRF's own token scheme had: the schema's contract is unchanged

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }


class SessionScheme(DrfSessionScheme):
    """The session scheme with its second-factor gate: on the wire the same cookie as DRF's."""

    target_class = "accounts.authentication.SessionAuthentication"
