"""The run's identity registry and resolver, opened on first use (a part of
:class:`~scholarkg.runs.context.RunContext`): a registry an older version kept in the data
directory is taken over, and decisions made under earlier name rules are reviewed, once."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from scholarkg.config import Config
from scholarkg.errors import LoadError
from scholarkg.identity import names
from scholarkg.identity.overrides import Overrides
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.iris import Minter
from scholarkg.load.manifest import FILE_NAME as MANIFEST
from scholarkg.load.manifest import adopt_legacy_state, open_manifest, store_state_dir
from scholarkg.runs.report import RunReport
from scholarkg.runs.state_paths import REGISTRY, registry_path


def open_registry(config: Config, report: RunReport) -> Registry:
    """The store's identity registry; one an older version kept elsewhere is moved beside the
    store first (the run lock is held: nobody has the old one open), and the report says so."""
    notice = adopt_legacy_state(config, REGISTRY, "identity registry", ("-wal", "-shm"))
    if notice is not None:
        report.notes.append(notice)
    path = registry_path(config)
    if _new(path) and (gone := _decided_without(config, path)) is not None:
        raise LoadError(gone)  # before the opening: nothing is made or written
    return registry_at(path)


def _new(path: Path) -> bool:
    """Whether the registry at ``path`` would be made new: no file, or an empty one with no
    write-ahead log holding its pages."""
    log = path.with_name(path.name + "-wal")
    return not path.exists() or (path.stat().st_size == 0 and not log.exists())


def _decided_without(config: Config, path: Path) -> str | None:
    """Why a new registry at ``path`` must not decide for this store: the store's manifest
    records person graphs, which only the registry that decided them knows (None: it records
    none, or the store has no manifest yet). A new one would decide their persons again,
    beside them (before: silently, each person of an unchanged source twice)."""
    if not (store_state_dir(config) / MANIFEST).exists():
        return None
    with closing(open_manifest(config)) as manifest:
        count, first = manifest.held_under(str(Minter(config.iri_base).person_graph("")))
    if not count:
        return None
    return (
        f"{path}: the identity registry is gone (deleted, or emptied), but the store holds"
        f" {count} person graphs it decided ({first}…); put it back from a backup, or build"
        " into a new store: a new registry would decide those persons again, beside them"
    )


def registry_at(path: Path) -> Registry:
    """The identity registry at ``path``, opened. One another process holds locked past
    SQLite's wait (in exclusive locking mode, as the ``sqlite3`` shell with ``PRAGMA
    locking_mode = EXCLUSIVE`` holds it), at its opening or at any statement later, is a
    :class:`~scholarkg.errors.StateInUse` naming it (its connection's
    :func:`~scholarkg.sqlite_in.state_error`; before: sqlite3's bare 'database is locked'
    out of the run, a traceback); a run's and an export's alike."""
    return Registry(path)


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
