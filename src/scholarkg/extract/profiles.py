"""Fetch a profile page from a file or an http(s) URL, archive its bytes, parse it."""

from __future__ import annotations

import os
import select
import stat
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from scholarkg.errors import ExtractError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.page_text import declared_charset
from scholarkg.extract.profile_page import parse_profile
from scholarkg.extract.raw_archive import ArchivedResponse, RawArchive
from scholarkg.files import absolute
from scholarkg.limits import DEFAULT_LIMITS, Limits
from scholarkg.locations import (
    NO_NUL,
    NOT_UTF8,
    NUL,
    file_url_path,
    home_expanded,
    http_url,
    is_http_url,
    not_utf8,
    shown_path,
    url_problem,
)
from scholarkg.models import Profile

PROFILE_LIMIT = "[limits] profile_bytes"
_PIECE = 64 * 1024  # bytes of a device read at a time
STALLED = (
    "that sent nothing more for {wait:g} s ([http] read_timeout): a profile page is read whole "
    "from a file or an http(s) URL"
)
NAMED_PIPE = (
    "a named pipe (FIFO), not a file: a profile page is read whole from a file or an http(s) URL"
)


def _read_file(location: str, cap: int, wait: float) -> bytes:
    """Up to ``cap + 1`` bytes of the file at ``location``; ExtractError for a named pipe, and
    for a device (a terminal) that sends nothing more for ``wait`` seconds.

    It is opened without blocking: opening a FIFO for reading waits for a writer, for ever if
    none comes, and one that came could write for ever. A device is read as it answers, each
    wait for more bounded: a terminal nobody types into never ends its read."""
    fd = os.open(location, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISFIFO(mode):
            raise ExtractError(location, NAMED_PIPE)
        if stat.S_ISCHR(mode):
            return _read_device(fd, location, cap, wait)
        os.set_blocking(fd, True)
        with open(fd, "rb", closefd=False) as handle:
            return handle.read(cap + 1)
    finally:
        os.close(fd)


def _read_device(fd: int, location: str, cap: int, wait: float) -> bytes:
    """Up to ``cap + 1`` bytes of the device open (not blocking) at ``fd``, to its end."""
    body = bytearray()
    while len(body) <= cap:
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise ExtractError(location, f"a character device {STALLED.format(wait=wait)}")
        try:
            piece = os.read(fd, min(_PIECE, cap + 1 - len(body)))
        except BlockingIOError:
            continue
        if not piece:
            break
        body += piece
    return bytes(body)


def is_url(location: str) -> bool:
    return is_http_url(location)


def local_path(location: str) -> str:
    """The path a profile at ``location`` (no http(s) URL) is read from: a ``file:`` URL
    names one (``file:///srv/page.txt`` is ``/srv/page.txt``), anything else is a path (``~``
    the home directory, as in the config); an ExtractError for a ``file:`` URL that names no
    file here, or a path with a NUL character in it."""
    try:
        path = file_url_path(location)
    except ValueError as exc:
        raise ExtractError(shown_path(location), str(exc)) from None
    if NUL in location:
        raise ExtractError(location, NO_NUL)
    if path is not None:
        return path
    try:
        return home_expanded(location)
    except ValueError as exc:
        raise ExtractError(shown_path(location), str(exc)) from None


def fetch_profile(
    location: str,
    archive: RawArchive,
    http: HttpClient,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ArchivedResponse | None:
    """Read the raw bytes of a profile page and archive them before anything parses them.

    URLs go through ``http`` (polite, retried, archived), conditionally when validators from
    an earlier fetch are given: ``None`` means 304 Not Modified. Any other non-200 answer is an
    ExtractError, and so is a page (file or URL) over ``[limits] profile_bytes``: a source that
    never ends (``/dev/zero``, an endless body) is refused, not read until memory runs out; so
    is a named pipe, never waited for.
    """
    cap = limits.profile_bytes
    if problem := url_problem(location):
        raise ExtractError(shown_path(location), problem)
    if is_url(location):
        location = http_url(location)
        response = http.get(
            location,
            if_none_match=etag,
            if_modified_since=last_modified,
            max_bytes=cap,
            limit_key=PROFILE_LIMIT,
        )
        if response.not_modified:
            return None
        response.raise_for_status()
        if response.status != 200:
            raise ExtractError(
                location, f"HTTP {response.status}: no profile page", status=response.status
            )
        return archive.noted(response.archived, archived_as(location))
    source = archived_as(location)  # a path that is not UTF-8 is refused before it is read
    try:
        body = _read_file(local_path(location), cap, http.policy.read_timeout)
    except OSError as exc:
        raise ExtractError(location, f"cannot read profile file: {exc.strerror or exc}") from exc
    if len(body) > cap:
        raise ExtractError(
            location,
            f"profile larger than {PROFILE_LIMIT} = {cap} bytes: not read further; raise it in "
            "your config if the page is genuine",
        )
    return archive.noted(archive.store(body, source=source), source)


def archived_as(location: str) -> str:
    """The source a profile page at ``location`` is archived and noted as (a file: its
    absolute path, whether named by a path or a ``file:`` URL); an ExtractError for a path
    that is not UTF-8 text (its name, or the working directory it follows)."""
    if is_url(location):
        return http_url(location)
    source = str(absolute(Path(local_path(location))))
    if not_utf8(source):
        raise ExtractError(shown_path(source), NOT_UTF8)
    return source


def parse_archived_profile(
    archived: ArchivedResponse,
    subject_codes: Mapping[str, str],
    limits: Limits = DEFAULT_LIMITS,
) -> Profile:
    """Parse an archived page; its retrieval time is when the source began to give this
    content (:attr:`~.raw_archive.ArchivedResponse.seen_since`: when it was first seen, or when
    it came back after other content)."""
    profile = parse_profile(
        archived.read_bytes(),
        source=archived.source,
        retrieved_at=archived.seen_since,
        subject_codes=subject_codes,
        limits=limits,
        charset=declared_charset(archived.headers),
    )
    return replace(profile, returned_at=archived.returned_at)
