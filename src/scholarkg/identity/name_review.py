"""Decisions reviewed after the name rules changed: a ``shared-coauthor`` decision an earlier
names version made on names this one reads otherwise is decided again (under version 4,
``Daniel O'Brien`` was the initial ``o`` and the surname ``brien``, compatible with ``Daniel
Brien``: a shared co-author made the two one person, which version 5 would not). A merge it
made is undone first. Each change to a published person is an event (``unmerge``,
``reassigned``). Once, after the registry was opened by a later names version; likewise once for
the decisions near a generational suffix in a registry whose decisions predate them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scholarkg.identity import names
from scholarkg.identity.mentions import IdentityEvent
from scholarkg.identity.registry import Mention, Registry
from scholarkg.identity.run_lines import RunLines


class NameReview:
    """The reviewing part of :class:`~.resolver.IdentityResolver`."""

    registry: Registry
    events: RunLines[IdentityEvent]
    _unmerge: Callable[[Sequence[str], str], None]
    _from_evidence: Callable[[Mention], None]
    _reported: Callable[[str, int, str], None]

    def review_names(self) -> int:
        """Decide again, from the evidence the registry holds, each authorship
        :meth:`~.reviews_due.ReviewsDue.to_review` names, once; returns how many. An authorship the
        rules give the same person again changes nothing."""
        reg = self.registry
        was = reg.names_to_review()
        if was is None:
            return 0
        if was == names.NAMES:
            reg.reviewed()
            return 0
        why = f"names version {names.NAMES} reads the names that decided it otherwise than {was}"
        due = reg.to_review(was)
        self._review(due, why)
        reg.reviewed()
        return len(due)

    def review_generations(self) -> int:
        """Decide again each shared-coauthor authorship near a name with a generational suffix
        (:meth:`~.reviews_due.ReviewsDue.generations_to_review`), once, in a registry whose
        decisions took ``John Smith Jr.`` and ``John Smith Sr.`` for one name; returns how many."""
        reg = self.registry
        due = reg.generations_to_review()
        if due is None:
            return 0
        self._review(due, "generational suffixes (Jr., Sr.) tell two people apart")
        reg.generations_reviewed()
        return len(due)

    def _review(self, due: Sequence[str], why: str) -> None:
        """Undo the merge each of ``due`` made and decide it again from its evidence."""
        reg = self.registry
        for node in due:
            self._unmerge([node], why)  # a merge it made, if any (its own node is left)
            mention = reg.mentions([node]).get(node)
            if mention is None or mention.pinned or reg.stating(node) is None:
                continue  # decided otherwise meanwhile, or no graph to decide it from
            held = reg.live(mention.person)
            reg.undecide([node])
            self._from_evidence(mention)
            self._reported(node, held, why)
