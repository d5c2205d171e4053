"""Incremental runs: fetch only what changed, and skip profiles the store already holds.

``data/state/sources.json`` remembers, per source location, the SHA-256 of the last bytes loaded,
the named graph they became and the HTTP validators (ETag, Last-Modified) to send next time. The
configuration hash and software version it was built with. The store stays the judge of what it
holds: a profile is skipped only when its bytes, configuration hash and version are those of
its last build and its graph in the store records the same source hash. (The graph's run does
not tell the configuration: a rebuild that gives the same triples leaves the graph, and its
provenance, as they were.) A profile whose resolution left papers unresolved also remembers the
title index's revision it read: once the index has grown since (a snapshot, a harvest or another
profile brought records), the page is built again, so its papers join the records now held.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path

from scholarkg import __version__
from scholarkg.config import Config
from scholarkg.errors import StateUnreadable
from scholarkg.files import write_atomic
from scholarkg.iris import SKG
from scholarkg.provenance import config_hash
from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref


@dataclass(frozen=True)
class SourceState:
    """What the last successful load of one source was."""

    location: str
    sha256: str
    graph: str
    etag: str | None = None
    last_modified: str | None = None
    config_hash: str | None = None  # of the build (None: recorded by an older version)
    version: str | None = None
    unresolved_at: str | None = None  # title index revision resolution read, if it left papers


@dataclass(frozen=True)
class Fetched:
    """A fetched (or not modified) source: the bytes to use and whether they are new."""

    location: str
    sha256: str
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None


WHAT = "state of the sources loaded"
_FIELDS = {f.name for f in fields(SourceState)}
_REQUIRED = {f.name for f in fields(SourceState) if f.default is MISSING}


def _a_state(entry: object) -> bool:
    """Whether ``entry`` (read from the file) is a :class:`SourceState`'s fields."""
    return (
        isinstance(entry, dict)
        and _REQUIRED <= entry.keys() <= _FIELDS
        and all(isinstance(v, str) or v is None for v in entry.values())
    )


States = dict[str, dict[str, str | None]]
Signature = tuple[int, int, int, int]

_READ: dict[Path, tuple[Signature, States]] = {}
"""The states last read or written per file, with the file's signature then (inode, size,
modification and change times): read again only once the file has changed. A run asks for the
state of each profile page three times (validators, the previous hash, whether it is up to
date) and writes it once: reading the whole file each time made a run over n pages parse it 4n
times (3 000 pages, a 1.2 MB file: 84 s for the validators and previous hashes alone)."""


def _signature(path: Path) -> Signature | None:
    """The file's signature (``None`` when there is no file); write_atomic gives every
    version of it a new inode."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateUnreadable(path, WHAT, str(exc)) from exc
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class SourceStates:
    """The ``sources.json`` file, written atomically."""

    def __init__(self, config: Config) -> None:
        self.path = config.state_dir / "sources.json"

    def _load(self) -> States:
        """The file's states (none when there is no file), not to be changed; a file that
        holds no such states (broken JSON, another shape) is a :class:`StateUnreadable` naming
        it. Read only when it changed since it was last read or written here (:data:`_READ`)."""
        signature = _signature(self.path)
        if signature is None:
            return {}
        known = _READ.get(self.path)
        if known is not None and known[0] == signature:
            return known[1]
        data = self._read()
        _READ[self.path] = (signature, data)
        return data

    def _read(self) -> States:
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise StateUnreadable(self.path, WHAT, str(exc)) from exc
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise StateUnreadable(self.path, WHAT, f"not JSON ({exc})") from exc
        if not isinstance(data, dict) or not all(_a_state(s) for s in data.values()):
            raise StateUnreadable(self.path, WHAT, "no table of source states")
        return data

    def get(self, location: str) -> SourceState | None:
        entry = self._load().get(location)
        return None if entry is None else SourceState(**entry)  # type: ignore[arg-type]

    def forget_graphs(self, graphs: set[str]) -> list[str]:
        """Forget the sources whose graph is one of ``graphs`` (their next build is a full
        one); returns their locations."""
        data = dict(self._load())
        gone = sorted(location for location, state in data.items() if state["graph"] in graphs)
        if gone:
            for location in gone:
                del data[location]
            self._save(data)
        return gone

    def graphs(self) -> set[str]:
        return {str(state["graph"]) for state in self._load().values()}

    def put(self, states: list[SourceState]) -> None:
        """Add or replace these states: one write of the file, however many they are."""
        if not states:
            return
        data = dict(self._load())
        data.update({s.location: asdict(s) for s in states})
        self._save(data)

    def _save(self, data: States) -> None:
        """The states as one line of JSON, by json's C encoder (``indent`` sends the whole
        file through its Python one: 18 ms a write at 3 000 pages, where this takes 3)."""
        write_atomic(self.path, (json.dumps(data, sort_keys=True) + "\n").encode("utf-8"))
        signature = _signature(self.path)
        if signature is not None:
            _READ[self.path] = (signature, dict(data))


def holds(store: GraphStore, graph: str, sha256: str) -> bool:
    """Whether ``graph`` in the store was built from the bytes ``sha256``."""
    g = iri_ref(graph)
    ask = f'ASK {{ GRAPH {g} {{ {g} {iri_ref(SKG.sourceContentHash)} "sha256:{sha256}" }} }}'
    return bool(store.query(ask, union=True))


def up_to_date(
    store: GraphStore, fetched: list[Fetched], config: Config, index_revision: int = 0
) -> set[str]:
    """Locations whose current bytes are already in the store, built the same way, and whose
    unresolved papers (if any) were looked up in the title index at ``index_revision``."""
    states = SourceStates(config)
    built_as_now = (config_hash(config), __version__)
    current = set()
    for item in fetched:
        state = states.get(item.location)
        if state is None or (state.sha256, state.config_hash, state.version) != (
            item.sha256,
            *built_as_now,
        ):
            continue
        if _index_grew(state, index_revision):
            continue
        if holds(store, state.graph, item.sha256):
            current.add(item.location)
    return current


def _index_grew(state: SourceState, index_revision: int) -> bool:
    """Whether the title index has grown since resolution left papers of ``state`` unresolved
    (a revision that is no number is taken as grown)."""
    if state.unresolved_at is None:
        return False
    return not state.unresolved_at.isdigit() or int(state.unresolved_at) < index_revision


def source_state(
    config: Config, fetched: Fetched, graph: str, unresolved_at: int | None = None
) -> SourceState:
    """The state to remember for a source built into ``graph`` (``unresolved_at``: the title
    index revision its resolution read, if it left papers unresolved)."""
    return SourceState(
        fetched.location,
        fetched.sha256,
        graph,
        fetched.etag,
        fetched.last_modified,
        config_hash(config),
        __version__,
        None if unresolved_at is None else str(unresolved_at),
    )


def remember(
    config: Config, fetched: Fetched, graph: str, unresolved_at: int | None = None
) -> None:
    """Record one source whose graphs are now in the store (a run records the sources it built
    all at once: :meth:`SourceStates.put`)."""
    SourceStates(config).put([source_state(config, fetched, graph, unresolved_at)])


def validators(config: Config, location: str) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) to send when fetching ``location`` again."""
    state = SourceStates(config).get(location)
    return (state.etag, state.last_modified) if state else (None, None)


def previous_sha(config: Config, location: str) -> str | None:
    state = SourceStates(config).get(location)
    return state.sha256 if state else None
