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
    given_first: bool = False  # writes names given name first (a profile), never surname first


@dataclass(frozen=True)
class IdentityEvent:
    """A change to a published person: persons merged or split (IRIs retired or minted), a
    merge undone (its evidence gone: the retired IRI is a person again), an authorship
    withdrawn (no graph states it any more) or reassigned (now another name)."""

    kind: str  # "merge" | "split" | "unmerge" | "withdrawn" | "reassigned"
    person: str  # the survivor, the new person, the revived one, or the one who lost it
    other: str  # merge/split/unmerge: the retired, original or survivor; else the node
    rule: str
    basis: str

    def describe(self) -> str:
        """One line for the run report."""
        why = f"({self.rule}: {self.basis})"
        if self.kind in ("merge", "split", "unmerge"):
            return f"{self.kind}: {self.other} → {self.person} {why}"
        return f"{self.kind}: authorship {self.other} of {self.person} {why}"
