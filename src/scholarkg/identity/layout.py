"""The registry's file layout: its tables, the layout version a file was written in, and what
opening a file written by an older layout or older name rules does to it (a part of
:class:`~.registry.Registry`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from scholarkg.errors import LoadError, StateUnreadable
from scholarkg.identity import name_choice, names
from scholarkg.identity.honorifics import bare_name
from scholarkg.identity.invisible import has_invisible
from scholarkg.identity.rekeying import Rekeying
from scholarkg.identity.reviews_due import ReviewsDue

SCHEMA_VERSION = "4"
MIGRATED = ("3",)  # the older layouts this one is made from on opening
# meta 'variants': name variants are the person's part of a name written for a group
VARIANTS = "1"
# meta 'pairs': how the co-author pair index holds an authorship. 1 (no mark): under the block
# of its name; 2: under the block of each spelling of it (names.blocks); 3: the spellings of a
# particle written apart and of initials after the surname too ("Daniel O Brien" under obrien-d,
# "Dupont JP" under dupont-j); 4: a surname in capitals first, a fifth V and the full names a
# short given name stands for ("LI Wei" under li-w, "Henry Ford V" under ford-h, "Bill Smith"
# under smith-w); 5: particles of more than one letter written apart joined to the surname
# ("Yann Le Cun" under lecun-y, "Laurens van der Maaten" under vandermaaten-l) and the first
# of two Spanish surnames alone ("José García López" under garcia-j) and the given name after
# leading initials ("S. M. Ali Eslami" under eslami-a); 6: an East Asian name of three words
# written surname first ("Kim Jong Un" under kim-j, "Zhang Xiao Ming" under zhang-x); 7: the
# Arabic article apart or hyphenated joined to the surname ("Ahmed El-Sayed" under elsayed-a).
# Raise it when the spellings a name has change, so that papers written before are indexed again.
PAIRS = "7"
# meta 'generations': 1 once the registry's decisions were made knowing that two generational
# suffixes (Jr., Sr.) are two people; a registry without it has the shared-coauthor decisions on
# a name with a suffix decided again, once (meta 'review-generations': :mod:`~.name_review`).
GENERATIONS = "1"
# meta 'shown': 1 once person graphs show the name name_choice.preferred chooses whatever the
# order the sources came in; a registry without it has the persons whose shown name was the
# first given of a tie written again, once. 2: of two short forms as full (Bill Smith, Will
# Smith), the first in code-point order, not the first seen (the name the person is compared by).
# 3: of names as full, one with fewer words in capitals (Ahmed El Sayed, not Ahmed EL-SAYED
# for its hyphen); persons with a spelling in capitals are written again. 4: no shown name or
# spelling holds a character no one sees (identity.invisible); persons whose name or a spelling
# holds one are written again. 5: nor any other default-ignorable or format character (a tag
# character, a variation selector: identity.invisible's one rule); persons whose name or a
# spelling holds one are written again.
SHOWN = "5"
# meta 'honorifics': 1 once persons a profile founded are named without the honorifics and
# degrees of the page's heading (Dr. John Smith founded John Smith, block smith-j); a registry
# without it names such persons and blocks them again, once (before: Dr. John Smith, smith-d).
HONORIFICS = "1"
# meta 'slugs_settled_below': the least person id whose slug a run may still settle (the persons
# of a run that failed before its person graphs were written; :mod:`~.slug_settling`). A
# registry without it settles only the persons founded in the process that opened it.
# the meta rows that hold a version (or an id) as a decimal number
_NUMBERED = frozenset(
    {"schema", "names", "variants", "letters", "pairs", "generations", "shown", "honorifics"}
    | {"slugs_settled_below", "review"}
)
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, block TEXT NOT NULL, name TEXT NOT NULL,
    founded TEXT NOT NULL, merged_into INTEGER, split_from INTEGER, profile TEXT,
    label TEXT, published INTEGER NOT NULL DEFAULT 0, dirty INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS persons_block ON persons (block) WHERE merged_into IS NULL;
CREATE INDEX IF NOT EXISTS persons_dirty ON persons (dirty) WHERE dirty = 1;
CREATE INDEX IF NOT EXISTS persons_merged ON persons (merged_into);
CREATE INDEX IF NOT EXISTS persons_founded ON persons (founded);
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
CREATE TABLE IF NOT EXISTS graph_nodes (
    graph TEXT NOT NULL, node TEXT NOT NULL, PRIMARY KEY (graph, node)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS graph_nodes_node ON graph_nodes (node);
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
CREATE TABLE IF NOT EXISTS merges (
    seq INTEGER PRIMARY KEY, drop_id INTEGER NOT NULL UNIQUE, keep_id INTEGER NOT NULL,
    node TEXT NOT NULL, nodes TEXT NOT NULL, absorbed TEXT NOT NULL, profile TEXT);
CREATE INDEX IF NOT EXISTS merges_node ON merges (node);
CREATE TABLE IF NOT EXISTS decided_chunks (key BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS organization_labels (
    key TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (key, label)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claims (
    node TEXT NOT NULL, graph TEXT NOT NULL, profile TEXT NOT NULL, PRIMARY KEY (node, graph))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claims_graph ON claims (graph);
CREATE TABLE IF NOT EXISTS run_lines (
    seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, line TEXT NOT NULL);
"""


class Layout(Rekeying, ReviewsDue):
    """Layout checks and migrations of :class:`~.registry.Registry`; re-keying after the name
    rules or the fold changed (:class:`~.rekeying.Rekeying`) and the decisions due for review
    (:class:`~.reviews_due.ReviewsDue`) are their parts."""

    db: sqlite3.Connection
    path: Path
    index_spelled_again: Callable[[], int]  # the evidence tables'
    _backfill_claims: Callable[[], int]  # the claim tables'
    live: Callable[[int], int]  # the registry's

    def _migrate(self, layout: str) -> None:
        """Bring a registry written in an older layout (:data:`MIGRATED`) to this one; its
        new tables are made by the schema. Layout 3 kept no ``claims``: those it shows are
        derived (:meth:`~.claims_table.ClaimTables._backfill_claims`)."""
        if layout == SCHEMA_VERSION:
            return
        self._backfill_claims()
        self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))

    def _mark_generations(self) -> None:
        """A registry whose decisions predate generational suffixes (``John Smith Jr.`` and
        ``John Smith Sr.`` were compatible, so a shared co-author joined them) has them
        reviewed by the next run. Once."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'generations'").fetchone()
        if row is not None and str(row[0]) == GENERATIONS:
            return
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('generations', ?)", (GENERATIONS,))
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('review-generations', '1')")

    def _mark_group_variants(self) -> None:
        """Mark for writing again the persons of a registry written before name variants were
        the person's part of a name written for a group (``G. Aad``, not ``ATLAS
        Collaboration: G. Aad``): their graphs in the store still hold the listing. Once."""
        if self.db.execute("SELECT 1 FROM meta WHERE key = 'variants'").fetchone():
            return
        rows = self.db.execute(
            "SELECT DISTINCT m.person, n.name FROM mentions m JOIN mention_names n"
            " ON n.node = m.node WHERE n.name LIKE '%:%' OR n.name LIKE '%for%'"
            " OR n.name LIKE '%behalf%'"
        )
        persons = {self.live(int(p)) for p, name in rows if names.person_part(name) != name}
        self.db.executemany(
            "UPDATE persons SET dirty = 1 WHERE id = ?", [(p,) for p in sorted(persons)]
        )
        self.db.execute("INSERT INTO meta VALUES ('variants', ?)", (VARIANTS,))

    def _mark_shown_names(self) -> None:
        """Mark for writing again the persons whose ``foaf:name`` was the first given of
        spellings as full as each other (:func:`~.name_choice.tied`: ``Lukasz Kaiser`` shown
        for ``Łukasz Kaiser`` when it came first), and those with a spelling in capitals
        (:func:`~.name_choice.capitals`: ``Ahmed EL-SAYED`` was shown for its hyphen); a fresh
        build shows one name whatever the order. Only persons with more than one spelling are
        read. Once."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'shown'").fetchone()
        if row is not None and str(row[0]) == SHOWN:
            return
        self._mark_invisible_names()
        if row is not None and str(row[0]) in ("3", "4"):  # ties and capitals shown as now
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('shown', ?)", (SHOWN,))
            return
        spellings: dict[int, set[str]] = {}
        for person, name, spelling in self.db.execute(
            "SELECT p.id, p.name, n.name FROM persons p JOIN mentions m ON m.person = p.id"
            " JOIN mention_names n ON n.node = m.node WHERE p.merged_into IS NULL AND p.id IN"
            " (SELECT m2.person FROM mentions m2 JOIN mention_names n2 ON n2.node = m2.node"
            " GROUP BY m2.person HAVING COUNT(DISTINCT n2.name) > 1)"
        ):
            spellings.setdefault(int(person), {str(name)}).add(str(spelling))
        dirty = [
            (p,)
            for p, written in sorted(spellings.items())
            if name_choice.tied([*written]) or any(map(name_choice.capitals, written))
        ]
        self.db.executemany("UPDATE persons SET dirty = 1 WHERE id = ?", dirty)
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('shown', ?)", (SHOWN,))

    def _mark_invisible_names(self) -> None:
        """Mark for writing again the live persons whose name or a spelling of it holds a
        character no one sees (:func:`~.invisible.has_invisible`): their graphs were written
        showing it (``Rob\u200bert Dadashi``, a name in a bidi override)."""
        found = self.db.execute(
            "SELECT p.id, p.name FROM persons p WHERE p.merged_into IS NULL UNION ALL"
            " SELECT m.person, n.name FROM mentions m JOIN mention_names n ON n.node = m.node"
            " JOIN persons p ON p.id = m.person WHERE p.merged_into IS NULL"
        )
        dirty = sorted({int(p) for p, name in found if has_invisible(str(name))})
        self.db.executemany("UPDATE persons SET dirty = 1 WHERE id = ?", [(p,) for p in dirty])

    def _bare_profile_names(self) -> None:
        """Name and block again, without honorifics and degrees, the live persons a profile
        founded under its heading as written (``Dr. John Smith``): they are compared with
        the names papers list (``John Smith``) as a fresh build compares them. Once."""
        if self.db.execute("SELECT 1 FROM meta WHERE key = 'honorifics'").fetchone():
            return
        found = self.db.execute(
            "SELECT id, name FROM persons WHERE profile IS NOT NULL AND merged_into IS NULL"
        ).fetchall()
        bare = [(names.listed_name(bare_name(n)), int(p)) for p, n in found if bare_name(n) != n]
        self.db.executemany(
            "UPDATE persons SET name = ?, block = ?, dirty = 1 WHERE id = ?",
            ((name, names.block(name), pid) for name, pid in bare),
        )
        self.db.execute("INSERT INTO meta VALUES ('honorifics', ?)", (HONORIFICS,))

    def _spell_pairs(self) -> None:
        """Index again the co-author pairs of a registry written before the index held an
        authorship under the block of each spelling of its name (:data:`PAIRS`): an old paper
        by ``Hans Müller`` beside a co-author is then found when a new one lists ``Hans
        Mueller`` beside them (before, a second person). Only the papers with a name that has
        another block are written again. Once."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'pairs'").fetchone()
        if row is not None and str(row[0]) == PAIRS:
            return
        self.index_spelled_again()
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('pairs', ?)", (PAIRS,))

    def _damaged_meta(self, unversioned: bool) -> str | None:
        """What in ``meta`` no scholarkg wrote (a row edited or deleted by hand), None if
        nothing: a version that is no number, or versions without the layout's
        (``unversioned``); read as they were, a run ended in a traceback naming no file."""
        rows = self.db.execute("SELECT key, value FROM meta").fetchall()
        if unversioned and rows:
            return f"meta holds no 'schema' (its layout) but {len(rows)} other rows"
        for key, value in rows:
            if key in _NUMBERED and not (isinstance(value, str) and value.isdecimal()):
                return f"meta {key!r} is {value!r}, no version number"
        return None

    def _layout(self) -> str | None:
        """The layout the file was written in (None: new). A layout neither this one nor one
        of :data:`MIGRATED` is refused: its tables would be read as if they were this one's
        (``CREATE TABLE IF NOT EXISTS`` keeps them)."""
        row = None
        if self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if (damage := self._damaged_meta(row is None)) is not None:
                self.db.close()
                raise StateUnreadable(self.path, "identity registry", damage)
        if row is not None and row[0] != SCHEMA_VERSION and row[0] not in MIGRATED:
            self.db.close()
            raise LoadError(
                f"{self.path}: identity registry in layout {row[0]}, this scholarkg reads layout"
                f" {SCHEMA_VERSION}; keep the file and run the scholarkg version that wrote it"
            )
        return None if row is None else str(row[0])
