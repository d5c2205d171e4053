"""A store endpoint URL named without its credentials; a setting holding some refused."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scholarkg.errors import ConfigError


def safe_url(url: str) -> str:
    """``url`` without any user:password part, for error messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def refuse_credentials(key: str, url: str | None) -> None:
    """A :class:`ConfigError` when ``url`` (the ``[store] key`` setting) holds credentials
    (``user:password@``): they would be written wherever the URL is named (the run's first
    line, its report, the outbox, the run marks). Credentials come from the environment; the
    URL is not shown."""
    if url is None:
        return
    try:
        parts = urlsplit(url)
        named = parts.username is not None or parts.password is not None
    except ValueError:  # not a URL urlsplit reads: said by whoever asks it
        named = "@" in url.partition("//")[2].partition("/")[0]
    if named:
        raise ConfigError(
            f"[store] {key}: a URL holding credentials (user:password@) is refused; give them "
            "in SCHOLARKG_SPARQL_USER and SCHOLARKG_SPARQL_PASSWORD (the URL is not shown)"
        )
