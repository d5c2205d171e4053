"""The identity registry's records: persons, mentions and what a person's graph is made of."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass


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
