"""Merges undone when the authorships that were their evidence are gone: the retired person
live again, each named from the spellings left, and the authorships the survivor held through
the other decided again (part of :class:`~.restatement.Restatement`, moved out of it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scholarkg.identity.decisions import compared_name
from scholarkg.identity.mentions import IdentityEvent
from scholarkg.identity.registry import Mention, Registry
from scholarkg.identity.run_lines import RunLines
from scholarkg.lifecycle import check_stop


class Unmerging:
    """Undoing merges; the restatement and the end of a claim call it."""

    registry: Registry
    events: RunLines[IdentityEvent]
    _names: dict[int, str]
    _retired: set[int]
    _from_evidence: Callable[[Mention], None]
    _reported: Callable[[str, int, str], None]

    def _unmerge(self, nodes: Sequence[str], basis: str) -> None:
        """The merges these authorships were the evidence of are undone: the retired person is
        live again (its IRI is no longer ``owl:sameAs`` the survivor); reported when published.
        Each of the two is compared by the spellings left them as a fresh build compares them
        (:func:`~.decisions.compared_name`), starting from the name the two had as one, then
        the one they had before, if it is one of those (each was chosen knowing which source
        wrote each spelling: ``Wei Wang`` from a profile over arXiv's ``Wang Wei``, which
        spellings alone do not tell)."""
        reg = self.registry
        undone = reg.unmerge(nodes)
        for revived, survivor in undone:
            check_stop()
            self._retired.discard(revived)
            self._names.pop(survivor, None)
            self._names.pop(revived, None)
            back, left = reg.person(revived), reg.person(survivor)
            for pid, person in ((revived, back), (survivor, left)):  # fullest of what is left
                spellings = reg.names_of(pid, without=set(nodes))  # those are re-decided
                own = None  # their profile's spelling, given name first
                if person.profile is not None:
                    own = reg.profile_name(person.profile) or person.name
                    spellings.insert(0, own)
                chosen = [n for n in (left.name, person.name) if n in spellings]
                if spellings:
                    kept, *others = [*chosen, *spellings]
                    for spelled in others:  # what a fresh build compares them by
                        kept = compared_name(kept, spelled, given_first=spelled == own)
                    reg.set_name(pid, kept)
            if back.published or (back.profile is not None and left.published):
                why = f"the authorship that joined them is gone ({basis})"
                self.events.append(IdentityEvent("unmerge", back.slug, left.slug, "restated", why))
        for survivor in dict.fromkeys(reg.live(s) for _, s in undone):
            check_stop()
            self._recheck(survivor, set(nodes), f"its evidence is another person's now ({basis})")

    def _recheck(self, pid: int, skip: set[str], why: str) -> None:
        """After an undone merge: the authorships ``pid`` holds by co-authors on a paper it
        holds no authorship of any more (given to it while it was one with the person revived)
        are decided again from their evidence, until none is left (but those in ``skip``,
        which the caller decides again)."""
        reg = self.registry
        for _ in range(len(reg.mentions_of(pid)) + 1):  # each round moves one at least
            check_stop()
            held = [m for m in reg.mentions_of(pid) if m.node not in skip]
            backed = [m for m in held if m.rule == "shared-coauthor" and not m.pinned]
            holders = reg.persons_on([str(m.evidence) for m in backed if m.evidence])
            stale = [
                m
                for m in backed
                if pid not in {reg.live(p) for p in holders.get(str(m.evidence), ())}
            ]
            if not stale:
                return
            for mention in reg.undecide([m.node for m in stale]):
                check_stop()
                self._from_evidence(mention)
                self._reported(mention.node, pid, why)
            skip |= {m.node for m in stale}
