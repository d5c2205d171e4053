"""Where a run keeps the state that belongs to its store, beside the manifest: the identity
registry, the title index, the deletions, and the marks of runs that have not finished."""

from __future__ import annotations

from pathlib import Path

from scholarkg.config import Config
from scholarkg.load.manifest import store_state_dir

REGISTRY = "identity.sqlite"
UNFINISHED_MARK = "run-unfinished.json"  # before marks were kept per store (one for all)
UNFINISHED_MARKS = "run-unfinished"


def title_index_path(config: Config) -> Path:
    return store_state_dir(config) / "scholarkg-titles.sqlite"


def deletions_path(config: Config) -> Path:
    return store_state_dir(config) / "scholarkg-deletions.sqlite"


def registry_path(config: Config) -> Path:
    """The identity registry belongs to the store whose person graphs it decides (a store made
    afresh, or another store, decides afresh from what it holds)."""
    return store_state_dir(config) / REGISTRY
