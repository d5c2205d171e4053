"""Open the configured triple store backend by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

from scholarkg.config import StoreKind
from scholarkg.errors import ConfigError
from scholarkg.store.base import GraphStore
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.endpoint_urls import refuse_credentials
from scholarkg.store.file_sink import FileSink
from scholarkg.store.remote import SparqlStore

STORE_KINDS: tuple[str, ...] = get_args(StoreKind)


def open_store(
    kind: str,
    *,
    path: Path | None = None,
    read_only: bool = False,
    query_url: str | None = None,
    update_url: str | None = None,
    store_url: str | None = None,
    user: str | None = None,
    password: str | None = None,
    server: str | None = None,
    replace_via: str | None = None,
    timeouts: tuple[float, float, float] | None = None,
    max_answer_bytes: int | None = None,
    check_writes: bool | None = None,
) -> GraphStore:
    """A store of ``kind``: ``oxigraph`` (embedded, at ``path``), ``sparql`` (remote endpoints)
    or ``files`` (a :class:`FileSink` directory at ``path``).

    The values come from the ``[store]`` section (:meth:`StoreConfig.open
    <scholarkg.config.StoreConfig.open>`), where the environment has already been applied;
    ``server``, ``replace_via``, ``timeouts`` (connect, each read, the whole request),
    ``max_answer_bytes`` and ``check_writes`` left out take :class:`SparqlStore`'s defaults.
    ``read_only`` drops the write endpoints so that no write can reach the server.
    """
    if kind == "oxigraph":
        if path is None:
            raise ConfigError("store kind 'oxigraph' needs a path")
        return EmbeddedStore(path, read_only=read_only)
    if kind == "files":
        if path is None:
            raise ConfigError("store kind 'files' needs a path")
        return FileSink(path, read_only=read_only)
    if kind == "sparql":
        if query_url is None:
            raise ConfigError(
                "store kind 'sparql' needs [store] query_url (or SCHOLARKG_SPARQL_QUERY_URL)"
            )
        for key, url in (("query_url", query_url), ("update_url", update_url)):
            refuse_credentials(key, url)  # a read-only store drops the write URLs unread
        refuse_credentials("store_url", store_url)
        options: dict[str, Any] = {"user": user, "password": password}
        if server is not None:
            options["server"] = server
        if replace_via is not None:
            options["replace_via"] = replace_via
        if timeouts is not None:
            connect, read, whole = timeouts
            options |= {"connect_timeout": connect, "timeout": read, "total_timeout": whole}
        if max_answer_bytes is not None:
            options["max_answer_bytes"] = max_answer_bytes
        if check_writes is not None:
            options["check_writes"] = check_writes
        return SparqlStore(
            query_url,
            None if read_only else update_url,
            None if read_only else store_url,
            **options,
        )
    raise ConfigError(f"unknown store kind {kind!r}; one of {', '.join(STORE_KINDS)}")
