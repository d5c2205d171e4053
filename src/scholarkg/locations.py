"""Where a page or a directory is named: an http(s) URL, a path, or a ``file:`` URL, which
names a path of this machine and is read as that path."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

NUL = "\x00"
NO_NUL = "names a NUL character (%00 or \\u0000), which no path holds"


def is_http_url(location: str) -> bool:
    """``location`` is an http(s) URL (fetched, not read from disk), its scheme in any case
    (``HTTPS://``: a scheme is the same in any case)."""
    return location[:8].lower().startswith(("http://", "https://"))


def http_url(location: str) -> str:
    """An http(s) URL with its scheme in lower case, as it is fetched and named as a source
    (``HTTPS://host/p`` and ``https://host/p`` are one source)."""
    scheme, sep, rest = location.partition(":")
    return scheme.lower() + sep + rest


def file_url_path(location: str) -> str | None:
    """The absolute path a ``file:`` URL names (``file:///srv/a%20b.txt``,
    ``file://localhost/srv/x``: ``/srv/a b.txt``, ``/srv/x``); None when ``location`` is no
    ``file:`` URL. A ``ValueError`` says why one names no file here: another host, no
    absolute path, a query or fragment (which a file has not), a NUL (``%00``)."""
    if location[:5].lower() != "file:":
        return None
    parts = urlsplit(location)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"a file: URL of another host ({parts.netloc}); only local files are read")
    if parts.query or parts.fragment or location.rstrip().endswith(("?", "#")):
        raise ValueError("a file: URL with a query or fragment, which a file has not")
    if not parts.path.startswith("/"):
        raise ValueError("a file: URL names an absolute path: file:///path/to/file")
    path = unquote(parts.path, errors="surrogateescape")
    if NUL in path:
        raise ValueError(NO_NUL)
    return path
