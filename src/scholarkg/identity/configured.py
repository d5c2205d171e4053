"""``[people.split]`` and ``[people.merge]`` applied to decisions already in the registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from scholarkg.identity import names
from scholarkg.identity.mentions import AuthorMention, PaperMentions
from scholarkg.identity.overrides import Overrides, Ref
from scholarkg.identity.registry import Mention, Person, Registry
from scholarkg.lifecycle import check_stop

if TYPE_CHECKING:
    from contextlib import _GeneratorContextManager  # what @contextmanager gives


class ConfiguredDecisions:
    """The configuration part of :class:`~.resolver.IdentityResolver`."""

    registry: Registry
    overrides: Overrides
    _split: Callable[[AuthorMention, PaperMentions, str, Mention | None], None]
    _label_taken: Callable[[str], Person | None]
    _merge: Callable[[int, int, str, str, bool, str | None], int]
    _from_evidence: Callable[[Mention], None]
    _reported: Callable[[str, int, str], None]
    kept_whole: Callable[[], _GeneratorContextManager[None]]

    def apply_overrides(self) -> list[str]:
        """Apply ``[people.split]`` to authorships registered earlier, then ``[people.merge]``;
        returns one error per reference that names nobody (or, for a name key, several). All
        of it or none: a stop asked for before any split or merge undoes what this call
        applied (:meth:`~.restatement.Restatement.kept_whole`), and the next run applies it
        all."""
        with self.kept_whole():
            errors = self._apply_splits()
            return errors + self._apply_merges()

    def _apply_splits(self) -> list[str]:
        reg = self.registry
        errors: list[str] = []
        for ref, label in self.overrides.splits:
            check_stop()
            if (taken := self._label_taken(label)) is not None:
                errors.append(
                    f"[people.split] {ref.text!r} = {label!r}: the label is the IRI of person"
                    f" {taken.slug} ({taken.name}) already; a split names a person of its own:"
                    " choose another label (to give them the authorship, use [people.merge])"
                )
                continue
            if ref.kind == "profile":
                slug = reg.profile_for([f"loc:{ref.value}"])
                if slug is None:
                    errors.append(f"[people.split] {ref.text!r} names no profile loaded so far")
                continue
            if (two := self._two_papers(ref)) is not None:
                errors.append(f"[people.split] {ref.text!r} = {label!r}: {two}")
                self._unsplit(ref, label, two)
                continue
            found = self._mentions(ref)
            if not found:
                errors.append(self._nobody("people.split", ref))
            for mention in found:
                author = AuthorMention(mention.node, mention.position, mention.name)
                paper = PaperMentions(
                    mention.paper,
                    (ref.value,),
                    (author,),
                    mention.evidence or "",
                    given_first=reg.given_first(mention.node),  # as its source writes it
                )
                self._split(author, paper, label, mention)
        return errors

    def _apply_merges(self) -> list[str]:
        errors: list[str] = []
        for left, right in self.overrides.merges:
            check_stop()
            found = [self._persons(ref) for ref in (left, right)]
            problems = []  # this merge's own: another merge's error does not stop this one
            for ref, pids in zip((left, right), found, strict=True):
                if (two := self._two_papers(ref)) is not None:
                    problems.append(f"[people.merge] {ref.text!r}: {two}")
                elif not pids:
                    problems.append(self._nobody("people.merge", ref))
                elif ref.kind == "key" and len(pids) > 1:
                    problems.append(
                        f"[people.merge] {ref.text!r} names {len(pids)} different persons; "
                        "use person:<slug>, profile:<location> or <paper>#<position>"
                    )
            errors += problems
            if problems:
                continue
            pids = sorted({*found[0], *found[1]})
            keep = pids[0]
            for other in pids[1:]:
                check_stop()
                keep = self._merge(
                    other, keep, "config-merge", f"{left.text} = {right.text}", True, None
                )
        return errors

    def _persons(self, ref: Ref) -> list[int]:
        reg = self.registry
        if ref.kind == "profile":
            slug = reg.profile_for([f"loc:{ref.value}"])
            pid = None if slug is None else reg.profile_person(slug)
            return [] if pid is None else [pid]
        if ref.kind == "person":
            person = reg.by_slug(ref.value)
            return [] if person is None else [reg.live(person.id)]
        if ref.kind == "key":  # as this names version keys it, or an earlier one did
            persons = [p for block in _key_blocks(ref.value) for p in reg.in_block(block)]
            return sorted(
                {
                    p.id
                    for p in persons
                    if any(ref.value in names.name_keys(n) for n in reg.names_of(p.id))
                }
            )
        return sorted({reg.live(m.person) for m in self._mentions(ref)})

    def _nobody(self, section: str, ref: Ref) -> str:
        """The error of a reference that names no person: what it names, and why that is
        nobody to split or merge (a paper not loaded; an author of it who is no person)."""
        said = f"[{section}] {ref.text!r}"
        if ref.kind not in ("position", "named"):
            return f"{said} names nobody in the registry"
        papers = self._papers_named(ref)
        if not papers:
            return f"{said} names no paper loaded so far (none is known as {ref.value!r})"
        mentions = self.registry.mentions_on(papers[0])
        persons = ", ".join(map(str, sorted({m.position for m in mentions if m.position})))
        if ref.kind == "named":
            return (
                f"{said} names nobody: {papers[0]} lists no person named {ref.name!r} (its"
                f" persons are authors {persons})"
            )
        return (
            f"{said} names author {ref.position} of {papers[0]}, who is no person: a group"
            " (a collaboration or team, never a person) or an author the listing does not name"
            f" (past 'et al.'); its persons are authors {persons}, nothing to {section[7:]}"
        )

    def _papers_named(self, ref: Ref, current: str | None = None) -> list[str]:
        """The live papers the paper of a position or name reference names (an arXiv id
        names one; a title, each paper whose title folds to it): those with an authorship
        decided, and ``current``, the paper being decided. A listing its arXiv paper replaced
        keeps its title in the registry, but no authorship: it is no live paper."""
        if ref.kind not in ("position", "named"):
            return []
        reg = self.registry
        return [p for p in reg.papers_for(ref.value) if p == current or reg.mentions_on(p)]

    def _two_papers(self, ref: Ref) -> str | None:
        """Why ``ref`` names no one paper: its title is two live papers' (None: it is not)."""
        papers = self._papers_named(ref)
        if len(papers) < 2:
            return None
        shown = ", ".join(papers[:3]) + (f" and {len(papers) - 3} more" if len(papers) > 3 else "")
        return (
            f"the title {ref.value!r} is {len(papers)} papers' ({shown}); name one by its arXiv"
            " id (<arXiv id>#<position> or <arXiv id>|<name>): neither is split or merged by it"
        )

    def _unsplit(self, ref: Ref, label: str, why: str) -> None:
        """The authorships a split by ``ref`` gave ``label`` (while its title was one
        paper's, or earlier in this run) are decided again from their evidence, but those
        another split names (``2101.00001#2`` to the same label)."""
        reg = self.registry
        for mention in self._mentions(ref):
            held = reg.live(mention.person)
            keys = tuple(sorted(reg.keys_of(mention.paper)))
            named = any(
                other is not ref
                and other.matches(keys, mention.position, mention.name)
                and self._two_papers(other) is None
                for other, _ in self.overrides.splits
            )
            split = not named and mention.rule == "config-split" and reg.person(held).label == label
            if split and reg.stating(mention.node) is not None:  # (else no graph to redo)
                reg.undecide([mention.node])
                self._from_evidence(mention)
                self._reported(mention.node, held, f"[people.split] {ref.text!r}: {why}")

    def _mentions(self, ref: Ref) -> list[Mention]:
        """The registered authorships a position or name reference names."""
        reg = self.registry
        found = []
        for paper in reg.papers_for(ref.value):
            for mention in reg.mentions_on(paper):
                if (ref.kind == "position" and mention.position == ref.position) or (
                    ref.kind == "named" and ref.name in reg.names_at(mention.node)
                ):
                    found.append(mention)
        return found


def _key_blocks(key: str) -> list[str]:
    """The name blocks a person keyed ``key`` (under this names version or an earlier one) can
    be in: its last words joined as the surname, or its first ones (a key written surname
    first), with the first given name's initial: ``daniel-o-brien`` (names version 4's key of
    ``Daniel O'Brien``) is in ``obrien-d`` now, ``brien-d`` then."""
    words = key.split("-")
    if len(words) < 2:
        return [names.block(key)]
    found = [f"{''.join(words[k:])}-{words[0][0]}" for k in range(1, len(words))]
    found += [f"{''.join(words[:k])}-{words[k][0]}" for k in range(1, len(words))]
    return list(dict.fromkeys([names.block(key.replace("-", " ")), *found]))
