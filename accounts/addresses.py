"""The client's address: the one rule the log-in throttling (django-axes) and the audit trail
both read.

Without a proxy it is REMOTE_ADDR. Behind a proxy (BEHIND_PROXY=1) every request comes from the
proxy, so REMOTE_ADDR would put every patient on one address and let anyone lock anyone out
by name. The proxy appends the address it saw to X-Forwarded-For; whatever stands to the left
of that came from the client and can say anything. So the address is the PROXY_COUNT-th entry
from the right (1: the proxy in front of the app), never the first one.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

FORWARDED_HEADER = "HTTP_X_FORWARDED_FOR"


def _valid(address: str) -> str | None:
    address = address.strip()
    if address.startswith("[") and "]" in address:  # [2001:db8::1]:443
        address = address[1:].split("]", 1)[0]
    elif address.count(":") == 1:  # 192.0.2.1:443
        address = address.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    if not getattr(settings, "BEHIND_PROXY", False):
        return remote
    hops = [hop for hop in request.META.get(FORWARDED_HEADER, "").split(",") if hop.strip()]
    count = max(int(getattr(settings, "PROXY_COUNT", 1)), 1)
    if len(hops) < count:
        # Not through the proxy (a health check on loopback, say): only the socket is known.
        return remote
    return _valid(hops[-count]) or remote
