"""``[serve]``: `scholarkg serve` — query isolation, HTTP limits and what the server advertises."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import AfterValidator

from scholarkg.config.fields import (
    RLIMIT_MB_MAX,
    WORKERS_MAX,
    NonEmptyText,
    OptionalHttpUrl,
    Section,
    seconds,
    setting,
)


def _proxy(value: str) -> str:
    """An address or a network (``10.0.0.0/8``) of a proxy to trust, as written."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(
            f"{value!r} is no IP address or network (such as 10.0.0.5 or 10.0.0.0/8)"
        ) from None
    return value


ProxyAddress = Annotated[str, AfterValidator(_proxy)]


class ServeSettings(Section):
    """``[serve]``: every query runs in a worker process with these limits."""

    host: NonEmptyText = setting("127.0.0.1", "address `scholarkg serve` listens on (--host wins)")
    port: int = setting(8000, "port it listens on (--port wins; 0: any free port)", ge=0, le=65535)
    public_url: OptionalHttpUrl = setting(
        None,
        "the server's public base URL (service description, VoID); none: the request's own "
        "(then those answers are Cache-Control: private)",
    )
    trusted_proxies: tuple[ProxyAddress, ...] = setting(
        (),
        "addresses or networks of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto "
        "are believed (the client, the scheme of VoID's and the service description's URLs); "
        "[] = none, from any address (loopback too)",
    )
    workers: int = setting(
        2,
        "query worker processes (one more is lent per query running past 1 s)",
        gt=0,
        le=WORKERS_MAX,
    )
    quick_workers: int = setting(
        1,
        "query workers kept beside `workers` for queries that look quick (ASK, a LIMIT without "
        "ORDER BY, aggregates or paths; see README), used once every other worker is busy",
        ge=0,
        le=WORKERS_MAX,
    )
    quick_time_limit: float = seconds(
        2.0,
        "seconds a query may run in a quick worker; past it, that worker is replaced and the "
        "query waits for another worker, as any query does",
        gt=0,
    )
    queue_wait: float = seconds(
        10.0,
        "seconds a query, update or page may wait for a worker while every one is busy; then "
        "503 with Retry-After (a query that looks quick takes a quick worker meanwhile)",
        gt=0,
    )
    time_limit: float = seconds(
        30.0,
        "seconds per query or SPARQL Update; then its worker is killed and replaced (a stopped "
        "update commits nothing)",
        gt=0,
    )
    memory_limit_mb: int = setting(
        2048, "data-segment limit of each query or update worker, MiB", gt=0, le=RLIMIT_MB_MAX
    )
    max_query_bytes: int = setting(262_144, "longer query text is refused before parsing", gt=0)
    max_nesting: int = setting(
        64,
        "deeper nesting is refused before parsing: brackets, operator chains and the "
        "OPTIONAL/MINUS/FILTER/BIND… of a group count (see README, Serving the graph)",
        gt=0,
    )
    max_result_mb: int = setting(
        128,
        "size limit of a result as a worker sends it (serialized, or an HTML page's terms) "
        "and of an HTML results page as written, MiB",
        gt=0,
    )
    federation: tuple[NonEmptyText, ...] = setting(
        (), "SERVICE endpoints allowed (full IRIs); [] = every SERVICE refused"
    )
    cors_origins: tuple[NonEmptyText, ...] = setting(
        ("*",), "origins allowed by CORS; [] = no CORS headers"
    )
    max_body_bytes: int = setting(1_048_576, "request body limit (413 above)", gt=0)
    max_dataset_graphs: int = setting(
        1_000, "graph IRIs in default-graph-uri + named-graph-uri of one request (400 above)", gt=0
    )
    max_header_bytes: int = setting(16_384, "request line + headers limit (400 above)", gt=0)
    max_connections: int = setting(
        200,
        "open connections; past it a new one takes the place of the one waiting longest for a "
        "request (none under way), or, every place with a request under way, is answered 503 "
        "and closed",
        gt=0,
    )
    max_connections_per_client: int = setting(
        50,
        "open connections from one client address (an IPv6 /64 is one); its newest past it "
        "is answered 503 and closed, and takes none of max_connections (behind a proxy every "
        "client has the proxy's address: raise it to max_connections)",
        gt=0,
    )
    max_queries_per_client: int = setting(
        2,
        "requests from one client address (an IPv6 /64 is one) running or waiting for a "
        "query worker (queries, updates, pages; not answers kept in the result cache, nor a "
        "wait for the same query's answer already being computed); past "
        "it 429 with Retry-After. At most `workers` leaves others a worker (behind a proxy, "
        "the client it names if listed in trusted_proxies, else the proxy's address)",
        gt=0,
    )
    request_timeout: float = seconds(
        20.0, "seconds to receive a whole request (slow clients cut off)", gt=0
    )
    keep_alive: float = seconds(
        5.0,
        "connections idle this long are closed: after an answer (keep-alive), or sending no "
        "byte after they open",
        gt=0,
    )
    send_timeout: float = seconds(
        30.0,
        "seconds a client may read none of its answer (the server's send buffer full) before "
        "its connection is closed",
        gt=0,
    )
    refresh_interval: float = seconds(5.0, "seconds between checks whether the store changed", gt=0)
    cache_max_age: int = setting(60, "Cache-Control max-age of pages and results, seconds", gt=0)
    aggregate_time_limit: float = seconds(
        300.0, "time limit of the server's own aggregates (landing page, search, categories)", gt=0
    )
    result_cache_mb: int = setting(
        256, "memory for answers of slow queries, kept until the store changes", gt=0
    )
