"""Two-factor login (django-otp): who must give a second factor, enrolment, verification, recovery codes.

A session logs in with the password first (django's login); the second factor then marks the
session verified (`django_otp.login`, `request.user.is_verified()`). Until then
`MfaRequiredMiddleware` sends the pages and the admin to the verification (or enrolment) page, and
`accounts.authentication.SessionAuthentication` refuses the API by session. API tokens are
unaffected once issued; `POST /api/v1/auth/token/` asks the same people for an `otp` field.

Who: with `MFA_REQUIRED` on, supervisors, auditors and admins (superusers and staff, who can
change roles) - the roles that may unmask personal data. Anyone who enrolled of their own accord
gives the second factor too, whatever the setting.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Set at login: the user had a confirmed authenticator then (saves a query on every request).
ENROLLED_SESSION_KEY = "_mfa_enrolled"
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
_CODE_CHARS = re.compile(r"[a-z0-9]{6,16}")


class VerifyResult(Enum):
    OK = "ok"
    INVALID = "invalid"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a code: the device that accepted it, or why none did."""

    result: VerifyResult
    device: Device | None = None
    locked_until: datetime | None = None
    recovery_codes: tuple[str, ...] = ()  # set when an enrolment is confirmed: shown once

    @property
    def ok(self) -> bool:
        return self.result is VerifyResult.OK

    @property
    def is_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


# -- who ---------------------------------------------------------------------------------------


def mfa_required_for(user: Any) -> bool:
    """With `MFA_REQUIRED` on: the roles that may unmask personal data, and admins."""
    if not settings.MFA_REQUIRED or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(user.has_role(Role.SUPERVISOR, Role.AUDITOR))


def mfa_enrolled(user: Any) -> bool:
    """True when the user has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_pending(request: HttpRequest) -> bool:
    """The session logged in with a password but still owes its second factor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or session_verified(user):
        return False
    session = getattr(request, "session", None)
    enrolled = bool(session is not None and session.get(ENROLLED_SESSION_KEY))
    return enrolled or mfa_required_for(user)


def session_verified(user: Any) -> bool:
    """The request's user gave a second factor in this session (django_otp's OTPMiddleware)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def remember_enrolment(sender: type, request: HttpRequest, user: Any, **kwargs: object) -> None:
    """`user_logged_in`: note whether this user owes a second factor though no role requires it."""
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = mfa_enrolled(user)


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The session gave its second factor: a new session key, and the device in the session."""
    from django_otp import login as otp_login

    request.session.cycle_key()
    otp_login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True


# -- enrolment ----------------------------------------------------------------------------------


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator being enrolled: the same key on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, user: User, code: str) -> Verification:
    """Confirm the pending authenticator with a code from it.

    On success the new device replaces any earlier authenticator of the user and fresh recovery
    codes are issued (`recovery_codes_issue`), returned in the outcome. A wrong code counts toward
    the device's throttle.
    """
    code = _normalise(code)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        )
        if device is None:
            return Verification(VerifyResult.INVALID)
        outcome = _check(device, code if code.isdigit() and _CODE_CHARS.fullmatch(code) else "")
        if outcome.ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            outcome = Verification(VerifyResult.OK, device=device, recovery_codes=tuple(recovery_codes_issue(user=user)))
    logger.info("mfa enrolment", extra={"user_id": user.pk, "result": outcome.result.value})
    return outcome


def recovery_codes_issue(*, user: User) -> list[str]:
    """New one-time recovery codes for `user`, replacing the old ones; returns them in clear once."""
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODES)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    logger.info("mfa recovery codes issued", extra={"user_id": user.pk, "count": len(codes)})
    return codes


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def mfa_disable(*, user: User) -> None:
    """Remove the user's authenticator and recovery codes (only for users no role obliges)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    logger.info("mfa disabled", extra={"user_id": user.pk})


# -- verification --------------------------------------------------------------------------------


def mfa_verify(*, user: User, code: str) -> Verification:
    """Check a code from the authenticator (digits) or a recovery code (letters and digits).

    A recovery code works once. Failures are throttled per device by django-otp: after n wrong
    codes in a row the device accepts nothing for 2^(n-1) seconds. The throttle state is saved
    even though the code was wrong (this function does not raise inside its transaction).
    """
    code = _normalise(code)
    digits = code.isdigit() and len(code) in (6, 8)
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if digits else StaticDevice
    well_formed = code if _CODE_CHARS.fullmatch(code) else ""
    outcome = Verification(VerifyResult.INVALID)
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"):
            outcome = _check(device, well_formed)
            if outcome.result is not VerifyResult.INVALID:
                break
    logger.info(
        "mfa verification",
        extra={"user_id": user.pk, "result": outcome.result.value, "recovery_code": not digits},
    )
    return outcome


def _check(device: TOTPDevice | StaticDevice, code: str) -> Verification:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return Verification(VerifyResult.THROTTLED, locked_until=(info or {}).get("locked_until"))
    if code and device.verify_token(code):  # a wrong code counts toward the device's throttle
        return Verification(VerifyResult.OK, device=device)
    if not code:
        device.throttle_increment()  # a malformed code is a wrong code, for the throttle too
    return Verification(VerifyResult.INVALID)


def _normalise(code: object) -> str:
    """Codes as people type them: spaces and dashes dropped, case ignored; anything else is empty."""
    if not isinstance(code, str) or len(code) > 64:
        return ""
    return re.sub(r"[\s-]", "", code).lower()


# -- the gate --------------------------------------------------------------------------------------

# Reachable before the second factor: logging in and out, the second factor itself, the language
# switcher, static files, health checks. The API (by session) is refused by its authentication.
_OPEN_URL_NAMES = ("login", "logout", "mfa-verify", "mfa-setup", "set_language", "healthz", "readyz")
_OPEN_PREFIXES = ("/static/", "/api/v1/", "/api/schema/")


class MfaRequiredMiddleware:
    """Sends a session that owes its second factor to the verification page (pages and admin)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self._open_paths: set[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if mfa_pending(request) and not self._is_open(request.path_info):
            target = f"{reverse('mfa-verify')}?{urlencode({'next': request.get_full_path()})}"
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in _OPEN_URL_NAMES}
        return path in self._open_paths or path.startswith(_OPEN_PREFIXES)
