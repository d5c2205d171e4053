"""A profile page before it is built: fetched and archived (conditionally), then parsed and its
papers resolved to arXiv. Both run in any process (the flow runs them as tasks); what they
return is picklable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from scholarkg.clients import archive_for, arxiv_api_client, http_client
from scholarkg.config import Config
from scholarkg.errors import ExtractError
from scholarkg.extract.profiles import archived_as, fetch_profile, parse_archived_profile
from scholarkg.incremental import Fetched, previous_sha, validators
from scholarkg.models import Profile
from scholarkg.resolution.index import TitleIndex
from scholarkg.resolution.resolver import Enrichment, PaperResolver
from scholarkg.runs.deletions import Deletions
from scholarkg.runs.state_paths import deletions_path, title_index_path

BeforeRequest = Callable[[str], None]


@dataclass(frozen=True)
class Prepared:
    """A fetched page, parsed, with its papers resolved (picklable)."""

    fetched: Fetched
    profile: Profile
    enrichment: Enrichment


def fetch_source(location: str, config: Config) -> Fetched:
    """Fetch and archive one page, sending the validators of the last load (ETag, date)."""
    etag, last_modified = validators(config, location)
    previous = previous_sha(config, location)
    with http_client(config) as http:
        archived = fetch_profile(
            location,
            archive_for(config),
            http,
            etag=etag if previous else None,
            last_modified=last_modified if previous else None,
            limits=config.limits,
        )
    if archived is None:
        if previous is None:
            raise ExtractError(location, "server answered 304 to an unconditional request")
        return Fetched(location, previous, True, etag, last_modified)
    headers = {k.lower(): v for k, v in archived.headers.items()}
    return Fetched(
        location, archived.sha256, False, headers.get("etag"), headers.get("last-modified")
    )


def resolve_papers(
    profile: Profile, config: Config, before_request: BeforeRequest | None = None
) -> Enrichment:
    """Resolve every listed paper (store first, then arXiv); never raises for arXiv's sake."""
    path, gone = title_index_path(config), deletions_path(config)
    index = TitleIndex(path) if path.exists() else None
    deletions = Deletions(gone) if gone.exists() else None
    client = arxiv_api_client(config, before_request) if config.arxiv.enabled else None
    resolver = PaperResolver(
        index=index,
        client=client,
        overrides=config.arxiv.overrides,
        threshold=config.arxiv.threshold,
        per_title=config.arxiv.candidates_per_title,
        withheld=deletions.withheld if deletions else None,
    )
    try:
        revision = 0 if index is None else index.revision  # read before: a later one is newer
        enrichment = replace(resolver.resolve(profile.papers), index_revision=revision)
    finally:
        if client is not None:
            client.http.close()
        if index is not None:
            index.close()
        if deletions is not None:
            deletions.close()
    if client is not None and client.warnings:  # answers cut at max_results
        enrichment = replace(enrichment, warnings=tuple(client.warnings))
    if enrichment.degraded:
        where = config.arxiv.effective_api_url
        message = degraded_message(where, enrichment.degraded)
        return replace(enrichment, degraded=message)
    return enrichment


def degraded_message(where: str, cause: str) -> str:
    """One line: where arXiv was tried, the cause in short, and what happened instead."""
    known = {
        "Failed to resolve": "name resolution failed",
        "Connection refused": "connection refused",
        "timed out": "timed out",
    }
    short = next((s for marker, s in known.items() if marker in cause), None)
    if short is None:
        short = cause.rsplit("last: ", 1)[-1].split(" (Caused by")[0]
        short = short if len(short) <= 120 else short[:119] + "…"
    return f"arXiv unusable at {where} ({short}); the rest of the profile loaded without it"


def prepare(
    fetched: Fetched, config: Config, before_request: BeforeRequest | None = None
) -> Prepared:
    """Parse the archived page and resolve its papers."""
    archived = archive_for(config).get(fetched.sha256, archived_as(fetched.location))
    profile = parse_archived_profile(archived, config.subject_codes, config.limits)
    return Prepared(fetched, profile, resolve_papers(profile, config, before_request))
