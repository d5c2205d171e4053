"""Memory stays flat as input grows: what the gate keeps between graphs is bounded by a budget.

The gate caches verdicts on terms (pySHACL's view of a literal, a canonical form). In a snapshot
load almost every literal is new (dates, identifiers), so a cache sized like the input holds
input: at 65 536 entries, rdflib literals and their texts made each worker process grow from
130 to 203 MiB over 100 000 records, with ~14 hits in 70 000 lookups. The caches are sized by
what repeats (shapes' bounds, scores, years, the report vocabulary) instead.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import _lru_cache_wrapper

import scholarkg.shacl

CACHE_ENTRIES = 8192  # per cache: at ~1 KB per entry (an rdflib literal), ~8 MiB at most


def _gate_caches() -> dict[str, _lru_cache_wrapper[object]]:
    found = {}
    for module in pkgutil.iter_modules(scholarkg.shacl.__path__, "scholarkg.shacl."):
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if isinstance(value, _lru_cache_wrapper) and value.__module__ == loaded.__name__:
                found[f"{loaded.__name__}.{name}"] = value
    return found


def test_every_cache_of_the_gate_is_bounded_by_the_budget() -> None:
    caches = _gate_caches()
    assert "scholarkg.shacl.terms.to_rdflib" in caches  # the search finds them
    too_big = {
        name: cache.cache_info().maxsize
        for name, cache in caches.items()
        if cache.cache_info().maxsize is None or cache.cache_info().maxsize > CACHE_ENTRIES
    }
    assert too_big == {}
