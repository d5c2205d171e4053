"""How a query worker opens the store: an embedded Oxigraph store or a SPARQL endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from scholarkg.errors import QueryError
from scholarkg.store import served
from scholarkg.store.reading import open_read_only

if TYPE_CHECKING:
    from scholarkg.config import StoreConfig


@dataclass(frozen=True)
class StoreSpec:
    """How a worker opens the store: an on-disk Oxigraph store or a remote SPARQL endpoint."""

    kind: str  # "oxigraph" | "sparql"
    location: str  # the store directory or the query URL
    server: str = "oxigraph"  # for "sparql": the server kind
    credentials: tuple[str | None, str | None] = field(default=(None, None), repr=False)
    writable: bool = False  # the update worker: the only process that opens the store to write
    # for "sparql", the [store] connect, read and whole-request timeouts and the answer cap
    # (None: the store's defaults)
    timeouts: tuple[float, float, float] | None = None
    max_answer_bytes: int | None = None

    @classmethod
    def of_config(cls, config: StoreConfig) -> StoreSpec:
        """The spec of the ``[store]`` section: every setting that bears on reading reaches the
        worker (a SPARQL server's timeouts and answer cap, not the defaults)."""
        if config.kind == "oxigraph":
            return cls("oxigraph", str(config.path))
        if config.kind != "sparql" or config.query_url is None:
            raise QueryError(
                f"[store] kind {config.kind!r}: queries can only be served from an Oxigraph "
                "store or a SPARQL endpoint (kind sparql with a query_url)"
            )
        user, password = (
            None if s is None else s.get_secret_value() for s in (config.user, config.password)
        )
        return cls(
            "sparql",
            config.query_url,
            config.server,
            (user, password),
            timeouts=(config.connect_timeout, config.read_timeout, config.request_deadline),
            max_answer_bytes=config.max_answer_bytes,
        )

    def open(self) -> tuple[Any, served.Lease | None]:
        """The open store, and the hold on the checkpoint a reader of an embedded store opened
        (kept as long as the store is open; None: the store itself, or a SPARQL endpoint)."""
        if self.kind == "oxigraph":
            if self.writable:
                return ox.Store(self.location), None
            held = served.lease(Path(self.location))
            if held is None:  # no checkpoint yet (a store no run of this version wrote)
                return open_read_only(Path(self.location)), None
            try:
                return open_read_only(held.checkpoint), held
            except BaseException:
                held.release()
                raise
        from scholarkg.store.factory import open_store

        user, password = self.credentials
        store = open_store(
            "sparql",
            query_url=self.location,
            server=self.server,
            user=user,
            password=password,
            read_only=True,
            timeouts=self.timeouts,
            max_answer_bytes=self.max_answer_bytes,
        )
        return store, None


def spec_for(store: object) -> StoreSpec:
    """The :class:`StoreSpec` of an open scholarkg store (embedded or remote SPARQL), or
    ``store`` itself when it is one (an embedded store given by its path, unopened)."""
    from scholarkg.store.embedded import EmbeddedStore
    from scholarkg.store.remote import SparqlStore

    if isinstance(store, StoreSpec):
        return store
    if isinstance(store, EmbeddedStore):
        return StoreSpec("oxigraph", str(store.path))
    if isinstance(store, SparqlStore):
        return StoreSpec(  # the store's own timeouts and answer cap, not the defaults
            "sparql",
            store.query_url,
            store.server,
            store.credentials,
            timeouts=store.timeouts,
            max_answer_bytes=store.max_answer_bytes,
        )
    raise QueryError(
        f"{type(store).__name__}: queries can only be served from an Oxigraph store "
        "or a SPARQL endpoint"
    )
