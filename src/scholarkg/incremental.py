"""Incremental runs: fetch only what changed, and skip profiles the store already holds.

``data/state/sources.json`` remembers, per source location, the SHA-256 of the last bytes loaded,
the named graph they became and the HTTP validators (ETag, Last-Modified) to send next time. The
store stays the judge: a profile is skipped only when its graph there records the same source
hash and was written by a run with the same configuration hash and software version.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from scholarkg import __version__
from scholarkg.config import Config
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


@dataclass(frozen=True)
class Fetched:
    """A fetched (or not modified) source: the bytes to use and whether they are new."""

    location: str
    sha256: str
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None


class SourceStates:
    """The ``sources.json`` file, written atomically."""

    def __init__(self, config: Config) -> None:
        self.path = config.state_dir / "sources.json"

    def _load(self) -> dict[str, dict[str, str | None]]:
        if not self.path.exists():
            return {}
        data: dict[str, dict[str, str | None]] = json.loads(self.path.read_text("utf-8"))
        return data

    def get(self, location: str) -> SourceState | None:
        entry = self._load().get(location)
        return None if entry is None else SourceState(**entry)  # type: ignore[arg-type]

    def put(self, states: list[SourceState]) -> None:
        data = self._load()
        data.update({s.location: asdict(s) for s in states})
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


def holds(store: GraphStore, graph: str, sha256: str, config: Config) -> bool:
    """Whether ``graph`` in the store was built from ``sha256`` with this configuration and
    version (so building it again would change nothing)."""
    g = iri_ref(graph)
    ask = (
        "PREFIX prov: <http://www.w3.org/ns/prov#> "
        f'ASK {{ GRAPH {g} {{ {g} {iri_ref(SKG.sourceContentHash)} "sha256:{sha256}" ; '
        "prov:wasGeneratedBy ?run } "
        f'?run {iri_ref(SKG.configHash)} "{config_hash(config)}" ; '
        f'{iri_ref(SKG.softwareVersion)} "{__version__}" }}'
    )
    return bool(store.query(ask, union=True))


def up_to_date(store: GraphStore, fetched: list[Fetched], config: Config) -> set[str]:
    """Locations whose current bytes are already in the store, built the same way."""
    states = SourceStates(config)
    current = set()
    for item in fetched:
        state = states.get(item.location)
        same_bytes = state is not None and state.sha256 == item.sha256
        if same_bytes and state is not None and holds(store, state.graph, item.sha256, config):
            current.add(item.location)
    return current


def remember(config: Config, fetched: Fetched, graph: str) -> None:
    """Record a source whose graphs are now in the store."""
    SourceStates(config).put(
        [SourceState(fetched.location, fetched.sha256, graph, fetched.etag, fetched.last_modified)]
    )


def validators(config: Config, location: str) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) to send when fetching ``location`` again."""
    state = SourceStates(config).get(location)
    return (state.etag, state.last_modified) if state else (None, None)


def previous_sha(config: Config, location: str) -> str | None:
    state = SourceStates(config).get(location)
    return state.sha256 if state else None
