"""What a source states again: a graph's authorships restated (the ones no graph states any
more withdrawn) and a new version of a paper whose authors moved (``same-paper``)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace

from scholarkg.identity import names
from scholarkg.identity.claim_ends import ClaimEnds
from scholarkg.identity.mentions import AuthorMention, IdentityEvent, PaperMentions
from scholarkg.identity.names import spelled_surnames
from scholarkg.identity.registry import (
    Mention,
    Registry,
)
from scholarkg.identity.run_lines import RunLines
from scholarkg.identity.unmerging import Unmerging
from scholarkg.lifecycle import check_stop


class Restatement(ClaimEnds, Unmerging):
    """The restating part of :class:`~.resolver.IdentityResolver`."""

    registry: Registry
    events: RunLines[IdentityEvent]
    conflicts: RunLines[str]
    _names: dict[int, str]
    _retired: set[int]
    _relisted: dict[str, list[Mention]]  # withdrawn in the restatement, by paper key
    _whole: bool  # inside kept_whole
    add_many: Callable[[Sequence[PaperMentions]], None]
    _assign: Callable[..., None]
    _by_evidence: Callable[..., None]
    _claim: Callable[[str, str | None], str]
    _coauthor_evidence: Callable[..., list[tuple[int, int, tuple[str, str]]]]

    def restate(
        self, papers: Sequence[PaperMentions], profiles: Mapping[str, str] | None = None
    ) -> None:
        """:meth:`add_many` for *every* paper of each source graph among ``papers`` and
        ``profiles`` (profile graph → its profile: restated whatever it lists now, no paper
        at all included): an authorship a graph stated before and no graph states any more is
        withdrawn from its person (a paper dropped from a profile, an author gone from a new
        arXiv version), and one a profile claimed before and claims no more (the paper
        dropped, arXiv still lists it) loses the claim: the claim's merge is undone and the
        authorship decided again from what is left. The withdrawn go first: what no source
        states any more is no evidence for the others; the unclaimed are decided last,
        beside what the sources state now. All of it or none (:meth:`kept_whole`)."""
        with self.kept_whole():
            self._restate(papers, dict(profiles or {}))

    @contextmanager
    def kept_whole(self) -> Iterator[None]:
        """The registry's writes inside are kept whole or not at all
        (:meth:`~.registry.Registry.whole`): a stop asked for (SIGTERM/SIGINT) anywhere in a
        restatement undoes it, its withdrawals with the decisions that end them, and the run
        ends (:class:`~scholarkg.lifecycle.Interrupted`); its source is not remembered as
        built, so the next run restates it from the start. The events and conflicts it found
        go with it; the resolver's caches of this run are not restored (the run ends). One
        inside another is the outer one."""
        if self._whole:
            yield
            return
        self._whole = True
        try:
            with self.registry.whole():  # the events and conflicts are in it too (run_lines)
                yield
        finally:
            self._whole = False

    def _restate(self, papers: Sequence[PaperMentions], claimants: dict[str, str]) -> None:
        stated: dict[str, set[str]] = {graph: set() for graph in claimants}
        claimed: dict[str, set[str]] = {graph: set() for graph in claimants}
        for paper in papers:
            stated.setdefault(paper.source, set()).update(a.node for a in paper.authors)
            if paper.source in claimed:
                claimed[paper.source].update(paper.claims)
        claims = {  # what each profile graph's claims made, before this restatement
            graph: (self.registry.claim_decisions(graph), self.registry.claim_merges_of(graph))
            for graph in claimed
        }
        gone = self._withdraw_all(stated)
        undecided = self._unclaim(claimed, claimants, claims)
        self._relisted = {}
        for mention in gone:  # by what references may call their papers (title, arXiv id)
            check_stop()
            for key in self.registry.keys_of(mention.paper):
                self._relisted.setdefault(key, []).append(mention)
        try:
            self.add_many(papers)
        finally:
            self._relisted = {}
        self._replaced_listings(gone, papers)
        self._decide_again(undecided)

    def _replaced_listings(self, gone: Sequence[Mention], papers: Sequence[PaperMentions]) -> None:
        """A paper whose authorships were all withdrawn in this restatement, listed again under
        another IRI of the same title (a listing its arXiv record resolves:
        ``paper/listed/<hash16>`` replaced by ``paper/arxiv/<id>``), is evidence of no
        decision: a decision of a person who held one of its authorships that names it as
        evidence names the paper that replaced it, and one on that paper itself (decided
        beside the listing, before the listing was withdrawn: the same authorship) is
        ``same-paper``, as it is listed there now."""
        reg = self.registry
        withdrawn: dict[str, list[Mention]] = {}
        for mention in gone:
            withdrawn.setdefault(mention.paper, []).append(mention)
        for listed, left in withdrawn.items():
            check_stop()
            keys = reg.keys_of(listed)
            now = [p for p in papers if p.paper != listed and keys & set(p.keys)]
            if len(now) != 1 or reg.mentions_on(listed):
                continue  # not replaced, or by no one paper
            [paper] = now
            for pid in dict.fromkeys(reg.live(m.person) for m in left):
                for held in reg.mentions_of(pid):
                    if held.evidence != listed or held.pinned:
                        continue
                    same = [m for m in left if names.compatible(m.name, held.name)]
                    if held.paper == paper.paper and same:
                        basis = f"listed as {same[0].name!r} on {listed} (the same title) before"
                        kept = replace(
                            held, rule="same-paper", score=0.9, basis=basis, evidence=paper.source
                        )
                    else:
                        basis = (held.basis or "").replace(listed, paper.paper)
                        kept = replace(held, basis=basis, evidence=paper.paper)
                    reg.assign(kept, held.person)

    def retract(self, graphs: Sequence[str], why: str) -> None:
        """These source graphs are gone (``why``: the source deleted them): every authorship
        only they stated is withdrawn from its person (all of them, or none if stopped:
        :meth:`kept_whole`)."""
        with self.kept_whole():
            for graph in graphs:
                check_stop()
                self._withdraw(graph, (), f"{graph} {why}")

    def _withdraw_all(self, stated: Mapping[str, set[str]]) -> list[Mention]:
        """:meth:`_withdraw` for each graph of ``stated`` (graph → the nodes it states now), in
        order. What the graphs stated and claimed before is read at once: a graph that only
        states more than before (every graph of a first load) withdraws and ends nothing, so
        its new nodes are only noted, in one write with the others before the next graph
        that does withdraw (which asks whether any graph still states a node) and at the
        end."""
        reg = self.registry
        before, claimed = reg.stated_by_each(list(stated)), reg.claimed_by_each(list(stated))
        gone: list[Mention] = []
        noted: list[tuple[str, str]] = []
        for graph, nodes in stated.items():
            check_stop()
            was = before.get(graph, set())
            if was <= nodes and claimed.get(graph, set()) <= nodes:
                noted += [(graph, node) for node in nodes - was]
                continue
            reg.add_stated(noted)
            noted = []
            gone += self._withdraw(graph, nodes, f"{graph} no longer states it")
        reg.add_stated(noted)
        return gone

    def _withdraw(self, graph: str, nodes: Collection[str], basis: str) -> list[Mention]:
        """Withdraw what ``graph`` stated before and no graph states now; returns the
        decisions dropped."""
        reg = self.registry
        reg.end_claims(graph, nodes)  # what it no longer states it no longer claims
        gone = reg.restate(graph, nodes)
        if not gone:
            return []
        decided = reg.mentions(gone)
        claims = reg.claim_merges(gone)  # gone, the claims on them are gone too
        for node, pid in reg.withdraw(gone):
            check_stop()
            person = reg.person(reg.live(pid))
            self.events.append(IdentityEvent("withdrawn", person.slug, node, "restated", basis))
        self._unmerge([*gone, *claims], basis)
        return [decided[n] for n in gone if n in decided]

    def _relisted_as(self, fresh: list[AuthorMention], paper: PaperMentions) -> list[AuthorMention]:
        """A source lists a paper again under another IRI (a profile paper keyed by its first
        author, now listed first by another): an undecided author with a compatible name who
        held an authorship just withdrawn from a paper of the same title stays that person
        (``same-paper``). Returns the authors still undecided."""
        reg, left = self.registry, []
        pool = [m for k in paper.keys for m in self._relisted.get(k, ()) if m.paper != paper.paper]
        if not pool:
            return fresh
        for author in fresh:
            at = next((i for i, m in enumerate(pool) if names.compatible(m.name, author.name)), -1)
            if at < 0:
                left.append(author)
                continue
            match = pool[at]
            pool = [m for m in pool if m.node != match.node]
            for key in paper.keys:  # taken: no other author is that person again
                if key in self._relisted:
                    self._relisted[key] = [m for m in self._relisted[key] if m.node != match.node]
            basis = f"listed as {match.name!r} on {match.paper} (the same title) before"
            pid = reg.live(match.person)
            self._assign(author, paper, pid, "same-paper", 0.9, basis, evidence=paper.source)
        return left

    def _moved(
        self, fresh: list[AuthorMention], paper: PaperMentions, displaced: list[Mention]
    ) -> list[AuthorMention]:
        """A new version of the paper lists its authors in another order: an author now at
        another position under a compatible name stays the person they were (``same-paper``).
        Returns the authors still undecided; a published person who lost an authorship to
        someone else and was not found elsewhere on the paper is reported."""
        reg, left = self.registry, []
        # compatible names share a surname in some spelling (Yann Le Cun and Yann LeCun:
        # lecun): each author is compared only with the displaced of its surnames, in their
        # order (the first compatible one, as in a scan of all), so a long list whose
        # positions all moved costs no square of its length
        by_surname: dict[str, list[int]] = {}
        for at, gone in enumerate(displaced):
            for surname in spelled_surnames(gone.name):
                by_surname.setdefault(surname, []).append(at)
        taken: set[int] = set()  # the matched ones, by place (the list may repeat a mention)
        for author in fresh:
            same = sorted({i for s in spelled_surnames(author.name) for i in by_surname.get(s, ())})
            at = next(
                (
                    i
                    for i in same
                    if i not in taken and names.compatible(displaced[i].name, author.name)
                ),
                -1,
            )
            if at < 0:
                left.append(author)
                continue
            match = displaced[at]
            taken.add(at)
            basis = f"listed as {match.name!r} at position {match.position} before"
            pid = reg.live(match.person)
            self._assign(author, paper, pid, "same-paper", 0.9, basis, evidence=paper.paper)
        for at, gone in enumerate(displaced):
            if at in taken:
                continue
            before = reg.person(reg.live(gone.person))
            if before.published:
                basis = f"{gone.node} is now listed under another name"
                self.events.append(
                    IdentityEvent("reassigned", before.slug, gone.node, "restated", basis)
                )
        return left
