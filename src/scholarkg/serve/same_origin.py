"""Updates are taken from this machine only: not from a page of another site in a browser
here (cross-site request forgery), nor through a name that resolves to this machine (DNS
rebinding). Clients that are no browser send no ``Origin`` and are not affected."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def update_refusal(request: Request) -> str | None:
    """Why this update request is refused (one line), or None when it may run."""
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
