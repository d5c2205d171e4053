"""Memory stays flat as input grows: what the gate and the identity rules keep between records
is bounded by a budget.

The gate caches verdicts on terms (pySHACL's view of a literal, a canonical form). In a snapshot
load almost every literal is new (dates, identifiers), so a cache sized like the input holds
input: at 65 536 entries, rdflib literals and their texts made each worker process grow from
130 to 203 MiB over 100 000 records, with ~14 hits in 70 000 lookups. The caches are sized by
what repeats (shapes' bounds, scores, years, the report vocabulary) instead. The identity rules'
caches of names (and pairs of names) held 200 000 entries each: 45 MiB more in the run's process
at 100 000 records than 32 768 entries, for the same CPU.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import _lru_cache_wrapper
from types import ModuleType

import pytest

import scholarkg.identity
import scholarkg.shacl

BUDGETS = {  # entries per cache
    scholarkg.shacl: 8192,  # ~1 KB per entry (an rdflib literal): ~8 MiB at most
    scholarkg.identity: 32_768,  # names and pairs of names, ~300 bytes per entry
}


def _caches(package: ModuleType) -> dict[str, _lru_cache_wrapper[object]]:
    found = {}
    for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if isinstance(value, _lru_cache_wrapper) and value.__module__ == loaded.__name__:
                found[f"{loaded.__name__}.{name}"] = value
    return found


@pytest.mark.parametrize("package", list(BUDGETS), ids=lambda p: p.__name__)
def test_every_cache_is_within_its_budget(package: ModuleType) -> None:
    caches = _caches(package)
    assert len(caches) >= 3  # the search finds them
    budget = BUDGETS[package]
    too_big = {
        name: cache.cache_info().maxsize
        for name, cache in caches.items()
        if cache.cache_info().maxsize is None or cache.cache_info().maxsize > budget
    }
    assert too_big == {}
