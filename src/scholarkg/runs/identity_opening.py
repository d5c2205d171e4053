"""The run's identity registry and resolver, opened on first use (a part of
:class:`~scholarkg.runs.context.RunContext`): a registry an older version kept in the data
directory is taken over, and decisions made under earlier name rules are reviewed, once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scholarkg.config import Config
from scholarkg.errors import StateInUse
from scholarkg.identity import names
from scholarkg.identity.overrides import Overrides
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.load.manifest import adopt_legacy_state
from scholarkg.runs.report import RunReport
from scholarkg.runs.state_paths import REGISTRY, registry_path


def open_registry(config: Config, report: RunReport) -> Registry:
    """The store's identity registry; one an older version kept elsewhere is moved beside the
    store first (the run lock is held: nobody has the old one open), and the report says so."""
    notice = adopt_legacy_state(config, REGISTRY, "identity registry", ("-wal", "-shm"))
    if notice is not None:
        report.notes.append(notice)
    return registry_at(registry_path(config))


# SQLite's primary codes of a database another connection holds locked
_HELD = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def registry_at(path: Path) -> Registry:
    """The identity registry at ``path``, opened. One another process holds locked past
    SQLite's wait (in exclusive locking mode, as the ``sqlite3`` shell with ``PRAGMA
    locking_mode = EXCLUSIVE`` holds it) is a :class:`StateInUse` naming it (before: sqlite3's
    bare 'database is locked' out of the run, a traceback); a run's and an export's alike."""
    try:
        return Registry(path)
    except sqlite3.OperationalError as exc:
        if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in _HELD:
            raise
        raise StateInUse(path, "identity registry", str(exc)) from exc


def open_resolver(config: Config, registry: Registry) -> IdentityResolver:
    """The resolver over ``registry`` with the configured merges and splits."""
    return IdentityResolver(registry, Overrides.parse(config.people_merge, config.people_split))


def review_decisions(identity: IdentityResolver, report: RunReport) -> None:
    """Decide again, once after the name rules changed, what earlier rules decided otherwise;
    the report notes how many."""
    reviewed = identity.review_names()  # once after the name rules changed
    if reviewed:
        report.notes.append(
            f"{reviewed} shared-coauthor authorships decided again under names"
            f" version {names.NAMES} (decided under an earlier one)"
        )
    suffixed = identity.review_generations()  # once: Jr. and Sr. are two people
    if suffixed:
        report.notes.append(
            f"{suffixed} shared-coauthor authorships near a name with a generational"
            " suffix decided again (decided when Jr. and Sr. were read as one name)"
        )
