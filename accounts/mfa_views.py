"""Pages of the two-factor login: the code after the password, enrolment, the account's security page."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import mfa
from accounts.roles import Role


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=64, strip=True)


def _user(request: HttpRequest) -> Any:
    return request.user  # behind login_required: a User


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _refusal(outcome: mfa.Verification) -> tuple[str, int]:
    if outcome.result is mfa.VerifyResult.THROTTLED:
        seconds = 1
        if outcome.locked_until is not None:
            seconds = max(1, int((outcome.locked_until - timezone.now()).total_seconds()) + 1)
        return _("Too many wrong codes; try again in %(seconds)d seconds.") % {"seconds": seconds}, 429
    return _("That code is not right. Check the time on your phone and try again."), 400


@never_cache
@login_required
def mfa_verify_view(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, or a recovery code."""
    next_url = _next_url(request)
    if not mfa.mfa_pending(request):
        return redirect(next_url)
    if not mfa.mfa_enrolled(request.user):
        if mfa.mfa_required_for(request.user):
            return redirect(_with_next("mfa-setup", next_url))
        request.session[mfa.ENROLLED_SESSION_KEY] = False  # the authenticator was removed meanwhile
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            outcome = mfa.mfa_verify(user=_user(request), code=form.cleaned_data["code"])
            if outcome.ok and outcome.device is not None:
                mfa.mark_verified(request, outcome.device)
                if outcome.is_recovery_code:
                    messages.warning(
                        request,
                        _("You logged in with a recovery code; %(left)d left. Make new ones on your security page.")
                        % {"left": mfa.recovery_codes_left(user=_user(request))},
                    )
                return redirect(next_url)
            error, status = _refusal(outcome)
        else:
            error, status = _("Enter the code."), 400
    context = {"form": form, "error": error, "next": next_url}
    return render(request, "registration/mfa_verify.html", context, status=status)


@never_cache
@login_required
def mfa_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with a code, note the recovery codes."""
    user: Any = request.user
    next_url = _next_url(request)
    if user.has_role(Role.API_CLIENT) and not user.is_superuser:
        raise PermissionDenied
    if mfa.mfa_enrolled(user) and not mfa.session_verified(user):
        # Replacing an authenticator needs the current one: a password alone must not do it.
        return redirect(_with_next("mfa-verify", next_url))
    device = mfa.totp_device_pending(user=user)
    form = CodeForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            outcome = mfa.totp_device_confirm(user=user, code=form.cleaned_data["code"])
            if outcome.ok and outcome.device is not None:
                mfa.mark_verified(request, outcome.device)
                context = {"codes": outcome.recovery_codes, "next": next_url, "enrolled": True}
                return render(request, "registration/mfa_recovery_codes.html", context)
            error, status = _refusal(outcome)
        else:
            error, status = _("Enter the code."), 400
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "error": error,
        "next": next_url,
        "required": mfa.mfa_required_for(user),
        # segno's markup: no script and no style attribute, so the page keeps the CSP as it is.
        "qr_svg": mark_safe(qr.svg_inline(scale=5, border=2, title=_("QR code for your authenticator app"))),  # noqa: S308
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "registration/mfa_setup.html", context, status=status)


@never_cache
@login_required
def account_security_view(request: HttpRequest) -> HttpResponse:
    """The account area: whether two-factor login is on, and the ways to turn it on or change it."""
    user: Any = request.user
    enrolled = mfa.mfa_enrolled(user)
    context = {
        "enrolled": enrolled,
        "required": mfa.mfa_required_for(user),
        "codes_left": mfa.recovery_codes_left(user=user) if enrolled else 0,
        "may_enrol": not user.has_role(Role.API_CLIENT) or user.is_superuser,
    }
    return render(request, "accounts/security.html", context)


@never_cache
@login_required
@require_POST
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working); only in a session that gave its second factor."""
    if not (mfa.mfa_enrolled(request.user) and mfa.session_verified(request.user)):
        raise PermissionDenied
    codes = mfa.recovery_codes_issue(user=_user(request))
    context = {"codes": codes, "next": reverse("account-security"), "enrolled": False}
    return render(request, "registration/mfa_recovery_codes.html", context)


@login_required
@require_POST
def mfa_disable_view(request: HttpRequest) -> HttpResponse:
    """Turn two-factor login off: for people no role obliges, in a verified session."""
    if mfa.mfa_required_for(request.user) or not mfa.session_verified(request.user):
        raise PermissionDenied
    mfa.mfa_disable(user=_user(request))
    request.session[mfa.ENROLLED_SESSION_KEY] = False
    messages.success(request, _("Two-factor login is off."))
    return redirect("account-security")
