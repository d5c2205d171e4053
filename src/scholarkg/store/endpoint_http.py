"""HTTP to a SPARQL server's endpoints: one ``requests`` session with the connect and read
timeouts and UTF-8 basic auth, and each request's failure (timeout, no connection, an HTTP
error status) raised as the caller's scholarkg error, naming the endpoint without credentials
(:func:`safe_url`), the action and the server's message, clipped."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.auth import HTTPBasicAuth

from scholarkg.errors import ScholarKGError

_MESSAGE_LIMIT = 500


def safe_url(url: str) -> str:
    """``url`` without any user:password part, for error messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class EndpointSession:
    """Requests to a server's endpoints, each failure one scholarkg error."""

    def __init__(
        self,
        user: str | None,
        password: str | None,
        *,
        timeout: float,
        connect_timeout: float,
    ) -> None:
        self._timeout = (connect_timeout, timeout)
        self._session = requests.Session()
        self.credentials = (user, password)
        if user is not None or password is not None:
            # UTF-8 as RFC 7617 recommends (requests would encode str credentials as Latin-1).
            self._session.auth = HTTPBasicAuth(
                (user or "").encode("utf-8"), (password or "").encode("utf-8")
            )

    def close(self) -> None:
        self._session.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        error: type[ScholarKGError],
        what: str,
        **kwargs: Any,
    ) -> requests.Response:
        """One HTTP request; any failure becomes ``error`` naming the endpoint and status."""
        where = safe_url(url)
        try:
            response = self._session.request(method, url, timeout=self._timeout, **kwargs)
        except requests.Timeout as exc:
            raise error(f"{where}: {what}: timed out ({exc})") from exc
        except requests.ConnectionError as exc:
            raise error(f"{where}: {what}: cannot connect ({exc})") from exc
        except requests.RequestException as exc:
            raise error(f"{where}: {what}: request failed ({exc})") from exc
        if response.status_code >= 400:
            message = response.text.strip()
            if len(message) > _MESSAGE_LIMIT:
                message = message[:_MESSAGE_LIMIT] + "…"
            raise error(
                f"{where}: {what}: HTTP {response.status_code} {response.reason}: {message}"
            )
        return response
