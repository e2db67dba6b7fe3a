"""The client's address, as far as the configured proxies vouch for it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address that sent the request, trusting `TRUSTED_PROXY_COUNT` proxies' X-Forwarded-For.

    With 0 (the default) the header is ignored: anyone can write it. With N, each of the N
    proxies in front appends the address it saw, so the client is the N-th entry from the right;
    entries left of that are the client's own claims and never used. The socket's address stands
    in when the header is missing, too short or not an address. Also axes' address (settings).
    """
    remote = _valid(request.META.get("REMOTE_ADDR", ""))  # None for a request built in code
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return remote
    entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(entries) < trusted:
        return remote
    return _valid(entries[-trusted]) or remote
