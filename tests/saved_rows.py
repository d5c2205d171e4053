"""A saved query's rows over a store, its parameters bound as ``scholarkg query --name`` binds
them (:func:`scholarkg.query.bind_saved`): what the saved-query tests compare."""

from __future__ import annotations

from scholarkg.query import bind_saved, resolve_query
from scholarkg.query_results import run_select
from scholarkg.store.embedded import EmbeddedStore


def rows(store: EmbeddedStore, name: str, **params: str) -> list[tuple[str | None, ...]]:
    """The rows of the saved query ``name`` with ``params`` bound."""
    return run_select(store, bind_saved(resolve_query(name), params)).rows
