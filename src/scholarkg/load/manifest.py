"""What a store holds, as the loaders wrote it: graph digests and finished input chunks.

SQLite, kept with the store (inside an embedded store's or a file sink's directory, under the
state directory for a SPARQL server), so a new store starts with an empty manifest. Two levels:

* ``graphs``: graph IRI → digest of the triples loaded for it and how many quads it holds with
  its provenance. A graph whose new digest equals the manifest's is unchanged only if the store
  still holds it with that many quads (:meth:`Manifest.unchanged` asks the store), so a graph
  dropped or rewritten behind the manifest's back is loaded again.
* ``chunks``: digest of an input chunk (bytes + configuration fingerprint) → its counts, so a
  re-run skips chunks it finished, once their graphs are verified in the store.
* ``contents`` (:mod:`scholarkg.load.contents`): each graph's N-Quads and statistics, for
  publishing without reading the store back.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scholarkg.config import Config
from scholarkg.errors import ConfigError
from scholarkg.iris import Minter
from scholarkg.load.contents import Contents
from scholarkg.sqlite_in import connect_state, execute_in, select_in

FILE_NAME = "scholarkg-manifest.sqlite"
SCHEMA = "3"

LOSS_SAMPLE = 64  # graphs asked for when checking that the store still holds the manifest's
GraphSizes = Callable[[Sequence[str]], dict[str, int]]


@dataclass(frozen=True)
class ChunkCounts:
    """What a finished chunk contributed (reported again when it is skipped)."""

    records: int
    loaded: int
    triples: int
    warnings: int
    infos: int
    rejected: int
    quarantined: int
    findings: str = ""  # the chunk's SHACL findings as reported (JSON; "": older versions)


def store_key(kind: str, location: str) -> str:
    """A short name for a store, for state kept outside it."""
    return hashlib.blake2b(f"{kind}|{location}".encode(), digest_size=8).hexdigest()


def store_state_dir(config: Config) -> Path:
    """Where state that belongs to the store lives (manifest, title index): inside an embedded
    store's or a file sink's own directory, so a new store starts afresh; under the state
    directory for a SPARQL server."""
    store = config.store
    if store.kind in ("oxigraph", "files"):
        return Path(store.path)
    location = store.query_url or ""
    return config.state_dir / "stores" / store_key(store.kind, location)


def is_configured_store(config: Config) -> bool:
    """Whether ``config`` loads into the store its configuration gives (its file, the
    environment, ``--set``), not one given by ``--store`` /
    :meth:`~scholarkg.config.Config.with_store_path` (before: the file was read again without
    the command's ``--set``, so ``--set store.path=…`` counted as ``--store``)."""
    return same_dir(store_state_dir(config.as_configured()), store_state_dir(config))


def same_dir(a: Path, b: Path) -> bool:
    return Path(a).resolve() == Path(b).resolve()


def adopt_legacy_state(
    config: Config, name: str, what: str, suffixes: Sequence[str] = ()
) -> str | None:
    """Move the file ``name`` that older versions kept in the data directory's state folder (one
    for every store) into the configured store's folder, when that store has none yet; files
    named ``name + suffix`` (e.g. SQLite's ``-wal``) go with it. Returns the notice (None:
    nothing moved). Only the configured store adopts: a store given by ``--store`` starts afresh."""
    old, new = config.state_dir / name, store_state_dir(config) / name
    if not old.is_file() or new.exists() or same_dir(old.parent, new.parent):
        return None
    if not is_configured_store(config):
        return None
    new.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", *suffixes):
        try:  # a rename within one file system; a concurrent run may have moved it first
            shutil.move(old.with_name(name + suffix), new.with_name(name + suffix))
        except FileNotFoundError:
            if suffix == "":
                return None
    return (
        f"{what} adopted from {old} (kept there by an older scholarkg for every store) "
        f"for the configured store: now in {new}"
    )


GRAPHS_FINGERPRINT = "graphs"


def open_manifest(config: Config) -> Manifest:
    """A new connection to the store's manifest (one per thread). A store holds the graphs of
    one IRI base: another ``[iris] base`` is a :class:`ConfigError` (its graphs would sit beside
    the old ones, every paper twice)."""
    manifest = Manifest(store_state_dir(config), GRAPHS_FINGERPRINT)
    base = Minter(config.iri_base).base
    held = manifest.iri_base(base)
    if held != base:
        manifest.close()
        raise ConfigError(
            f"{manifest.path.parent}: the store holds graphs minted under [iris] base {held!r},"
            f" the configuration says {base!r}: load into a new store (--store) or delete it"
        )
    return manifest


class Manifest:
    """The manifest of one store (one writer: the loading process)."""

    def __init__(self, directory: Path, fingerprint: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = Path(directory) / FILE_NAME
        self.db = connect_state(self.path, "store's manifest", timeout=30.0)
        self.db.executescript(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        )
        if self._meta("schema") != SCHEMA:  # an older layout: start afresh (it is only a cache)
            self.db.executescript(
                "DROP TABLE IF EXISTS graphs; DROP TABLE IF EXISTS chunks;"
                "DROP TABLE IF EXISTS contents; DROP TABLE IF EXISTS typed;"
                "DROP TABLE IF EXISTS totals;"
            )
            self._set_meta("schema", SCHEMA)
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS graphs (
                iri TEXT PRIMARY KEY, digest TEXT NOT NULL, quads INT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS chunks (
                key BLOB PRIMARY KEY, records INT, loaded INT, triples INT, warnings INT,
                infos INT, rejected INT, quarantined INT, graphs TEXT, findings TEXT)
                WITHOUT ROWID;
            """
        )
        columns = {str(row[1]) for row in self.db.execute("PRAGMA table_info(chunks)")}
        if "findings" not in columns:  # a manifest of an older version: its chunks keep none
            self.db.execute("ALTER TABLE chunks ADD COLUMN findings TEXT")
        self.contents = Contents(self.db)
        if self._meta("store_id") is None:  # a new store (or one an older version made)
            self._set_meta("store_id", secrets.token_hex(8))
        if self._meta("fingerprint") != fingerprint:  # another configuration: redo every chunk
            self.db.execute("DELETE FROM chunks")
            self._set_meta("fingerprint", fingerprint)
        self.db.commit()

    @property
    def store_id(self) -> str:
        """A random id given to the store when its manifest is created: a store deleted and
        made again, or another store, has another id (what the identity registry published
        its person graphs into is told apart by it)."""
        found = self._meta("store_id")
        assert found is not None  # given when the manifest is opened
        return found

    def lost_by(self, sizes: GraphSizes) -> bool:
        """Whether the store has lost what this manifest says it holds (a SPARQL server made
        afresh, a store cleared outside scholarkg): of up to ``LOSS_SAMPLE`` graphs picked at
        random from the manifest, the store holds none."""
        sample = [
            str(iri)
            for (iri,) in self.db.execute(
                "SELECT iri FROM graphs ORDER BY random() LIMIT ?", (LOSS_SAMPLE,)
            )
        ]
        return bool(sample) and not any(sizes(sample).values())

    def start_afresh(self) -> None:
        """Forget every graph and chunk (the store holds none of them) and take a new store id,
        so the identity registry writes every person's graph again. The contents rows are left
        to publishing, which brings them in line with the store."""
        self.db.execute("DELETE FROM graphs")
        self.db.execute("DELETE FROM chunks")
        self._set_meta("store_id", secrets.token_hex(8))
        self.db.commit()

    def iri_base(self, offered: str) -> str:
        """The IRI base of the store's graphs; a store without one (new, or made by an older
        version) takes ``offered``."""
        found = self._meta("iri_base")
        if found is None:
            found = offered
            self._set_meta("iri_base", found)
            self.db.commit()
        return found

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def known(self, iris: Sequence[str]) -> dict[str, tuple[str, int]]:
        """(digest, quads) of these graphs, where the manifest knows them."""
        query = "SELECT iri, digest, quads FROM graphs WHERE iri IN (?)"
        return {i: (d, int(q)) for i, d, q in select_in(self.db, query, iris)}

    def unchanged(self, digests: dict[str, str], sizes: GraphSizes) -> set[str]:
        """The graphs whose digest is the manifest's and which the store holds as written."""
        known = self.known(list(digests))
        same = [iri for iri, digest in digests.items() if known.get(iri, ("", 0))[0] == digest]
        if not same:
            return set()
        held = sizes(same)
        return {iri for iri in same if held.get(iri) == known[iri][1]}

    def held(self, graphs: Sequence[tuple[str, str]], sizes: GraphSizes) -> bool:
        """Whether the store holds every one of these (graph, digest) pairs as loaded: the
        manifest still has that digest for each graph (no later load changed it) and the store
        holds each graph with the quads the manifest recorded."""
        known = self.known([iri for iri, _ in graphs])
        if any(known.get(iri, ("", 0))[0] != digest for iri, digest in graphs):
            return False
        held = sizes(list(known))
        return all(held.get(iri) == quads for iri, (_, quads) in known.items())

    def held_under(self, prefix: str) -> tuple[int, str | None]:
        """How many recorded graphs' IRIs start with ``prefix``, and the first of them."""
        row = self.db.execute(
            "SELECT COUNT(*), MIN(iri) FROM graphs WHERE iri >= ? AND iri < ?",
            (prefix, prefix + "\U0010ffff"),
        ).fetchone()
        return int(row[0]), None if row[1] is None else str(row[1])

    def note_graphs(self, graphs: Sequence[tuple[str, str, int]]) -> None:
        """Record loaded graphs as (IRI, digest, quads) (kept on :meth:`commit`)."""
        self.db.executemany("INSERT OR REPLACE INTO graphs VALUES (?, ?, ?)", graphs)

    def forget_graphs(self, iris: Sequence[str]) -> None:
        """Graphs dropped from the store (with their SHACL report graphs), in a few statements
        for all of them (before: a delete and two drops of contents a graph)."""
        execute_in(self.db, "DELETE FROM graphs WHERE iri IN (?)", list(dict.fromkeys(iris)))
        self.contents.drop_many([*iris, *(f"{iri}/shacl-report" for iri in iris)])

    def chunk(self, key: bytes) -> tuple[ChunkCounts, list[tuple[str, str]]] | None:
        """A finished chunk's counts and its (graph, digest) pairs."""
        row = self.db.execute(
            "SELECT records, loaded, triples, warnings, infos, rejected, quarantined, graphs,"
            " findings FROM chunks WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        pairs = [line.split(" ", 1) for line in str(row[7]).split("\n") if line]
        records, loaded, triples, warnings, infos, rejected, quarantined = map(int, row[:7])
        counts = ChunkCounts(
            records, loaded, triples, warnings, infos, rejected, quarantined, str(row[8] or "")
        )
        return counts, [(iri, digest) for iri, digest in pairs]

    def note_chunk(
        self, key: bytes, counts: ChunkCounts, graphs: Sequence[tuple[str, str]]
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO chunks (key, records, loaded, triples, warnings, infos,"
            " rejected, quarantined, graphs, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                counts.records,
                counts.loaded,
                counts.triples,
                counts.warnings,
                counts.infos,
                counts.rejected,
                counts.quarantined,
                "\n".join(f"{iri} {digest}" for iri, digest in graphs),
                counts.findings,
            ),
        )

    def forget_chunks(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM chunks")

    def commit(self) -> None:
        """Keep what was noted (call once the noted graphs are in the store)."""
        self.db.commit()

    def close(self) -> None:
        """Close; anything noted since the last :meth:`commit` is dropped."""
        self.db.rollback()
        self.db.close()
