"""Where a page or a directory is named: an http(s) URL, a path, or a ``file:`` URL, which
names a path of this machine and is read as that path."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlsplit

NUL = "\x00"
NO_NUL = "names a NUL character (%00 or \\u0000), which no path holds"
NOT_UTF8 = (
    "a path that is not UTF-8 text, which scholarkg's records (archive, reports, graph, "
    "Prefect) cannot hold; rename it"
)


def not_utf8(location: str) -> bool:
    """``location`` cannot be written as UTF-8: a name the file system gave as bytes that are no
    UTF-8 (a Latin-1 ``caf\\xe9.txt``, read as ``caf\\udce9.txt``), or such a ``%XX`` of a
    ``file:`` URL. Every record it would go into (JSON, N-Triples, Prefect's parameters) is
    UTF-8: before, the first of them failed with a traceback, after the work before it."""
    try:
        location.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown_path(location: str) -> str:
    """``location`` as a message shows it, whole: each byte that is no UTF-8 as ``\\xNN`` (its
    job: a name the file system gave made writable; not the cut of a server's words, which is
    :func:`~scholarkg.shown_text.shown`)."""
    try:
        return location.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file system gave (from a \\ud800 escape)
        return location.encode("utf-8", "backslashreplace").decode("utf-8")


def home_expanded(path: str) -> str:
    """``path`` with a leading ``~`` or ``~user`` made that home directory, as a shell does; a
    ValueError saying so when there is none (``~nosuchuser/x``; before, a RuntimeError
    traceback, ``Could not determine home directory``)."""
    expanded = os.path.expanduser(path)
    if path.startswith("~") and expanded == path:  # expanduser leaves what it cannot expand
        user = path[1:].split(os.sep, 1)[0]
        who = f"no user {user!r}" if user else "no $HOME and no entry in the user database"
        raise ValueError(f"{path.split(os.sep, 1)[0]} names no home directory ({who})")
    return expanded


def is_http_url(location: str) -> bool:
    """``location`` is an http(s) URL (fetched, not read from disk), its scheme in any case
    (``HTTPS://``: a scheme is the same in any case)."""
    return location[:8].lower().startswith(("http://", "https://"))


# A URL of a scheme other than http(s) and file (``ftp://``, ``s3://``): no path starts so (a
# one-letter scheme is left: ``C://x`` may be a drive).
_OTHER_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]+)://")


def url_problem(location: str) -> str | None:
    """Why ``location`` names nothing that can be read: an http(s) URL that cannot be fetched
    (unreadable, no host, a port out of range) or a URL of another scheme (``ftp://``); None
    for a fetchable http(s) URL, a ``file:`` URL or a path (a location that is not UTF-8 text:
    :data:`NOT_UTF8`)."""
    if not_utf8(location):
        return NOT_UTF8
    if not is_http_url(location):
        other = _OTHER_URL.match(location)
        if other is None or other["scheme"].lower() == "file":
            return None
        return f"{other['scheme']}: URLs are not read: only paths, file: and http(s) URLs"
    try:
        parts = urlsplit(location)
        parts.port  # noqa: B018 - read for the ValueError of a port out of range
    except ValueError as exc:
        return f"an http(s) URL that cannot be read ({exc})"
    if not parts.hostname:
        return "an http(s) URL without a host"
    return None


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
    if not_utf8(path):
        raise ValueError(NOT_UTF8)
    return path
