"""Open the configured triple store backend by name."""

from __future__ import annotations

import os
from pathlib import Path

from scholarkg.errors import ConfigError
from scholarkg.store.base import GraphStore
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.file_sink import FileSink
from scholarkg.store.remote import SparqlStore

STORE_KINDS = ("oxigraph", "sparql", "files")
ENV_PREFIX = "SCHOLARKG_SPARQL_"


def _env(name: str) -> str | None:
    return os.environ.get(ENV_PREFIX + name, "").strip() or None


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
) -> GraphStore:
    """A store of ``kind``: ``oxigraph`` (embedded, at ``path``), ``sparql`` (remote endpoints)
    or ``files`` (a :class:`FileSink` directory at ``path``).

    For ``sparql``, every argument left out is read from ``SCHOLARKG_SPARQL_QUERY_URL``,
    ``…UPDATE_URL``, ``…STORE_URL``, ``…USER``, ``…PASSWORD``, ``…SERVER``, ``…REPLACE_VIA``;
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
        query = query_url or _env("QUERY_URL")
        if query is None:
            raise ConfigError(f"store kind 'sparql' needs a query URL ({ENV_PREFIX}QUERY_URL)")
        return SparqlStore(
            query,
            None if read_only else update_url or _env("UPDATE_URL"),
            None if read_only else store_url or _env("STORE_URL"),
            user=user if user is not None else _env("USER"),
            password=password if password is not None else os.environ.get(ENV_PREFIX + "PASSWORD"),
            server=server or _env("SERVER") or "oxigraph",
            replace_via=replace_via or _env("REPLACE_VIA") or "put",
        )
    raise ConfigError(f"unknown store kind {kind!r}; one of {', '.join(STORE_KINDS)}")
