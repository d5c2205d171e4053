"""The ``shared-coauthor`` rule: within a name block, a compatible person who wrote another paper
with one of this paper's co-authors is the author; an authorship that links two such persons
merges them (new evidence); no such person, or as much evidence for two who cannot be one
(whichever was seen first would win), or another author of the paper as compatible with the
person (whichever is listed first would win), a person of its own (``first-seen``). An author
decided so may make such an authorship decided earlier ambiguous (``D. Ritter`` joined
``Debashish Ritter``, then ``Damian C. Ritter`` beside the same co-author): it is decided again."""

from __future__ import annotations

from collections.abc import Callable

from scholarkg.identity import names
from scholarkg.identity.coauthor_ties import CoauthorTies
from scholarkg.identity.mentions import AuthorMention, IdentityEvent, PaperMentions
from scholarkg.identity.names import spelled_surnames
from scholarkg.identity.registry import CACHE_LIMIT, Mention
from scholarkg.identity.run_lines import RunLines


class CoauthorRule(CoauthorTies):
    """The evidence part of :class:`~.resolver.IdentityResolver`; how it breaks ties is
    :class:`~.coauthor_ties.CoauthorTies`."""

    _retired: set[int]
    conflicts: RunLines[str]
    events: RunLines[IdentityEvent]
    _revisiting: bool  # deciding an earlier authorship again: no revisit from there
    _decided_again: set[str]  # authorships decided again in this run (so at most once)
    _from_evidence: Callable[[Mention], None]
    _merge: Callable[[int, int, str, str, bool, str | None], int]
    _founded: Callable[[str, set[str]], int | None]
    _new: Callable[..., int]
    _assign: Callable[..., None]

    def _by_evidence(
        self,
        fresh: list[AuthorMention],
        paper: PaperMentions,
        known: dict[str, Mention],
        on_paper: set[int],
        evidence: bool = True,
        looked_up: list[tuple[int, int, tuple[str, str]]] | None = None,
    ) -> None:
        """Decide the ``fresh`` authors; without ``evidence`` (a paper past the evidence limit)
        nothing is looked up and each is a person of its own. ``looked_up``: the one fresh
        author's :meth:`_coauthor_evidence`, when the caller has it (not looked up twice)."""
        on_paper = set(on_paper)  # the live persons holding an authorship on the paper
        listed = _listed(paper) if evidence else []
        chosen: dict[str, int] = {}  # node: the person it was given here
        unlinked: set[str] = set()  # nodes no pair-index row links to another paper
        co_authors: list[dict[str, list[str]] | None] = []  # each author's co-authors, when read
        for author in fresh:
            mine = None
            if looked_up is not None and len(fresh) == 1:
                ranked = looked_up
            elif evidence:
                mine = _others(author, listed)  # read once: the revisit below compares them too
                ranked = self._coauthor_evidence(author, paper, on_paper, listed, unlinked, mine)
            else:
                ranked = []
            ranked, spelled = self._spelled_first(ranked, author.name)
            why = self._ambiguous(ranked) if ranked and not spelled else None
            if why is None and ranked:
                why = self._twin(author, ranked[0][0], listed)
            if why is not None:
                self.conflicts.append(f"{author.name!r} at {author.node}: {why}")
                founder = self._founded(author.node, {author.name})  # decided again: as before
                if founder is None or founder in on_paper or self.registry.holds_any(founder):
                    # a person it founded that others joined through it is theirs now
                    founder = self._new(author.name, f"node:{author.node}")
                pid = founder
                self._assign(
                    author,
                    paper,
                    pid,
                    "first-seen",
                    None,
                    why,
                    previous=self._previous(known, author),
                )
            elif ranked:
                (best, count, hit), *others = ranked
                basis = (
                    f"shares {count} co-author(s) with this person's other papers, "
                    f"e.g. {hit[1]} on {hit[0]}"
                )
                if spelled:
                    basis += f"; as many as another's, this person is written {author.name!r}"
                pid = best
                for other, n, other_hit in others:
                    if self._twin(author, other, listed) is not None:
                        # another author of the paper is as linked to it: neither joins it,
                        # as neither would had it come before the paper (_twin)
                        continue
                    why = f"{author.name} on {paper.keys[0]} shares co-authors with both"
                    why += f" (e.g. {other_hit[1]} on {other_hit[0]}, {n} in all)"
                    pid = self._merge(other, pid, "shared-coauthor", why, False, author.node)
                self._assign(
                    author,
                    paper,
                    pid,
                    "shared-coauthor",
                    float(count),
                    basis,
                    hit[0],
                    previous=self._previous(known, author),
                )
            else:
                pid = self._new(author.name, f"node:{author.node}")
                self._assign(
                    author,
                    paper,
                    pid,
                    "first-seen",
                    None,
                    "no evidence links it",
                    previous=self._previous(known, author),
                )
            on_paper.add(pid)
            chosen[author.node] = pid
            co_authors.append(mine)
        if evidence and not self._revisiting:
            for author, mine in zip(fresh, co_authors, strict=True):
                if author.node not in unlinked:  # else nothing it could decide again
                    if mine is None:
                        mine = _others(author, listed)
                    self._revisit(author, paper, mine, chosen[author.node])

    def _revisit(
        self,
        author: AuthorMention,
        paper: PaperMentions,
        mine: dict[str, list[str]],
        decided: int,
    ) -> None:
        """Decide again each authorship decided earlier by co-authors (or founding a person)
        that ``author``, now decided, is compatible with beside one of the same co-authors,
        held by a person who cannot be one with ``author``'s: the evidence for it may be tied
        now (``D. Ritter`` beside V. N. White, joined to ``Debashish Ritter`` before ``Damian
        C. Ritter`` came beside White too), so that it is decided as if it had come last. A
        published person who loses it is reported (``reassigned``), and keeps their IRI. At
        most once a run an authorship: on a crowded name block an initial made a person of
        its own was joined again by the next author linking them and split off by the next,
        a new person each time (17 times for one authorship in 3 000 papers). ``mine``: the
        author's co-authors on the paper by block (:func:`_others`)."""
        reg = self.registry
        if not mine:
            return
        pid = reg.live(decided)
        shared: dict[str, set[str]] = {}  # node: the co-author blocks it shares with ``author``
        found: dict[str, tuple[int, float]] = {}  # node: (its person, the evidence it had)
        apart: dict[int, bool] = {}  # person: held by someone who cannot be one with ``pid``
        for block in names.blocks(author.name):
            # persons first, then the nodes of those apart only: a person's many papers beside
            # the same co-authors, held by ``pid`` itself, are not read again each paper
            persons = reg.coauthor_persons(block, list(mine), paper.paper)
            for person in persons:
                if person not in apart:  # many nodes, a few persons: each person read once
                    held = reg.live(person)
                    apart[person] = held != pid and self._apart_by_name(held, pid)
            wanted = [person for person in persons if apart[person]]
            if not wanted:
                continue
            for node, _name, person, score, co_block, co_name in reg.coauthor_nodes(
                block,
                list(mine),
                paper.paper,
                wanted,
                lambda name: names.compatible(name, author.name),
            ):
                if any(names.compatible(co_name, m) for m in mine[co_block]):
                    shared.setdefault(node, set()).add(co_block)
                    found[node] = (person, score)
        due: dict[str, int] = {}
        for node, (person, score) in found.items():
            if len(shared[node]) < score:  # more evidence for the person it has than for pid's
                continue
            if reg.stating(node) is not None:  # else not decided again
                due[node] = reg.live(person)
        for node, held in due.items():
            if node in self._decided_again:
                continue  # once a run: else split off and joined again by each new author
            if len(self._decided_again) < CACHE_LIMIT:
                self._decided_again.add(node)
            [before] = reg.undecide([node])
            self._revisiting = True
            try:
                self._from_evidence(before)
            finally:
                self._revisiting = False
            after = reg.mentions([node]).get(node)
            loser = reg.person(reg.live(held))
            if (after is None or reg.live(after.person) != loser.id) and loser.published:
                why = after.basis if after is not None and after.basis else "decided again"
                self.events.append(
                    IdentityEvent("reassigned", loser.slug, node, "shared-coauthor", why)
                )

    def _apart_by_name(self, a: int, b: int) -> bool:
        """The live persons ``a`` and ``b`` cannot be one for their names (what
        :meth:`~.decisions.Decisions._kept_apart` asks of the rule last, without the query for
        a shared paper: a pair kept apart otherwise is no matter here)."""
        reg = self.registry
        name_a = self._names.get(a) or reg.person(a).name
        name_b = self._names.get(b) or reg.person(b).name
        return not names.compatible(name_a, name_b)

    @staticmethod
    def _previous(known: dict[str, Mention], author: AuthorMention) -> int | None:
        existing = known.get(author.node)
        return None if existing is None else existing.person

    def _coauthor_evidence(
        self,
        author: AuthorMention,
        paper: PaperMentions,
        exclude: set[int],
        listed: list[tuple[str, str, tuple[str, ...], frozenset[str]]] | None = None,
        unlinked: set[str] | None = None,
        mine: dict[str, list[str]] | None = None,
    ) -> list[tuple[int, int, tuple[str, str]]]:
        """Persons with a compatible name (not on this paper already) who wrote another paper
        with one of this paper's co-authors: (person, how many co-authors, (paper, co-author)).
        Looked up under each block of the author's and the co-authors' spellings
        (:func:`~.names.blocks`).
        ``listed``: the paper's :func:`_listed` authors, when the caller has them;
        ``unlinked`` gets the author's node when the pair index links it to no other paper's
        authorship beside one of these co-authors (:meth:`_revisit` would find none either);
        ``mine``: the author's :func:`_others`, when the caller has them."""
        if mine is None:
            mine = _others(author, _listed(paper) if listed is None else listed)
        hits = [
            hit
            for block in names.blocks(author.name)
            for hit in self.registry.coauthor_hits(block, list(mine), paper.paper)
        ]
        if not hits and unlinked is not None:
            unlinked.add(author.node)
        shared: dict[int, dict[str, tuple[str, str]]] = {}
        for pid, full, other_paper, block, name in hits:
            if (
                pid not in exclude
                and pid not in self._retired
                and names.compatible(self._names.get(pid, full), author.name)
                and any(names.compatible(name, m) for m in mine[block])
            ):
                shared.setdefault(pid, {}).setdefault(block, (other_paper, name))
        ranked = [(pid, len(blocks), min(blocks.values())) for pid, blocks in shared.items()]
        ranked.sort(key=lambda r: (-r[1], r[0]))
        return ranked


def _others(
    author: AuthorMention, listed: list[tuple[str, str, tuple[str, ...], frozenset[str]]]
) -> dict[str, list[str]]:
    """The names of ``author``'s co-authors on the paper by each of their blocks: the other
    authors whose names are not compatible with the author's."""
    mine: dict[str, list[str]] = {}
    surnames = spelled_surnames(author.name)
    for node, name, their_blocks, theirs in listed:
        # compatible names share a surname in some spelling: only those are compared
        if node != author.node and (
            not surnames & theirs or not names.compatible(name, author.name)
        ):
            for block in their_blocks:
                mine.setdefault(block, []).append(name)
    return mine


def _listed(paper: PaperMentions) -> list[tuple[str, str, tuple[str, ...], frozenset[str]]]:
    """The paper's authors as (node, name, blocks, surnames) in order, the blocks and surnames
    of every spelling of the name: read once a paper, not once an author of it (a paper of a
    hundred authors is ten thousand pairs)."""
    return [
        (author.node, author.name, names.blocks(author.name), spelled_surnames(author.name))
        for author in paper.authors
    ]
