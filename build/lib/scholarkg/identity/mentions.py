"""What a source says about a paper's authors, and the identity events a run reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AuthorMention:
    """One person author as one source lists them (groups are not mentions)."""

    node: str  # the authorship IRI
    position: int | None
    name: str  # NFC, as listed


@dataclass(frozen=True)
class PaperMentions:
    """A paper's person authors according to one source."""

    paper: str  # paper IRI
    keys: tuple[str, ...]  # what references may call the paper: arXiv id, folded titles
    authors: tuple[AuthorMention, ...]
    source: str  # the graph stating them
    complete: bool = True  # the whole author list (arXiv), not a truncated listing
    claims: Mapping[str, str] = field(default_factory=dict)  # node -> profile slug


@dataclass(frozen=True)
class IdentityEvent:
    """A merge or split of persons (published IRIs retired or minted)."""

    kind: str  # "merge" | "split"
    person: str  # survivor or new person slug
    other: str  # retired or original person slug
    rule: str
    basis: str
