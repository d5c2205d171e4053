"""Updates are taken from this machine only: not from another address (a server listening on
every interface, ``--host 0.0.0.0``, is reached from the network), nor from a page of another
site in a browser here (cross-site request forgery), nor through a name that resolves to this
machine (DNS rebinding). Clients that are no browser send no ``Origin`` and are not affected."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.requests import Request

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def update_refusal(request: Request) -> str | None:
    """Why this update request is refused (one line), or None when it may run."""
    client = request.client.host if request.client else ""
    if not _loopback(client):  # before: taken from any address that named the bound one
        return f"updates are taken from this machine only, not from {client or 'an unknown client'}"
    host = request.headers.get("host", "")
    name = urlsplit(f"//{host}").hostname or ""
    bound = str((request.scope.get("server") or ("",))[0]).strip("[]")
    if name not in LOOPBACK | {bound}:
        return f"updates are taken at this machine's own address only, not at Host {host!r}"
    origin = request.headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
            return f"cross-site update refused (Origin {origin!r})"
    site = request.headers.get("sec-fetch-site")
    if site in ("cross-site", "same-site"):
        return f"cross-site update refused (Sec-Fetch-Site: {site})"
    return None


def _loopback(address: str) -> bool:
    """``address`` (a client's, as the server saw it) is one of this machine's loopback ones."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return (mapped or ip).is_loopback  # ::ffff:127.0.0.1: IPv4's loopback on a dual-stack socket
