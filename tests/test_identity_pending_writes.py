"""A chunk's new persons and new decisions are written in one statement per table, and nothing
reads around them: the co-author rule within the chunk, any statement through the connection, a
commit, a rollback (a killed chunk) see what one statement a decision showed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scholarkg.identity import names
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import AuthorMention, IdentityResolver, PaperMentions
from scholarkg.sqlite_in import StateConnection

ID = "https://w3id.org/scholarkg/id/paper/arxiv/"


def paper(number: str, *authors: str) -> PaperMentions:
    iri = f"{ID}{number}"
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{n}", n, names.nfc(name))
        for n, name in enumerate(authors, start=1)
    )
    return PaperMentions(iri, (number,), listed, f"graph:{number}")


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Registry]:
    registry = Registry(tmp_path / "identity.sqlite")
    yield registry
    registry.close()


def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each statement run from now on (one ``executemany`` is one)."""
    ran: list[str] = []
    execute, executemany = StateConnection.execute, StateConnection.executemany

    def one(db: StateConnection, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        ran.append(sql)
        return execute(db, sql, parameters)

    def many(db: StateConnection, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        ran.append(sql)
        return executemany(db, sql, parameters)

    monkeypatch.setattr(StateConnection, "execute", one)
    monkeypatch.setattr(StateConnection, "executemany", many)
    return ran


CHUNK = [
    paper("2401.00001", "Ada Lovelace", "Charles Babbage"),
    paper("2401.00002", "A. Lovelace", "Charles Babbage", "Mary Somerville"),
    paper("2401.00003", "Alan Turing", "Alonzo Church"),
]


def test_a_chunks_decisions_are_written_in_one_statement_per_table(
    reg: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = statements(monkeypatch)
    IdentityResolver(reg).restate(CHUNK)
    reg.commit()
    # the chunk's five new persons and seven decisions (before: a statement each)
    assert len([s for s in ran if s.startswith("INSERT INTO persons")]) == 1
    assert len([s for s in ran if "INTO mentions" in s]) == 1
    assert reg.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == 5
    assert len(reg.mentions([f"{ID}2401.0000{p}/authorship/{n}" for p, n in _nodes()])) == 7


def _nodes() -> list[tuple[int, int]]:
    return [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3), (3, 1), (3, 2)]


def test_the_chunks_later_papers_see_its_earlier_decisions(reg: Registry) -> None:
    IdentityResolver(reg).restate(CHUNK)
    ada = reg.mentions([f"{ID}2401.00001/authorship/1"])[f"{ID}2401.00001/authorship/1"]
    again = reg.mentions([f"{ID}2401.00002/authorship/1"])[f"{ID}2401.00002/authorship/1"]
    assert again.rule == "shared-coauthor"  # beside Charles Babbage, decided in the chunk
    assert reg.live(again.person) == reg.live(ada.person)
    babbage = {
        reg.live(m.person)
        for m in reg.mentions([f"{ID}2401.0000{p}/authorship/2" for p in (1, 2)]).values()
    }
    assert len(babbage) == 1


def test_a_statement_through_the_connection_reads_them(reg: Registry) -> None:
    IdentityResolver(reg).restate(CHUNK)
    assert reg.pending.mentions  # held back, not committed
    rows = reg.db.execute("SELECT COUNT(*) FROM mentions").fetchone()
    persons = reg.db.execute("SELECT COUNT(*) FROM persons").fetchone()
    assert (rows[0], persons[0]) == (7, 5)
    assert not reg.pending.mentions and not reg.pending.persons


def test_a_rollback_drops_them_and_a_commit_keeps_them(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    IdentityResolver(reg).restate(CHUNK[:1])
    reg.commit()
    IdentityResolver(reg).restate(CHUNK[1:])
    reg.rollback()  # a chunk that failed: as if never decided
    assert not reg.pending.persons and not reg.pending.mentions
    reg.close()
    again = Registry(tmp_path / "identity.sqlite")
    try:
        assert again.db.execute("SELECT COUNT(*) FROM mentions").fetchone()[0] == 2
        # the ids the dropped persons had are given again, as SQLite gives them
        resolver = IdentityResolver(again)
        resolver.restate(CHUNK[2:])
        again.commit()
        ids = [r[0] for r in again.db.execute("SELECT id FROM persons ORDER BY id")]
        assert ids == [1, 2, 3, 4]
    finally:
        again.close()


def test_a_held_back_person_reads_as_written(reg: Registry) -> None:
    pid = reg.new_person("ada-lovelace-1", "lovelace a", "Ada Lovelace", "node:x")
    taken = reg.new_person("ada-lovelace-1", "lovelace a", "Ada Lovelace", "node:y")
    reg.set_name(pid, "Ada King Lovelace")
    held = (reg.person(pid), reg.person(taken), reg.live(pid))
    reg.commit()
    assert held == (reg.person(pid), reg.person(taken), reg.live(pid))
    assert reg.person(taken).slug == "ada-lovelace-1-2"
    assert reg.person(pid).name == "Ada King Lovelace"
