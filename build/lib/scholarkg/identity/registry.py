"""The identity registry: persisted decisions about who is who (SQLite, one writer).

It maps every authorship node (``…/paper/…/authorship/<n>``) to a person, keeps the rule and
evidence of that decision, the names each source wrote, the authors of every paper (the
evidence the co-author rule reads), the profiles and their snapshots, organisations' preferred
labels, and which persons need their graph written again (``dirty``). A person IRI, once
published, never moves: a merge keeps the older person and marks the other ``merged_into`` it.

Nothing here decides anything: :mod:`scholarkg.identity.resolver` does.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCHEMA_VERSION = "3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, block TEXT NOT NULL, name TEXT NOT NULL,
    founded TEXT NOT NULL, merged_into INTEGER, split_from INTEGER, profile TEXT,
    label TEXT, published INTEGER NOT NULL DEFAULT 0, dirty INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS persons_block ON persons (block) WHERE merged_into IS NULL;
CREATE INDEX IF NOT EXISTS persons_dirty ON persons (dirty) WHERE dirty = 1;
CREATE INDEX IF NOT EXISTS persons_merged ON persons (merged_into);
CREATE TABLE IF NOT EXISTS mentions (
    node TEXT PRIMARY KEY, paper TEXT NOT NULL, position INTEGER, person INTEGER NOT NULL,
    name TEXT NOT NULL, rule TEXT NOT NULL, score REAL, basis TEXT, evidence TEXT,
    pinned INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mentions_person ON mentions (person);
CREATE INDEX IF NOT EXISTS mentions_paper ON mentions (paper);
CREATE TABLE IF NOT EXISTS mention_names (
    node TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (node, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paper_authors (
    paper TEXT NOT NULL, block TEXT NOT NULL, node TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (paper, node)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS coauthor_pairs (
    pair INTEGER NOT NULL, node TEXT NOT NULL, paper TEXT NOT NULL, co_name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS coauthor_pairs_pair ON coauthor_pairs (pair);
CREATE INDEX IF NOT EXISTS coauthor_pairs_paper ON coauthor_pairs (paper);
CREATE TABLE IF NOT EXISTS paper_keys (
    key TEXT NOT NULL, paper TEXT NOT NULL, PRIMARY KEY (key, paper)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profiles (
    slug TEXT PRIMARY KEY, name TEXT NOT NULL, location TEXT NOT NULL, person INTEGER)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profile_sources (
    key TEXT PRIMARY KEY, slug TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    iri TEXT PRIMARY KEY, profile TEXT NOT NULL, metrics TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS organizations (
    key TEXT PRIMARY KEY, preferred TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS organization_labels (
    key TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (key, label)) WITHOUT ROWID;
"""


MAX_EVIDENCE_AUTHORS = 100
"""Papers with more person authors give no co-author evidence: on a collaboration paper
everyone "shares" thousands of co-authors, and its pairs would grow with the square."""


def pair_key(block: str, co_block: str) -> int:
    """A signed 64-bit key of (name block, co-author's block) for the pair index. A collision
    only adds hits whose names then fail :func:`~scholarkg.identity.names.compatible`."""
    return (_crc(block) << 32 | _crc(co_block)) - (1 << 63)


@lru_cache(maxsize=100_000)
def _crc(text: str) -> int:
    return zlib.crc32(text.encode())


def short_hash(text: str) -> str:
    """Eight hex digits of BLAKE2b: stable, short, enough to tell namesakes apart."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=4).hexdigest()


@dataclass(frozen=True)
class Person:
    """A live or retired person row."""

    id: int
    slug: str
    block: str
    name: str
    founded: str
    merged_into: int | None
    profile: str | None
    label: str | None
    published: bool


@dataclass(frozen=True)
class PersonRecord:
    """What one person's graph is made of."""

    person: Person
    names: list[str]
    mentions: list[Mention]
    snapshots: list[tuple[str, str]]
    retired: list[Person]
    origin: Person | None


@dataclass(frozen=True)
class Mention:
    """One authorship node's decision: its person, and why."""

    node: str
    paper: str
    position: int | None
    person: int
    name: str
    rule: str
    score: float | None = None
    basis: str | None = None
    evidence: str | None = None
    pinned: bool = False


_PERSON_COLUMNS = "id, slug, block, name, founded, merged_into, profile, label, published"
_MENTION_COLUMNS = "node, paper, position, person, name, rule, score, basis, evidence, pinned"


def _person(row: Sequence[object]) -> Person:
    pid, slug, blk, name, founded, merged, profile, label, published = row
    return Person(
        int(pid),  # type: ignore[call-overload]
        str(slug),
        str(blk),
        str(name),
        str(founded),
        None if merged is None else int(merged),  # type: ignore[call-overload]
        None if profile is None else str(profile),
        None if label is None else str(label),
        bool(published),
    )


def _mention(row: Sequence[object]) -> Mention:
    node, paper, position, person, name, rule, score, basis, evidence, pinned = row
    return Mention(
        str(node),
        str(paper),
        None if position is None else int(position),  # type: ignore[call-overload]
        int(person),  # type: ignore[call-overload]
        str(name),
        str(rule),
        None if score is None else float(score),  # type: ignore[arg-type]
        None if basis is None else str(basis),
        None if evidence is None else str(evidence),
        bool(pinned),
    )


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Registry:
    """The SQLite identity registry. One transaction is open until :meth:`commit`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level="DEFERRED")
        self.db.executescript(  # a bounded 64 MiB page cache: memory stays flat as it grows
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;"
        )
        self.db.executescript(_SCHEMA)
        self._marked: set[int] = set()  # marked dirty in this process (no need to mark again)
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        self.db.commit()

    # -- transactions -------------------------------------------------------------------------

    def commit(self) -> None:
        self.db.commit()

    def rollback(self) -> None:
        self.db.rollback()

    def close(self) -> None:
        self.db.rollback()
        self.db.close()

    # -- persons ------------------------------------------------------------------------------

    def new_person(
        self,
        slug: str,
        block: str,
        name: str,
        founded: str,
        *,
        profile: str | None = None,
        label: str | None = None,
        split_from: int | None = None,
    ) -> int:
        """Register a person; the slug is made unique if another person holds it."""
        candidate, n = slug, 1
        while True:
            try:
                cursor = self.db.execute(
                    "INSERT INTO persons (slug, block, name, founded, profile, label, split_from)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (candidate, block, name, founded, profile, label, split_from),
                )
                break
            except sqlite3.IntegrityError:
                n += 1
                candidate = f"{slug}-{n}"
        assert cursor.lastrowid is not None
        pid = int(cursor.lastrowid)
        self._marked.add(pid)  # new persons are dirty
        return pid

    def person(self, pid: int) -> Person:
        row = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons WHERE id = ?",  # noqa: S608
            (pid,),
        ).fetchone()
        if row is None:
            raise KeyError(pid)
        return _person(row)

    def live(self, pid: int) -> int:
        """Follow ``merged_into`` to the surviving person."""
        seen = {pid}
        while True:
            row = self.db.execute("SELECT merged_into FROM persons WHERE id = ?", (pid,)).fetchone()
            if row is None or row[0] is None:
                return pid
            pid = int(row[0])
            if pid in seen:  # a cycle cannot be written by merge(); stop rather than loop
                return pid
            seen.add(pid)

    def by_slug(self, slug: str) -> Person | None:
        row = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons WHERE slug = ?",  # noqa: S608
            (slug,),
        ).fetchone()
        return None if row is None else _person(row)

    def by_label(self, label: str) -> Person | None:
        row = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons WHERE label = ? AND merged_into IS NULL",  # noqa: S608
            (label,),
        ).fetchone()
        return None if row is None else _person(row)

    def in_block(self, block: str) -> list[Person]:
        """Live persons of a block."""
        rows = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons INDEXED BY persons_block"  # noqa: S608
            " WHERE block = ? AND merged_into IS NULL ORDER BY id",
            (block,),
        )
        return [_person(r) for r in rows]

    def retire(self, drop: int, keep: int) -> None:
        """``drop`` is now ``keep``: its mentions move, it stays as a retired IRI."""
        self.db.execute("UPDATE persons SET merged_into = ?, dirty = 1 WHERE id = ?", (keep, drop))
        self.db.execute("UPDATE persons SET merged_into = ? WHERE merged_into = ?", (keep, drop))
        self.db.execute("UPDATE mentions SET person = ? WHERE person = ?", (keep, drop))
        self._marked.add(drop)
        self._marked.discard(keep)
        self.mark_dirty(keep)
        row = self.db.execute("SELECT profile, label FROM persons WHERE id = ?", (drop,)).fetchone()
        if row is not None and row[0] is not None:
            self.db.execute(
                "UPDATE persons SET profile = COALESCE(profile, ?) WHERE id = ?", (row[0], keep)
            )

    def person_records(self, pids: Sequence[int]) -> Iterator[PersonRecord]:
        """Everything a person's graph says, for many persons at once (few queries)."""
        profiles: dict[int, list[str]] = {}
        for slug, person in self.db.execute(
            "SELECT slug, person FROM profiles WHERE person IS NOT NULL"
        ):
            profiles.setdefault(self.live(int(person)), []).append(str(slug))
        for start in range(0, len(pids), 500):
            part = list(pids[start : start + 500])
            marks = ",".join("?" * len(part))
            persons = {
                p.id: p
                for p in map(
                    _person,
                    self.db.execute(
                        f"SELECT {_PERSON_COLUMNS} FROM persons WHERE id IN ({marks})",  # noqa: S608
                        part,
                    ),
                )
            }
            mentions: dict[int, list[Mention]] = {}
            for row in self.db.execute(
                f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE person IN ({marks})"  # noqa: S608
                " ORDER BY paper, node",
                part,
            ):
                mention = _mention(row)
                mentions.setdefault(mention.person, []).append(mention)
            spellings: dict[int, list[str]] = {}
            for person, name in self.db.execute(
                "SELECT m.person, n.name FROM mentions m JOIN mention_names n ON n.node = m.node"  # noqa: S608
                f" WHERE m.person IN ({marks}) ORDER BY m.paper, m.node",
                part,
            ):
                spellings.setdefault(int(person), []).append(str(name))
            retired: dict[int, list[Person]] = {}
            for row in self.db.execute(
                f"SELECT {_PERSON_COLUMNS} FROM persons WHERE merged_into IN ({marks})"  # noqa: S608
                " AND published = 1 ORDER BY id",
                part,
            ):
                person = _person(row)
                assert person.merged_into is not None
                retired.setdefault(person.merged_into, []).append(person)
            for pid in part:
                person = persons[pid]
                yield PersonRecord(
                    person,
                    list(dict.fromkeys(spellings.get(pid, []))),
                    mentions.get(pid, []),
                    self.snapshots_of(profiles.get(pid, [])),
                    retired.get(pid, []),
                    self.split_origin(pid),
                )

    def split_origin(self, pid: int) -> Person | None:
        """The published person a ``[people.split]`` took this person's authorships from."""
        row = self.db.execute("SELECT split_from FROM persons WHERE id = ?", (pid,)).fetchone()
        if row is None or row[0] is None:
            return None
        origin = self.person(int(row[0]))
        return origin if origin.published else None

    def retired_into(self, pid: int) -> list[Person]:
        """Published persons merged into ``pid`` (their IRIs stay resolvable through it)."""
        rows = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons"  # noqa: S608
            " WHERE merged_into = ? AND published = 1 ORDER BY id",
            (pid,),
        )
        return [_person(r) for r in rows]

    def share_a_paper(self, a: int, b: int) -> str | None:
        """A paper on which the two persons hold two *different positions* (then they cannot be
        one person). Authorships without a position (a profile's researcher beyond "et al.")
        are claims, not positions, and never conflict."""
        row = self.db.execute(
            "SELECT x.paper FROM mentions x JOIN mentions y ON x.paper = y.paper"
            " WHERE x.person = ? AND y.person = ? AND x.position IS NOT NULL"
            " AND y.position IS NOT NULL AND x.position != y.position LIMIT 1",
            (a, b),
        ).fetchone()
        return None if row is None else str(row[0])

    def set_name(self, pid: int, name: str) -> None:
        """The person's fullest spelling so far (compared with new names)."""
        self.db.execute("UPDATE persons SET name = ? WHERE id = ?", (name, pid))
        self.mark_dirty(pid)

    def mark_dirty(self, pid: int) -> None:
        if pid in self._marked:
            return
        self.db.execute("UPDATE persons SET dirty = 1 WHERE id = ?", (pid,))
        self._marked.add(pid)

    def dirty(self) -> list[Person]:
        rows = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons WHERE dirty = 1 ORDER BY id"  # noqa: S608
        )
        return [_person(r) for r in rows]

    def written(self, pids: Iterable[int]) -> None:
        """These persons' graphs are in the store now."""
        done = list(pids)
        self.db.executemany(
            "UPDATE persons SET dirty = 0, published = 1 WHERE id = ?", ((p,) for p in done)
        )
        self._marked.difference_update(done)

    def settled(self, pids: Iterable[int]) -> None:
        """Nothing to write for these (retired) persons any more."""
        done = list(pids)
        self.db.executemany("UPDATE persons SET dirty = 0 WHERE id = ?", ((p,) for p in done))
        self._marked.difference_update(done)

    # -- mentions -----------------------------------------------------------------------------

    def mentions(self, nodes: Sequence[str]) -> dict[str, Mention]:
        found: dict[str, Mention] = {}
        for part in _chunks(list(nodes)):
            marks = ",".join("?" * len(part))
            query = f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE node IN ({marks})"  # noqa: S608
            for row in self.db.execute(query, list(part)):
                mention = _mention(row)
                found[mention.node] = mention
        return found

    def mentions_of(self, pid: int) -> list[Mention]:
        rows = self.db.execute(
            f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE person = ? ORDER BY paper, node",  # noqa: S608
            (pid,),
        )
        return [_mention(r) for r in rows]

    def mentions_on(self, paper: str) -> list[Mention]:
        rows = self.db.execute(
            f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE paper = ? ORDER BY node",  # noqa: S608
            (paper,),
        )
        return [_mention(r) for r in rows]

    def assign(self, mention: Mention, previous: int | None = -1) -> None:
        """Write (or overwrite) one authorship node's decision; its person needs writing.
        ``previous``: the node's person before, when the caller knows it (-1: look it up)."""
        if previous == -1:
            row = self.db.execute(
                "SELECT person FROM mentions WHERE node = ?", (mention.node,)
            ).fetchone()
            previous = None if row is None else int(row[0])
        self.db.execute(
            f"INSERT OR REPLACE INTO mentions ({_MENTION_COLUMNS})"  # noqa: S608
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                mention.node,
                mention.paper,
                mention.position,
                mention.person,
                mention.name,
                mention.rule,
                mention.score,
                mention.basis,
                mention.evidence,
                int(mention.pinned),
            ),
        )
        self.mark_dirty(mention.person)
        if previous is not None and previous != mention.person:
            self.mark_dirty(previous)

    def add_paper_keys(self, paper: str, keys: Iterable[str]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO paper_keys VALUES (?, ?)", ((k, paper) for k in keys)
        )

    def papers_for(self, key: str) -> list[str]:
        rows = self.db.execute("SELECT paper FROM paper_keys WHERE key = ? ORDER BY paper", (key,))
        return [str(r[0]) for r in rows]

    def names_at(self, node: str) -> list[str]:
        rows = self.db.execute("SELECT name FROM mention_names WHERE node = ?", (node,))
        return [str(r[0]) for r in rows]

    def add_names(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Keep the spelling of each (node, name)."""
        self.db.executemany("INSERT OR IGNORE INTO mention_names VALUES (?, ?)", pairs)

    def names_of(self, pid: int) -> list[str]:
        """Every spelling of the person's authorships, in first-registered order."""
        rows = self.db.execute(
            "SELECT n.name FROM mentions m JOIN mention_names n ON n.node = m.node"
            " WHERE m.person = ? ORDER BY m.paper, m.node",
            (pid,),
        )
        return list(dict.fromkeys(str(r[0]) for r in rows))

    # -- paper authors (co-author evidence) ---------------------------------------------------

    def set_paper_authors(
        self, paper: str, authors: Sequence[tuple[str, str, str]], *, complete: bool
    ) -> None:
        """The person authors of ``paper`` as (block, node, name); a complete list replaces
        what was known, a partial one (a truncated listing) adds to it. The co-author pairs
        of the paper are indexed again (none for a paper of more than
        :data:`MAX_EVIDENCE_AUTHORS` authors)."""
        if complete:
            self.db.execute("DELETE FROM paper_authors WHERE paper = ?", (paper,))
        self.db.executemany(
            "INSERT OR REPLACE INTO paper_authors VALUES (?, ?, ?, ?)",
            ((paper, b, node, name) for b, node, name in authors),
        )
        if not complete:
            rows = self.db.execute(
                "SELECT block, node, name FROM paper_authors WHERE paper = ?", (paper,)
            )
            authors = [(str(b), str(node), str(name)) for b, node, name in rows]
        self.db.execute("DELETE FROM coauthor_pairs WHERE paper = ?", (paper,))
        if 1 < len(authors) <= MAX_EVIDENCE_AUTHORS:
            self.db.executemany(
                "INSERT INTO coauthor_pairs VALUES (?, ?, ?, ?)",
                (
                    (pair_key(block, co_block), node, paper, co_name)
                    for block, node, _ in authors
                    for co_block, co_node, co_name in authors
                    if co_node != node
                ),
            )

    def coauthor_hits(
        self, block: str, co_blocks: Sequence[str], paper: str
    ) -> list[tuple[int, str, str, str, str]]:
        """(person, their fullest name, other paper, co-author block, co-author name): an
        authorship listed in ``block`` on a paper other than ``paper`` beside a co-author in
        one of ``co_blocks``. Only persons with such a paper can be linked by co-authors, so
        this is also the candidate search."""
        keys = {pair_key(block, co_block): co_block for co_block in co_blocks}
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        query = (
            "SELECT c.pair, m.person, p.name, c.paper, c.co_name FROM coauthor_pairs c"  # noqa: S608
            " JOIN mentions m ON m.node = c.node JOIN persons p ON p.id = m.person"
            f" WHERE c.pair IN ({marks}) AND c.paper != ? ORDER BY m.person"
        )
        rows = self.db.execute(query, [*keys, paper])
        return [(int(p), str(pn), str(pp), keys[int(k)], str(n)) for k, p, pn, pp, n in rows]

    # -- profiles -----------------------------------------------------------------------------

    def profile_for(self, keys: Sequence[str]) -> str | None:
        """The profile slug registered under the first of ``keys`` that is known."""
        for key in keys:
            row = self.db.execute(
                "SELECT slug FROM profile_sources WHERE key = ?", (key,)
            ).fetchone()
            if row is not None:
                return str(row[0])
        return None

    def profile_name(self, slug: str) -> str | None:
        row = self.db.execute("SELECT name FROM profiles WHERE slug = ?", (slug,)).fetchone()
        return None if row is None else str(row[0])

    def add_profile(self, slug: str, name: str, location: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO profiles (slug, name, location) VALUES (?, ?, ?)",
            (slug, name, location),
        )

    def add_profile_source(self, key: str, slug: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO profile_sources VALUES (?, ?)", (key, slug))

    def set_profile_person(self, slug: str, pid: int) -> None:
        self.db.execute("UPDATE profiles SET person = ? WHERE slug = ?", (pid, slug))
        self.mark_dirty(pid)

    def profile_person(self, slug: str) -> int | None:
        """The live person a profile is about."""
        row = self.db.execute("SELECT person FROM profiles WHERE slug = ?", (slug,)).fetchone()
        return None if row is None or row[0] is None else self.live(int(row[0]))

    def profiles_of(self, pid: int) -> list[str]:
        """Slugs of the profiles whose researcher is ``pid``."""
        rows = self.db.execute("SELECT slug, person FROM profiles WHERE person IS NOT NULL")
        return sorted(str(slug) for slug, person in rows if self.live(int(person)) == pid)

    def add_snapshot(self, iri: str, profile: str, metrics: str) -> None:
        """A snapshot of a profile and its metric suffixes; a new one dirties the person."""
        row = self.db.execute("SELECT metrics FROM snapshots WHERE iri = ?", (iri,)).fetchone()
        if row is not None and str(row[0]) == metrics:
            return
        self.db.execute(
            "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)", (iri, profile, metrics)
        )
        if (pid := self.profile_person(profile)) is not None:
            self.mark_dirty(pid)

    def snapshots_of(self, profiles: Sequence[str]) -> list[tuple[str, str]]:
        """(snapshot IRI, metric suffixes joined by spaces) of these profiles."""
        out: list[tuple[str, str]] = []
        for slug in profiles:
            rows = self.db.execute(
                "SELECT iri, metrics FROM snapshots WHERE profile = ? ORDER BY iri", (slug,)
            )
            out += [(str(i), str(m)) for i, m in rows]
        return out

    # -- organisations ------------------------------------------------------------------------

    def organization_label(self, key: str, label: str) -> str:
        """Remember a spelling of an organisation; returns its preferred (first seen) label."""
        self.db.execute("INSERT OR IGNORE INTO organizations VALUES (?, ?)", (key, label))
        self.db.execute("INSERT OR IGNORE INTO organization_labels VALUES (?, ?)", (key, label))
        row = self.db.execute(
            "SELECT preferred FROM organizations WHERE key = ?", (key,)
        ).fetchone()
        return str(row[0])
