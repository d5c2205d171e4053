"""What a source states again: a graph's authorships restated (the ones no graph states any
more withdrawn) and a new version of a paper whose authors moved (``same-paper``)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from urllib.parse import unquote

from scholarkg.identity import names
from scholarkg.identity.mentions import AuthorMention, IdentityEvent, PaperMentions
from scholarkg.identity.registry import (
    MAX_EVIDENCE_AUTHORS,
    Mention,
    Registry,
    claim_key,
    short_hash,
)


class Restatement:
    """The restating part of :class:`~.resolver.IdentityResolver`."""

    registry: Registry
    events: list[IdentityEvent]
    _names: dict[int, str]
    _retired: set[int]
    _relisted: dict[str, list[Mention]]  # withdrawn in the restatement, by paper key
    add_many: Callable[[Sequence[PaperMentions]], None]
    _assign: Callable[..., None]
    _by_evidence: Callable[..., None]
    _claim: Callable[[str], str]
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
        beside what the sources state now."""
        claimants = dict(profiles or {})
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
        gone: list[Mention] = []
        for graph, nodes in stated.items():
            gone += self._withdraw(graph, nodes, f"{graph} no longer states it")
        undecided = self._unclaim(claimed, claimants, claims)
        self._relisted = {}
        for mention in gone:  # by what references may call their papers (title, arXiv id)
            for key in self.registry.keys_of(mention.paper):
                self._relisted.setdefault(key, []).append(mention)
        try:
            self.add_many(papers)
        finally:
            self._relisted = {}
        self._decide_again(undecided)

    def retract(self, graphs: Sequence[str], why: str) -> None:
        """These source graphs are gone (``why``: the source deleted them): every authorship
        only they stated is withdrawn from its person."""
        for graph in graphs:
            self._withdraw(graph, (), f"{graph} {why}")

    def _withdraw(self, graph: str, nodes: Collection[str], basis: str) -> list[Mention]:
        """Withdraw what ``graph`` stated before and no graph states now; returns the
        decisions dropped."""
        reg = self.registry
        gone = reg.restate(graph, nodes)
        if not gone:
            return []
        decided = reg.mentions(gone)
        claims = reg.claim_merges(gone)  # gone, the claims on them are gone too
        for node, pid in reg.withdraw(gone):
            person = reg.person(reg.live(pid))
            self.events.append(IdentityEvent("withdrawn", person.slug, node, "restated", basis))
        self._unmerge([*gone, *claims], basis)
        return [decided[n] for n in gone if n in decided]

    def _unclaim(
        self,
        claimed: dict[str, set[str]],
        claimants: dict[str, str],
        before: dict[str, tuple[list[str], list[tuple[int, str, int]]]],
    ) -> dict[str, tuple[Mention, int, str, tuple[str, str] | None]]:
        """Profile graphs (of ``claimants``) claim ``claimed`` now and made ``before``
        (decisions, merges): the authorships they no longer claim, which other graphs still
        state, lose the claim. Its merge is undone, and so are the graph's claim merges made
        after it whose survivor is not the researcher's own person (the researcher may have
        been the person the first one joined: the claims still made join the researcher
        again as the rest of the restatement confirms them); the decisions the claims made
        are dropped. Another profile graph's claim on one of them that still stands (its
        merge joined its researcher to the one the ended claim gave it) keeps it: that merge
        is undone too (what it joined was the ended claim's), and the authorship goes to that
        profile's researcher. Returns them by node, with the person who held each, why, and
        the standing claim (profile, graph) if any, to be decided again."""
        reg = self.registry
        undecided: dict[str, tuple[Mention, int, str, tuple[str, str] | None]] = {}
        for graph, now in claimed.items():
            decided, merges = before[graph]
            gone = sorted({*decided, *(n for _, n, _ in merges)} - now)
            ended = [n for n in gone if reg.stating(n) is not None]  # the others withdrawn
            why = f"{graph} no longer claims it"
            own = reg.profile_founder(claimants[graph])
            first = min((seq for seq, n, _ in merges if n in gone), default=None)
            undo = [
                n
                for seq, n, keep in merges
                if n in ended or (first is not None and seq > first and keep != own)
            ]
            held = {n: reg.live(m.person) for n, m in reg.mentions(ended).items()}
            made = [
                m.node
                for m in reg.mentions(ended).values()
                if m.evidence == graph and m.rule == "profile-researcher"
            ]
            standing = {n: self._standing_claims(n, graph) for n in made}
            others = [
                key
                for found in standing.values()
                for key, profile, other in found
                if self._apart(set(made), profile, other)
            ]
            self._unmerge([*(claim_key(n, graph) for n in undo), *others], why)
            for mention in reg.undecide(made):
                found = standing[mention.node]
                claim = (found[0][1], found[0][2]) if found else None
                undecided[mention.node] = (mention, held[mention.node], why, claim)
            for node in set(held) - set(made):  # another profile's claim decided it
                self._reported(node, held[node], why)
        return undecided

    def _standing_claims(self, node: str, ended: str) -> list[tuple[str, str, str]]:
        """The claims on ``node`` of profile graphs other than ``ended`` that still state it
        and whose claim made a merge (kept under :func:`claim_key`): (key, profile, graph),
        in the order of their keys."""
        reg = self.registry
        found: list[tuple[str, str, str]] = []
        for key in sorted(reg.claim_merges([node])):
            graph = key.removeprefix(f"{node} ")
            profile = unquote(graph.rsplit("/graph/profile/", 1)[-1])
            if graph != ended and reg.states(graph, node) and reg.profile_person(profile):
                found.append((key, profile, graph))
        return found

    def _apart(self, ended: set[str], profile: str, graph: str) -> bool:
        """Whether the merge a standing claim of ``graph`` on one of ``ended`` (whose claims
        ended) made is undone with the claim it joined: not while ``graph`` states another
        authorship its researcher holds (one person is at one position of a paper, so its
        listing of that paper names them there: a claim that made no merge of its own, and
        the two stay one)."""
        reg = self.registry
        pid = reg.profile_person(profile)
        nodes = reg.stated_by(graph)
        held = reg.mentions(nodes)
        return not any(n not in ended and reg.live(m.person) == pid for n, m in held.items())

    def _reported(self, node: str, held: int, why: str) -> None:
        """A published person who held ``node`` and holds it no more is reported."""
        reg = self.registry
        after = reg.mentions([node]).get(node)
        person = reg.person(held)
        if (after is None or reg.live(after.person) != held) and person.published:
            self.events.append(IdentityEvent("reassigned", person.slug, node, "restated", why))

    def _decide_again(
        self, undecided: dict[str, tuple[Mention, int, str, tuple[str, str] | None]]
    ) -> None:
        """Decide the authorships whose claim ended: with the researcher of another profile
        whose claim on it stands, else from the evidence left (the sources that still state
        them and their papers' authors), unless the run's sources decided them already; a
        published person who lost one is reported (``reassigned``)."""
        reg = self.registry
        decided = reg.mentions(list(undecided))
        for node, (before, held, why, claim) in undecided.items():
            if node not in decided and claim is not None:
                profile, graph = claim
                pid = reg.profile_person(profile)
                assert pid is not None  # _standing_claims kept only registered profiles
                basis = self._claim(profile)
                mention = Mention(
                    node, before.paper, before.position, pid, before.name,
                    "profile-researcher", 1.0, basis, graph, False,
                )  # fmt: skip
                reg.assign(mention, None)
            elif node not in decided:
                self._from_evidence(before)
            self._reported(node, reg.live(held), why)

    def _from_evidence(self, before: Mention) -> None:
        """Decide one authorship again from the registry's evidence: its paper's known authors
        and a graph still stating it. With no evidence, the person it founded, if that person
        is still one of its own."""
        reg, node = self.registry, before.node
        source = reg.stating(node)
        if source is None:
            return
        authors = [
            AuthorMention(n, before.position if n == node else None, name)
            for n, name in reg.authors_of(before.paper)
        ]
        author = next((a for a in authors if a.node == node), None)
        if author is None:
            author = AuthorMention(node, before.position, before.name)
            authors.append(author)
        keys = tuple(sorted(reg.keys_of(before.paper))) or (before.paper,)
        paper = PaperMentions(before.paper, keys, tuple(authors), source)
        on_paper = {reg.live(p) for p in reg.persons_on([paper.paper]).get(paper.paper, ())}
        evidence = len(authors) <= MAX_EVIDENCE_AUTHORS  # as for any paper (see add_many)
        if not evidence or not self._coauthor_evidence(author, paper, on_paper):
            founder = self._founded(node, {author.name, before.name, *reg.names_at(node)})
            if founder is not None and founder not in on_paper:
                basis = "no evidence links it"
                self._assign(author, paper, founder, "first-seen", None, basis, previous=None)
                return
        self._by_evidence([author], paper, {}, on_paper, evidence)

    def _founded(self, node: str, spellings: set[str]) -> int | None:
        """The live person this authorship founded (``first-seen``), if any: deciding it
        ``first-seen`` again gives them back their authorship, not a new IRI."""
        reg = self.registry
        for name in sorted(spellings):
            person = reg.by_slug(f"{names.name_key(name)}-{short_hash(f'node:{node}')}")
            if (
                person is not None
                and person.founded == f"node:{node}"
                and person.merged_into is None
                and names.compatible(person.name, name)
            ):
                return person.id
        return None

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

    def _unmerge(self, nodes: Sequence[str], basis: str) -> None:
        """The merges these authorships were the evidence of are undone: the retired person is
        live again (its IRI is no longer ``owl:sameAs`` the survivor); reported when published."""
        reg = self.registry
        undone = reg.unmerge(nodes)
        for revived, survivor in undone:
            self._retired.discard(revived)
            self._names.pop(survivor, None)
            self._names.pop(revived, None)
            back, left = reg.person(revived), reg.person(survivor)
            for pid, person in ((revived, back), (survivor, left)):  # fullest of what is left
                spellings = reg.names_of(pid, without=set(nodes))  # those are re-decided
                if person.profile is not None:
                    spellings.insert(0, reg.profile_name(person.profile) or person.name)
                if spellings:
                    reg.set_name(pid, names.preferred(spellings))
            if back.published or (back.profile is not None and left.published):
                why = f"the authorship that joined them is gone ({basis})"
                self.events.append(IdentityEvent("unmerge", back.slug, left.slug, "restated", why))
        for survivor in dict.fromkeys(reg.live(s) for _, s in undone):
            self._recheck(survivor, set(nodes), f"its evidence is another person's now ({basis})")

    def _recheck(self, pid: int, skip: set[str], why: str) -> None:
        """After an undone merge: the authorships ``pid`` holds by co-authors on a paper it
        holds no authorship of any more (given to it while it was one with the person revived)
        are decided again from their evidence, until none is left (but those in ``skip``,
        which the caller decides again)."""
        reg = self.registry
        for _ in range(len(reg.mentions_of(pid)) + 1):  # each round moves one at least
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
                self._from_evidence(mention)
                self._reported(mention.node, pid, why)
            skip |= {m.node for m in stale}

    def _moved(
        self, fresh: list[AuthorMention], paper: PaperMentions, displaced: list[Mention]
    ) -> list[AuthorMention]:
        """A new version of the paper lists its authors in another order: an author now at
        another position under a compatible name stays the person they were (``same-paper``).
        Returns the authors still undecided; a published person who lost an authorship to
        someone else and was not found elsewhere on the paper is reported."""
        reg, left = self.registry, []
        # compatible names share their surname: each author is compared only with the
        # displaced of its surname, in their order (the first compatible one, as in a scan of
        # all), so a long list whose positions all moved costs no square of its length
        by_surname: dict[str, list[Mention]] = {}
        for gone in displaced:
            if words := names.tokens(gone.name):
                by_surname.setdefault(words[-1], []).append(gone)
        taken: set[int] = set()  # the matched ones (by object: the list may repeat a mention)
        for author in fresh:
            words = names.tokens(author.name)
            same = by_surname.get(words[-1], []) if words else []
            at = next((i for i, m in enumerate(same) if names.compatible(m.name, author.name)), -1)
            if at < 0:
                left.append(author)
                continue
            match = same.pop(at)
            taken.add(id(match))
            basis = f"listed as {match.name!r} at position {match.position} before"
            pid = reg.live(match.person)
            self._assign(author, paper, pid, "same-paper", 0.9, basis, evidence=paper.paper)
        for gone in displaced:
            if id(gone) in taken:
                continue
            before = reg.person(reg.live(gone.person))
            if before.published:
                basis = f"{gone.node} is now listed under another name"
                self.events.append(
                    IdentityEvent("reassigned", before.slug, gone.node, "restated", basis)
                )
        return left
