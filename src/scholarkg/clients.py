"""Build the HTTP and arXiv clients a configuration describes."""

from __future__ import annotations

from scholarkg.config import Config
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import BeforeRequest, HttpClient
from scholarkg.extract.http_policy import HttpPolicy
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
    policy = HttpPolicy.from_config(config.http, min_interval=min_interval)
    return HttpClient(archive_for(config), policy, before_request=before_request)


def arxiv_api_client(config: Config, before_request: BeforeRequest | None = None) -> ArxivApiClient:
    """The arXiv API client (``[arxiv] api_url``, spaced by ``[arxiv] min_interval``)."""
    http = http_client(
        config, min_interval=config.arxiv.min_interval, before_request=before_request
    )
    return ArxivApiClient(http, base_url=config.arxiv.api_url, limits=config.limits)


def oai_client(config: Config, before_request: BeforeRequest | None = None) -> OaiPmhClient:
    """The OAI-PMH harvester client (``[arxiv] oai_url``, spaced by ``[arxiv] min_interval``)."""
    http = http_client(
        config, min_interval=config.arxiv.min_interval, before_request=before_request
    )
    return OaiPmhClient(http, base_url=config.arxiv.oai_url, limits=config.limits)
