"""Fetch a profile page from a file or an http(s) URL, archive its bytes, parse it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import requests

from scholarkg.errors import ExtractError
from scholarkg.extract.profile_page import parse_profile
from scholarkg.extract.raw_archive import ArchivedResponse, RawArchive
from scholarkg.models import Profile


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def fetch_profile(
    location: str,
    archive: RawArchive,
    *,
    user_agent: str = "scholarkg",
    timeout: tuple[float, float] = (10.0, 60.0),
) -> ArchivedResponse:
    """Read the raw bytes of a profile page and archive them before anything parses them."""
    if not is_url(location):
        path = Path(location)
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise ExtractError(
                location, f"cannot read profile file: {exc.strerror or exc}"
            ) from exc
        return archive.store(body, source=str(path.resolve()))
    try:
        response = requests.get(location, timeout=timeout, headers={"User-Agent": user_agent})
    except requests.RequestException as exc:
        raise ExtractError(location, f"cannot fetch profile: {exc}") from exc
    archived = archive.store(
        response.content, source=location, status=response.status_code, headers=response.headers
    )
    if response.status_code != 200:
        raise ExtractError(
            location, f"HTTP {response.status_code} {response.reason}", status=response.status_code
        )
    return archived


def parse_archived_profile(archived: ArchivedResponse, subject_codes: Mapping[str, str]) -> Profile:
    """Parse an archived page; its retrieval time is when this content was first seen."""
    return parse_profile(
        archived.read_bytes(),
        source=archived.source,
        retrieved_at=archived.first_retrieved_at,
        subject_codes=subject_codes,
    )
