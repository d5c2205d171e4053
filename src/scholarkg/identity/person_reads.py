"""Reading whole persons back from the registry: what each person's graph is made of."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice

from scholarkg.identity.records import (
    _MENTION_COLUMNS,
    _PERSON_COLUMNS,
    Mention,
    Person,
    PersonRecord,
    _mention,
    _person,
)
from scholarkg.sqlite_in import BATCH, select_in


class PersonReads:
    """Batched reads of persons (a part of :class:`~.registry.Registry`)."""

    db: sqlite3.Connection
    live: Callable[[int], int]  # the registry's
    person: Callable[[int], Person]
    snapshots_of: Callable[[Sequence[str]], list[tuple[str, str]]]

    def person_records(self, pids: Iterable[int]) -> Iterator[PersonRecord]:
        """Everything a person's graph says, for many persons at once (few queries): ``pids``
        are read :data:`~scholarkg.sqlite_in.BATCH` at a time, as they are needed."""
        profiles: dict[int, list[str]] = {}
        for slug, person in self.db.execute(
            "SELECT slug, person FROM profiles WHERE person IS NOT NULL"
        ):
            profiles.setdefault(self.live(int(person)), []).append(str(slug))
        ids = iter(pids)
        while part := list(islice(ids, BATCH)):  # one batch a statement: rows keep their order
            query = f"SELECT {_PERSON_COLUMNS} FROM persons WHERE id IN (?)"  # noqa: S608
            persons = {p.id: p for p in map(_person, select_in(self.db, query, part))}
            mentions: dict[int, list[Mention]] = {}
            query = (
                f"SELECT {_MENTION_COLUMNS} FROM mentions"  # noqa: S608
                " WHERE person IN (?) ORDER BY paper, node"
            )
            for row in select_in(self.db, query, part):
                mention = _mention(row)
                mentions.setdefault(mention.person, []).append(mention)
            spellings: dict[int, list[str]] = {}
            query = (
                "SELECT m.person, n.name FROM mentions m JOIN mention_names n ON n.node = m.node"
                " WHERE m.person IN (?) ORDER BY m.paper, m.node"
            )
            for person, name in select_in(self.db, query, part):
                spellings.setdefault(int(person), []).append(str(name))
            retired: dict[int, list[Person]] = {}
            query = (
                f"SELECT {_PERSON_COLUMNS} FROM persons WHERE merged_into IN (?)"  # noqa: S608
                " AND published = 1 ORDER BY id"
            )
            for row in select_in(self.db, query, part):
                person = _person(row)
                assert person.merged_into is not None
                retired.setdefault(person.merged_into, []).append(person)
            origins = self._split_origins(part)
            for pid in part:
                person = persons[pid]
                yield PersonRecord(
                    person,
                    list(dict.fromkeys(spellings.get(pid, []))),
                    mentions.get(pid, []),
                    self.snapshots_of(profiles.get(pid, [])),
                    retired.get(pid, []),
                    origins.get(pid),
                )

    def _split_origins(self, pids: list[int]) -> dict[int, Person]:
        """For those of ``pids`` a ``[people.split]`` made: the published person it took their
        authorships from (one query for all; splits are rare)."""
        origins: dict[int, Person] = {}
        query = "SELECT id, split_from FROM persons WHERE id IN (?) AND split_from IS NOT NULL"
        for pid, origin in select_in(self.db, query, pids):
            person = self.person(int(origin))
            if person.published:
                origins[int(pid)] = person
        return origins

    def retired_into(self, pid: int) -> list[Person]:
        """Published persons merged into ``pid`` (their IRIs stay resolvable through it)."""
        rows = self.db.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons"  # noqa: S608
            " WHERE merged_into = ? AND published = 1 ORDER BY id",
            (pid,),
        )
        return [_person(r) for r in rows]
