"""The latest arXiv version of each record a store holds, so no door rolls a paper back.

A run that reads an older copy of a record than the store already holds — a month-old snapshot
after daily harvests, an API or OAI-PMH answer replayed late — would replace the newer graph
with it. Each store remembers the latest version number it loaded of every record (SQLite,
beside its manifest and deletions: a store made afresh starts without any); a copy whose latest
version is lower is held back (read, not loaded, counted and noted), a copy of the same or a
newer version loads as before. Records whose source gives no version numbers (OAI-PMH
``oai_dc``) are never held back and leave nothing here.

Versions are kept when the chunk's graphs go to the loader: a run stopped before they are
written errs on the side of holding back, never of rolling back.

The store itself is the truth: a store made before this table, or shared with another data
directory (one SPARQL server, whose table each data directory keeps under its own state), may
hold a newer version than the table knows. So the records a chunk would load are also looked up
in the store (:func:`versions_in_store`, one query for the chunk), and the higher of the two
versions counts; what the store tells is kept in the table. Not where the table is all the
store can hold (:func:`table_is_all`): an embedded store that held no record's version when
the run first needed them — the run holds it alone and keeps each version before loading it —
is not read once a chunk (reading a store between bulk loads fills Oxigraph's memory).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from scholarkg.config import Config
from scholarkg.errors import LoadError, QueryError
from scholarkg.iris import SKG, Minter
from scholarkg.lifecycle import pause
from scholarkg.load.manifest import store_state_dir
from scholarkg.query_results import run_select
from scholarkg.sqlite_in import execute_in, open_state_db, select_in
from scholarkg.store.base import GraphStore
from scholarkg.store.endpoint_failures import answered_status, unanswered
from scholarkg.store.sparql_text import iri_ref

WHAT = "record versions"
TRIES = 3  # times the store is asked for a chunk's versions when it fails for a moment
RETRY_PAUSE = 1.0  # seconds before the second try, twice that before the third
# What a store answers while it is overloaded or restarting: worth asking again
_PASSING = frozenset({429, 500, 502, 503, 504})
_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    arxiv_id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
"""


def versions_path(config: Config) -> Path:
    return store_state_dir(config) / "scholarkg-versions.sqlite"


Asked = Callable[[Sequence[str]], dict[str, int]]  # arXiv ids -> the versions a store holds


def versions_in_store(store: GraphStore, minter: Minter, ids: Sequence[str]) -> dict[str, int]:
    """The latest version number the store's graph of each of ``ids`` holds (those it holds
    one of), in one query: a ``VALUES`` over their graphs. An id whose graph IRI SPARQL cannot
    write (which the emitter quarantines) is not asked about: no store holds it."""
    graphs: dict[str, str] = {}
    for arxiv_id in ids:
        iri = str(minter.arxiv_graph(arxiv_id))
        try:
            ref = iri_ref(iri)
        except LoadError:
            continue
        if ref.isprintable():
            graphs[iri] = arxiv_id
    if not graphs:
        return {}
    values = " ".join(f"<{iri}>" for iri in graphs)
    query = (
        f"SELECT ?g (MAX(?n) AS ?v) WHERE {{ VALUES ?g {{ {values} }} "
        f"GRAPH ?g {{ ?version <{SKG.versionNumber}> ?n }} }} GROUP BY ?g"
    )
    held: dict[str, int] = {}
    for graph, version in run_select(store, query).rows:
        if graph in graphs and version is not None and version.isdigit():
            held[graphs[graph]] = int(version)
    return held


def holds_versions(store: GraphStore) -> bool:
    """Whether any graph of ``store`` holds a record's version number (one query, ended at
    the first)."""
    query = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?version <{SKG.versionNumber}> ?n }} }} LIMIT 1"
    return bool(run_select(store, query).rows)


def table_is_all(config: Config, store: GraphStore) -> bool:
    """Whether the run's table knows every version ``store`` holds now and will hold while the
    run writes it, so the store need not be asked: a file sink's (read whole for a query; its
    table, kept in its folder, is all), or an embedded store's that holds no record's version
    yet (one process at a time opens it to write, this run, which keeps each version it loads
    before loading it). A store made before the table, or a SPARQL server other data
    directories write, is asked."""
    kind = config.store.kind
    return kind == "files" or (kind == "oxigraph" and not holds_versions(store))


class StoreVersions:
    """The latest version loaded of each record of one store (one writer at a time), and, with
    ``asked``, the versions the store itself holds (see the module's text)."""

    def __init__(self, path: Path, asked: Asked | None = None) -> None:
        self.path = Path(path)
        self.db = open_state_db(self.path, _SCHEMA, WHAT)
        self.asked = asked
        self.queries = 0  # the store asked (one query a chunk)

    def close(self) -> None:
        self.db.close()

    def of(self, ids: Sequence[str]) -> dict[str, int]:
        """The latest version the store holds of those of ``ids`` it holds a version of."""
        query = "SELECT arxiv_id, version FROM versions WHERE arxiv_id IN (?)"
        return {str(i): int(v) for i, v in select_in(self.db, query, ids)}

    def forget(self, ids: Sequence[str]) -> None:
        """The store no longer holds these records (deleted by their source): any version of
        them may load again."""
        with self.db:
            execute_in(self.db, "DELETE FROM versions WHERE arxiv_id IN (?)", list(ids))

    def keep(self, loaded: Iterable[tuple[str, int]]) -> None:
        """Remember these ``(arXiv id, latest version)`` as loaded; a higher one kept stays."""
        with self.db:
            self.db.executemany(
                "INSERT INTO versions VALUES (?, ?) ON CONFLICT (arxiv_id)"
                " DO UPDATE SET version = MAX(version, excluded.version)",
                list(loaded),
            )

    def older(self, latest: Mapping[str, int | None]) -> dict[str, tuple[int, int]]:
        """Of records ``{arXiv id: latest version read}``, those older than the store's:
        ``{arXiv id: (version read, version held)}``."""
        numbered = {i: v for i, v in latest.items() if v is not None}
        held = self.of(list(numbered)) if numbered else {}
        # the table holds these back already; of the rest, the store may hold newer versions
        rest = [i for i, v in numbered.items() if v >= held.get(i, 0)]
        if rest and self.asked is not None:
            self.queries += 1
            stored = self._ask(self.asked, rest)
            newer = [(i, v) for i, v in stored.items() if v > held.get(i, 0)]
            if newer:
                self.keep(newer)
                held.update(newer)
        return {i: (numbered[i], v) for i, v in held.items() if numbered[i] < v}

    def _ask(self, asked: Asked, ids: Sequence[str]) -> dict[str, int]:
        """``asked(ids)``, asked again (up to :data:`TRIES` times, a pause between, which a
        stop request ends) while the store fails for want of an answer or with a status that
        passes (:data:`_PASSING`); then, or at once for a refusal, one :class:`QueryError`
        saying what the look-up is for. Going on without it could roll records back."""
        for attempt in range(1, TRIES + 1):
            try:
                return asked(ids)
            except QueryError as exc:
                passing = unanswered(exc) or answered_status(exc) in _PASSING
                if attempt < TRIES and passing:
                    pause(RETRY_PAUSE * 2 ** (attempt - 1))
                    continue
                times = f"{attempt} time{'s' if attempt > 1 else ''}"
                raise QueryError(
                    f"{WHAT}: the store did not say which versions it holds (asked {times}; "
                    f"a record older than the store's would replace it): {exc}"
                ) from exc
        raise AssertionError("unreachable")


def held_back_note(count: int, shown: str) -> str:
    """The report's note on ``count`` records held back (``shown``: some of them, as
    ``id (vN < vM)``)."""
    return (
        f"{count} records held back: older than the store's (the store keeps the newer "
        f"version it holds): {shown}"
    )


def describe(held: Mapping[str, tuple[int, int]]) -> Iterable[str]:
    return (f"{i} (v{read} < v{kept})" for i, (read, kept) in held.items())
