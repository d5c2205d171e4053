"""The local title index: arXiv records the store holds, found by title without a request.

Kept up to date as records load (every door: API, OAI-PMH, snapshot), in SQLite beside the
store's other state: an exact index on every folded title (each version's too) and an FTS5
word index for near-miss titles. Each entry keeps what resolution and identity need (titles,
dates, authors in order), so a record found here is scored and aligned like an API answer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scholarkg import iris
from scholarkg.identity.invisible import UNSEEN, has_invisible, unjoined
from scholarkg.iris import fold, title_key
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion
from scholarkg.resolution.titles import distinctive_words
from scholarkg.sqlite_in import execute_in, open_state_db, select_in
from scholarkg.tex_letters import tex_letters

WHAT = "title index"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY, arxiv_id TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS titles (
    key TEXT NOT NULL, record INTEGER NOT NULL, PRIMARY KEY (key, record)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(
    title, tokenize = 'unicode61 remove_diacritics 2');
"""


def _encode(record: ArxivRecord) -> str:
    return json.dumps(
        {
            "t": record.title,
            "p": record.published.isoformat() if record.published else None,
            "v": [
                [v.number, v.date.isoformat() if v.date else None, v.title] for v in record.versions
            ],
            "a": [a.name for a in record.authors],
        },
        ensure_ascii=False,
    )


@dataclass(frozen=True)
class IndexEntry:
    """One record ready for the index (made where the record is read: a worker process)."""

    arxiv_id: str
    data: str  # what resolution needs of the record (JSON)
    keys: tuple[str, ...]  # folded titles, every version's
    words: str  # the titles (TeX letters as letters), for the word index


def index_entry(record: ArxivRecord) -> IndexEntry:
    titles = list(dict.fromkeys([record.title, *(v.title for v in record.versions if v.title)]))
    keys = tuple(dict.fromkeys(k for k in map(title_key, titles) if k))
    words = tex_letters(unjoined(" ".join(titles)))  # "Atten\u200btion" is one word
    return IndexEntry(record.arxiv_id, _encode(record), keys, words)


def _decode(arxiv_id: str, text: str) -> ArxivRecord:
    data = json.loads(text)
    return ArxivRecord(
        arxiv_id=arxiv_id,
        title=data["t"],
        abstract="",
        authors=tuple(ArxivAuthor(name) for name in data["a"]),
        categories=(),
        published=dt.date.fromisoformat(data["p"]) if data["p"] else None,
        versions=tuple(
            ArxivVersion(n, dt.datetime.fromisoformat(d) if d else None, t) for n, d, t in data["v"]
        ),
        source="title index",
    )


class TitleIndex:
    """SQLite title index of one store (one writer at a time; readers any time)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = open_state_db(self.path, _SCHEMA, WHAT)
        self._refold()

    def _refold(self) -> None:
        """Key the titles again where a rule that keys them changed: the fold
        (:meth:`_refold_letters`), the characters no one sees (:meth:`_rekey_unseen`). Once each."""
        self._refold_letters()
        self._rekey_unseen()

    def _rekey_unseen(self) -> None:
        """Key by its current title key too each record whose titles hold a character no one
        sees (:data:`~scholarkg.identity.invisible.UNSEEN`; an index without the mark keyed
        them by minting 7's fold, which split a word at one: ``Hid\u200bden`` was ``hid den``),
        its words too, the old key kept beside it. A snapshot's records are read again under
        a new mapping version, but a record fetched by id (the API, OAI-PMH) only when its
        source changes: before, a profile listing ``Hidden …`` found no such record here."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'unseen'").fetchone()
        if row is not None and str(row[0]) == UNSEEN:
            return
        rekeyed = 0
        with self.db:
            wide = "SELECT id, arxiv_id, data FROM records WHERE data GLOB '*[^ -~]*'"
            found = self.db.execute(wide)  # a character past ASCII; read a batch at a time
            while batch := found.fetchmany(1000):
                entries = [(r, index_entry(_decode(i, d))) for r, i, d in batch if has_invisible(d)]
                self.db.executemany(
                    "INSERT OR IGNORE INTO titles VALUES (?, ?)",
                    ((key, r) for r, e in entries for key in e.keys),
                )
                self.db.executemany(
                    "UPDATE words SET title = ? WHERE rowid = ?", ((e.words, r) for r, e in entries)
                )
                rekeyed += len(entries)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('unseen', ?)", (UNSEEN,))
            if rekeyed:
                self._revise()

    def _refold_letters(self) -> None:
        """Key by this fold too the titles an older fold keyed (:data:`~scholarkg.iris.LETTERS`;
        an index without the mark was folded by letters 1, which kept ``ørsted`` for
        ``Ørsted``; letters 2 dropped a TeX letter and split a word at a TeX accent:
        ``{\\O}resund`` was ``resund``): a profile listing ``Ørsted …`` or ``Orsted …`` finds
        the record. A key with a letter past ASCII folds again; a record whose titles hold TeX
        (a backslash) is keyed again from them, its words too. Once."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'letters'").fetchone()
        mark = None if row is None else str(row[0])
        if mark == iris.LETTERS:
            return
        with self.db:
            if mark in (None, "1"):
                rows = self.db.execute(
                    "SELECT key, record FROM titles WHERE key GLOB '*[^ -~]*'"
                ).fetchall()
                self.db.executemany(
                    "INSERT OR IGNORE INTO titles VALUES (?, ?)", ((fold(k), r) for k, r in rows)
                )
            tex = "instr(json_extract(data, '$.t'), '\\') OR instr(json_extract(data, '$.v'), '\\')"
            found = self.db.execute(f"SELECT id, arxiv_id, data FROM records WHERE {tex}")  # noqa: S608
            while batch := found.fetchmany(1000):  # (a few at a time, not every one in memory)
                entries = [(r, index_entry(_decode(i, d))) for r, i, d in batch]
                self.db.executemany(
                    "INSERT OR IGNORE INTO titles VALUES (?, ?)",
                    ((key, r) for r, e in entries for key in e.keys),
                )
                self.db.executemany(
                    "UPDATE words SET title = ? WHERE rowid = ?", ((e.words, r) for r, e in entries)
                )
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('letters', ?)", (iris.LETTERS,))
            if self.db.execute("SELECT 1 FROM records LIMIT 1").fetchone():  # keyed anew
                self._revise()

    @property
    def revision(self) -> int:
        """How many times what resolution reads here grew or changed (a record added, or held
        with other titles, dates or authors); a profile left with unresolved papers at an
        older revision may resolve them now (:mod:`scholarkg.incremental`)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return 0 if row is None else int(row[0])

    def _revise(self) -> None:
        """One revision more (in the caller's transaction)."""
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('revision', ?)", (str(self.revision + 1),)
        )

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def add(self, records: Iterable[ArxivRecord]) -> int:
        """Add or refresh records (committed); returns how many."""
        return self.add_entries([index_entry(r) for r in records])

    def add_entries(self, entries: Sequence[IndexEntry]) -> int:
        """Add or refresh prepared entries in one transaction (the last of an id wins); the
        :attr:`revision` moves on when one is new or held otherwise than before."""
        latest = {e.arxiv_id: e for e in entries}
        with self.db:
            query = "SELECT arxiv_id, id, data FROM records WHERE arxiv_id IN (?)"
            found = select_in(self.db, query, list(latest))
            held = {str(a): (int(i), str(d)) for a, i, d in found}
            known = {arxiv_id: rid for arxiv_id, (rid, _) in held.items()}
            if any(held.get(e.arxiv_id, (0, None))[1] != e.data for e in latest.values()):
                self._revise()
            # titles has no index on record: one scan per 500 refreshed records, never one each
            # (a one-record update re-reads its chunk of 1 000: 1 000 scans of 100 000 rows)
            rids = list(known.values())
            execute_in(self.db, "DELETE FROM titles WHERE record IN (?)", rids)
            self.db.executemany("DELETE FROM words WHERE rowid = ?", ((r,) for r in rids))
            self.db.executemany(
                "UPDATE records SET data = ? WHERE id = ?",
                ((latest[arxiv_id].data, rid) for arxiv_id, rid in known.items()),
            )
            row = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM records").fetchone()
            next_id = int(row[0]) + 1
            fresh = [e for e in latest.values() if e.arxiv_id not in known]
            for entry in fresh:
                known[entry.arxiv_id] = next_id
                next_id += 1
            self.db.executemany(
                "INSERT INTO records (id, arxiv_id, data) VALUES (?, ?, ?)",
                ((known[e.arxiv_id], e.arxiv_id, e.data) for e in fresh),
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO titles VALUES (?, ?)",
                ((key, known[e.arxiv_id]) for e in latest.values() for key in e.keys),
            )
            self.db.executemany(
                "INSERT INTO words (rowid, title) VALUES (?, ?)",
                ((known[e.arxiv_id], e.words) for e in latest.values()),
            )
        return len(latest)

    def remove(self, ids: Sequence[str]) -> int:
        """Forget these records (deleted by their source); returns how many it held."""
        with self.db:
            query = "SELECT id FROM records WHERE arxiv_id IN (?)"
            rids = [int(i) for (i,) in select_in(self.db, query, ids)]
            execute_in(self.db, "DELETE FROM titles WHERE record IN (?)", rids)
            execute_in(self.db, "DELETE FROM records WHERE id IN (?)", rids)
            self.db.executemany("DELETE FROM words WHERE rowid = ?", ((r,) for r in rids))
        return len(rids)

    def get(self, ids: Sequence[str]) -> dict[str, ArxivRecord]:
        query = "SELECT arxiv_id, data FROM records WHERE arxiv_id IN (?)"
        return {i: _decode(i, d) for i, d in select_in(self.db, query, ids)}

    def exact(self, title: str) -> list[ArxivRecord]:
        """Records with this title (folded), in any version."""
        rows = self.db.execute(
            "SELECT r.arxiv_id, r.data FROM titles t JOIN records r ON r.id = t.record"
            " WHERE t.key = ? ORDER BY r.arxiv_id",
            (title_key(title),),
        )
        return [_decode(i, d) for i, d in rows]

    def by_words(self, title: str, limit: int = 20) -> list[ArxivRecord]:
        """Best word matches (BM25) of the title's distinctive words, any of them."""
        words = distinctive_words(title, 8)
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        rows = self.db.execute(
            "SELECT r.arxiv_id, r.data FROM words JOIN records r ON r.id = words.rowid"
            " WHERE words MATCH ? ORDER BY bm25(words) LIMIT ?",
            (match, limit),
        )
        return [_decode(i, d) for i, d in rows]
