"""Talking to the outside and reading what comes back: ``[http]``, ``[arxiv]`` and ``[limits]``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator, model_validator

from scholarkg.config.fields import (
    HttpUrlText,
    NonEmptyText,
    OaiSet,
    Section,
    key_problem,
    seconds,
    setting,
)

MIB = 1024 * 1024
ARXIV_API_URL = "https://export.arxiv.org/api/query"
ARXIV_MAX_RESULTS = 2000
"""The most results (ids) one arXiv API request returns: its ``max_results`` page."""
ARXIV_OAI_URL = "https://oaipmh.arxiv.org/oai"
PROJECT_URL = "https://w3id.org/scholarkg"
MetadataPrefix = Literal["arXiv", "oai_dc", "arXivRaw"]


def user_agent_for(contact: str) -> str:
    """``scholarkg/<version> (<project>; mailto:<contact>)``."""
    from scholarkg import __version__

    return f"scholarkg/{__version__} ({PROJECT_URL}; mailto:{contact})"


class HttpConfig(Section):
    """``[http]``: how scholarkg talks to every web server (politeness, retries, limits)."""

    contact: NonEmptyText = setting(
        "scholarkg-maintainers@example.org",
        "contact address sent in the User-Agent (arXiv asks for one): set your own",
        env="SCHOLARKG_CONTACT",
    )
    user_agent: str = setting(
        "", "the User-Agent header; empty: scholarkg/<version> (<project>; mailto:<contact>)"
    )
    connect_timeout: float = seconds(10.0, "seconds to connect", gt=0)
    read_timeout: float = seconds(60.0, "seconds to wait for each read", gt=0)
    min_interval: float = seconds(
        1.0,
        "seconds between requests to one host, from the end of the last answer "
        "(arXiv: [arxiv] min_interval)",
        ge=0,
    )
    max_retries: int = setting(
        3, "retries after connection errors, timeouts and HTTP 429/500/502/503/504", ge=0
    )
    backoff_base: float = seconds(
        1.0, "backoff before retry n: backoff_base * 2^(n-1) seconds, plus jitter", ge=0
    )
    backoff_max: float = seconds(
        120.0, "longest backoff; a longer Retry-After fails the request at once", ge=0
    )
    jitter: float = setting(0.25, "random extra backoff, up to this fraction of it", ge=0)
    max_retry_after: int = setting(
        10, "waits a server asks for (Retry-After) honoured per request, apart from retries", ge=0
    )
    total_timeout: float = seconds(
        300.0,
        "seconds one request may take in all (connect, headers, body); not retried",
        gt=0,
    )
    max_body_bytes: int = setting(
        64 * MIB, "largest answer read, after decompression (64 MiB); larger: refused", gt=0
    )

    @model_validator(mode="before")
    @classmethod
    def _default_user_agent(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("user_agent"):
            contact = data.get("contact") or cls.model_fields["contact"].default
            return {**data, "user_agent": user_agent_for(str(contact))}
        return data

    @field_validator("user_agent")
    @classmethod
    def _has_contact(cls, value: str) -> str:
        if "@" not in value and "mailto:" not in value:
            raise ValueError(f"User-Agent {value!r} must carry a contact address")
        return value


class ArxivConfig(Section):
    """``[arxiv]``: how arXiv is queried and how profile papers are resolved to it."""

    enabled: bool = setting(True, "resolve and enrich profile papers in `scholarkg run`")
    api_url: HttpUrlText = setting(
        ARXIV_API_URL,
        "the arXiv API (any replay server can stand in)",
        env="SCHOLARKG_ARXIV_API_URL",
    )
    oai_url: HttpUrlText = setting(
        ARXIV_OAI_URL, "arXiv's OAI-PMH base URL", env="SCHOLARKG_OAI_URL"
    )
    min_interval: float = seconds(
        3.0, "seconds between arXiv requests (arXiv's rule: one every 3 s, one connection)", ge=0
    )
    batch_size: int = setting(
        100, "arXiv ids per id_list request (at most 2000, one page)", ge=1, le=ARXIV_MAX_RESULTS
    )
    candidates_per_title: int = setting(
        8,
        "arXiv search results asked for per profile paper (exact and all-words searches; the "
        "any-word search asks for at least 20; at most 100 per request)",
        ge=1,
    )
    threshold: float = setting(
        0.8, "minimum resolution score (title, date, author order), in (0, 1]", gt=0, le=1
    )
    oai_metadata_prefix: MetadataPrefix = setting("arXiv", "the OAI-PMH metadata format harvested")
    harvest_sets: tuple[OaiSet, ...] = setting(
        ("cs",), "the OAI-PMH sets harvested (at least one)", min_length=1
    )
    overrides: dict[str, str] = setting(
        {}, "profile paper title = arXiv id; an override always wins over scoring"
    )

    @property
    def effective_api_url(self) -> str:
        """The API URL (environment overrides are applied when the config is loaded)."""
        return self.api_url

    @property
    def effective_oai_url(self) -> str:
        return self.oai_url

    @field_validator("overrides")
    @classmethod
    def _arxiv_ids(cls, overrides: dict[str, str]) -> dict[str, str]:
        from scholarkg.errors import ParseError
        from scholarkg.extract.arxiv_ids import digits_problem, normalise_arxiv_id

        for title, arxiv_id in overrides.items():
            try:
                normalise_arxiv_id(arxiv_id)
            except ParseError:  # why, when its form is an id's (a digit count not its month's)
                why = digits_problem(arxiv_id)
                raise key_problem(
                    (title,),
                    f"{title!r} = {arxiv_id!r} is not an arXiv id" + (f": {why}" if why else ""),
                ) from None
        return overrides


class Limits(Section):
    """``[limits]``: what one hostile input may cost (sizes in bytes, times in seconds).

    Past a limit a record is quarantined with its reason (the others load) and a page or
    harvest stops with a one-line error naming the key to raise.
    """

    line_bytes: int = setting(
        8 * MIB,
        "largest record: a snapshot line (one JSON record), an API entry, an OAI-PMH record; 8 MiB",
        gt=0,
    )
    literal_bytes: int = setting(
        1 * MIB, "largest text value of a record or profile paper (abstract, title…), 1 MiB", gt=0
    )
    json_depth: int = setting(32, "deepest nesting of a snapshot line (records nest 3 deep)", gt=0)
    authors_per_record: int = setting(
        10_000,
        "most authors one arXiv record or profile paper may list (ATLAS and CMS list ~5 000)",
        gt=0,
    )
    profile_bytes: int = setting(64 * MIB, "largest profile page read (file or URL), 64 MiB", gt=0)
    harvest_max_pages: int = setting(100_000, "pages one OAI-PMH harvest follows", gt=0)
    harvest_deadline: float = seconds(
        86_400.0,
        "seconds one harvest run may take before it stops (resumable)",
        gt=0,
    )
    search_max_pages: int = setting(100, "pages one arXiv API search reads", gt=0)
    search_deadline: float = seconds(600.0, "seconds one arXiv API search may take", gt=0)
