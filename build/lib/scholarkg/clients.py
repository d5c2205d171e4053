"""Build the HTTP and arXiv clients a configuration describes."""

from __future__ import annotations

from scholarkg.config import Config
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import BeforeRequest, HttpClient, HttpPolicy
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.extract.raw_archive import RawArchive


def archive_for(config: Config) -> RawArchive:
    return RawArchive(config.raw_dir)


def http_client(
    config: Config,
    *,
    min_interval: float | None = None,
    before_request: BeforeRequest | None = None,
) -> HttpClient:
    """An archiving, polite HTTP client with the configured timeouts and retry policy
    (``before_request``: called with the URL before every attempt, see :class:`HttpClient`)."""
    http = config.http
    policy = HttpPolicy(
        user_agent=http.user_agent,
        min_interval=http.min_interval if min_interval is None else min_interval,
        connect_timeout=http.connect_timeout,
        read_timeout=http.read_timeout,
        max_retries=http.max_retries,
        backoff_base=http.backoff_base,
        backoff_max=http.backoff_max,
        total_timeout=http.total_timeout,
        max_body_bytes=http.max_body_bytes,
    )
    return HttpClient(archive_for(config), policy, before_request=before_request)


def arxiv_api_client(config: Config, before_request: BeforeRequest | None = None) -> ArxivApiClient:
    """The arXiv API client (spacing from ``[arxiv] min_interval``; env URL wins)."""
    http = http_client(
        config, min_interval=config.arxiv.min_interval, before_request=before_request
    )
    return ArxivApiClient(http, base_url=config.arxiv.effective_api_url, limits=config.limits)


def oai_client(config: Config, before_request: BeforeRequest | None = None) -> OaiPmhClient:
    """The OAI-PMH harvester client (spacing from ``[arxiv] min_interval``; env URL wins)."""
    http = http_client(
        config, min_interval=config.arxiv.min_interval, before_request=before_request
    )
    return OaiPmhClient(http, base_url=config.arxiv.effective_oai_url, limits=config.limits)
