"""When a profile's claim on an authorship ends (the page no longer lists the paper, arXiv
still does): the claim's merge undone, another profile's standing claim kept, and the
authorship decided again from the evidence left (part of :class:`~.resolver.IdentityResolver`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scholarkg.identity import names
from scholarkg.identity.mentions import AuthorMention, IdentityEvent, PaperMentions
from scholarkg.identity.registry import (
    MAX_EVIDENCE_AUTHORS,
    Mention,
    Registry,
    claim_key,
)
from scholarkg.identity.run_lines import RunLines
from scholarkg.lifecycle import check_stop


class ClaimEnds:
    """Ending profile claims; the restatement (:class:`~.restatement.Restatement`) calls it."""

    registry: Registry
    events: RunLines[IdentityEvent]
    _assign: Callable[..., None]
    _by_evidence: Callable[..., None]
    _claim: Callable[[str, str | None], str]
    _coauthor_evidence: Callable[..., list[tuple[int, int, tuple[str, str]]]]
    _unmerge: Callable[[Sequence[str], str], None]

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
        are dropped, and the graph's ended claims are forgotten (``claims``). Another profile
        graph's claim on one of them that still stands keeps it, whether or not it made a
        merge: a merge it made (joining its researcher to the one the ended claim gave it) is
        undone too (what it joined was the ended claim's), and the authorship goes to that
        profile's researcher. Returns them by node, with the person who held each, why, and
        the standing claim (profile, graph) if any, to be decided again."""
        reg = self.registry
        undecided: dict[str, tuple[Mention, int, str, tuple[str, str] | None]] = {}
        for graph, now in claimed.items():
            check_stop()
            reg.end_claims(graph, now)
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
        """The claims on ``node`` of profile graphs other than ``ended`` that still state it,
        whether or not they made a merge: (the :func:`claim_key` a merge of theirs is kept
        under, profile, graph), in graph order."""
        reg = self.registry
        return [
            (claim_key(node, graph), profile, graph)
            for graph, profile in reg.claims_on(node)
            if graph != ended and reg.states(graph, node) and reg.profile_person(profile)
        ]

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
            check_stop()
            if node not in decided and claim is not None:
                profile, graph = claim
                pid = reg.profile_person(profile)
                assert pid is not None  # _standing_claims kept only registered profiles
                basis = self._claim(profile, before.name)
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
        ranked = self._coauthor_evidence(author, paper, on_paper) if evidence else []
        if not ranked:
            founder = self._founded(node, {author.name, before.name, *reg.names_at(node)})
            if founder is not None and founder not in on_paper:
                basis = "no evidence links it"
                self._assign(author, paper, founder, "first-seen", None, basis, previous=None)
                return
        self._by_evidence([author], paper, {}, on_paper, evidence, ranked)

    def _founded(self, node: str, spellings: set[str]) -> int | None:
        """The live person this authorship founded (``first-seen``), if any: deciding it
        ``first-seen`` again gives them back their authorship, not a new IRI. Found by what
        founded them, not by their slug (a new person is named by its first authorship in IRI
        order: :mod:`~.slug_settling`; a slug may be keyed by an earlier names version); their
        name now may be a spelling of this position written in the other order, ``Wei Wang``
        for ``Wang W.``: :func:`~.names.compatible_at_position`. Of two, the one that holds no
        other authorship (the other is the persons' who joined it through this one)."""
        reg = self.registry
        found = [
            person.id
            for person in reg.founded_by(f"node:{node}")
            if person.merged_into is None
            and any(names.compatible_at_position(person.name, name) for name in sorted(spellings))
        ]
        # one that others joined through it and that it left (an ambiguous authorship decided
        # again: coauthor_rule) is theirs: the one holding nothing else first
        return min(found, key=reg.holds_any, default=None)
