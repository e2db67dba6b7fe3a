"""POST /api/v1/auth/token/: exchange a username and password for an API token (docs/api-guide.md "Basics")."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import mfa
from accounts.serializers import TokenRequestSerializer, TokenSerializer
from accounts.throttles import AuthThrottle, AuthUsernameThrottle
from accounts.tokens import token_issue
from common.api import ErrorSerializer, LimitedJSONParser

logger = logging.getLogger(__name__)


def _bad(attr: str | None, code: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        {attr or "non_field_errors": [exceptions.ErrorDetail(message, code=code)]}
    )


class TokenView(APIView):
    """No session or token needed to ask for one; throttled per address and per username."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AuthThrottle, AuthUsernameThrottle]
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        summary="Get an API token",
        description=(
            "Send it as `Authorization: Token <token>`. Each request issues a new token; it expires "
            "(people after TOKEN_TTL_PERSON, API clients after TOKEN_TTL_API_CLIENT) and is revoked when "
            "the password changes. An account that logs into the pages with a second factor (supervisors, "
            "auditors and admins when MFA_REQUIRED is on, and anyone who enrolled) also sends `otp`: a "
            "code from its authenticator app or a recovery code."
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Missing fields or wrong credentials."),
            413: OpenApiResponse(ErrorSerializer, description="JSON body larger than 1 MB."),
            415: OpenApiResponse(ErrorSerializer, description="Body is not JSON."),
            429: OpenApiResponse(ErrorSerializer, description="Throttled; see Retry-After."),
        },
        examples=[
            OpenApiExample(
                "呼叫中心系统",
                request_only=True,
                value={"username": "callcenter", "password": "demo-pass-123"},
            ),
            OpenApiExample(
                "令牌", response_only=True, value={"token": "4f1c0e2a9b7d3c5e8f6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a"}
            ),
        ],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        missing = {}
        for field in ("username", "password"):
            value = data.get(field)
            if not isinstance(value, str) or not value or len(value) > 150 or "\x00" in value:
                missing[field] = [exceptions.ErrorDetail(_("This field is required."), code="required")]
        if missing:
            raise exceptions.ValidationError(missing)
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            logger.info("token refused", extra={"reason": "invalid_credentials"})
            raise _bad(
                None, "invalid_credentials", _("Unable to log in with the given username and password.")
            )
        _require_second_factor(user, data.get("otp"))
        return Response({"token": token_issue(user=user)})


def _require_second_factor(user, otp: object) -> None:
    """Whoever gives a second factor on the pages gives it here too, or a token would skip it."""
    enrolled = mfa.mfa_enrolled(user)
    if not (enrolled or mfa.mfa_required_for(user)):
        return
    if not enrolled:
        raise _bad(None, "mfa_enrolment_required", _("Set up two-factor login on the pages first."))
    if not isinstance(otp, str) or not otp:
        raise _bad("otp", "required", _("This account needs a code from its authenticator app."))
    outcome = mfa.mfa_verify(user=user, code=otp)
    if outcome.result is mfa.VerifyResult.THROTTLED:
        wait = None
        if outcome.locked_until is not None:
            wait = max(1.0, (outcome.locked_until - timezone.now()).total_seconds())
        raise exceptions.Throttled(wait=wait)
    if not outcome.ok:
        logger.info("token refused", extra={"reason": "invalid_otp", "user_id": user.pk})
        raise _bad("otp", "invalid_otp", _("That code is not right."))
