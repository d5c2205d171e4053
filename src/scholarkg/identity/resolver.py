"""Who is who: every authorship node gets a person, decided from evidence and recorded.

Rules, strongest first (each decision keeps its rule, score, basis and evidence):

``config-split`` / ``config-merge``
    ``[people.split]`` / ``[people.merge]`` (see :mod:`scholarkg.identity.overrides`).
``profile-researcher``
    A profile names its researcher at this position of a paper it lists (the profile, not the
    name, identifies the researcher). Two profiles claiming one authorship are one person.
``same-position``
    The node is already known from another source (a profile listing and arXiv at the same
    position of the same paper) and the names are compatible (``R. Dadashi`` ~ ``Robert Dadashi``),
    here also when one is written surname first (``Wei Wang`` ~ ``Wang Wei``; only here).
``same-paper``
    A new version of a paper lists the authors in another order: an author at another
    position under a compatible name is the person they were on that paper.
``shared-coauthor``
    Within a name block, a compatible person who wrote another paper with one of this paper's
    co-authors. A new authorship that links two such persons merges them (new evidence),
    but not one that another author of the paper is as compatible with (either could be it). A
    paper of more than ``MAX_EVIDENCE_AUTHORS`` person authors gives no such evidence, to its
    own authors as to others.
``first-seen``
    No evidence links the authorship to anyone: a person of its own. A shared name alone never
    joins two authorships.
"""

from __future__ import annotations

from collections.abc import Sequence

from scholarkg.identity import names
from scholarkg.identity.coauthor_rule import CoauthorRule
from scholarkg.identity.configured import ConfiguredDecisions
from scholarkg.identity.decisions import Decisions
from scholarkg.identity.honorifics import bare_name
from scholarkg.identity.mentions import AuthorMention, IdentityEvent, PaperMentions
from scholarkg.identity.name_review import NameReview
from scholarkg.identity.overrides import Overrides
from scholarkg.identity.registry import (
    MAX_EVIDENCE_AUTHORS,
    Mention,
    Registry,
    claim_key,
    short_hash,
)
from scholarkg.identity.restatement import Restatement
from scholarkg.identity.run_lines import conflicts_of, events_of
from scholarkg.iris import capped
from scholarkg.lifecycle import check_stop

__all__ = ["AuthorMention", "IdentityEvent", "IdentityResolver", "PaperMentions"]


class IdentityResolver(Decisions, CoauthorRule, ConfiguredDecisions, Restatement, NameReview):
    """Applies the rules to papers as they load; the registry keeps the outcome."""

    def __init__(self, registry: Registry, overrides: Overrides | None = None) -> None:
        self.registry = registry
        self.overrides = overrides or Overrides()
        # found in this run, kept in the registry (its transaction), not here: see run_lines
        self.events = events_of(registry.db)
        self.conflicts = conflicts_of(registry.db)
        self.events.clear()  # a run killed before its report left its own
        self.conflicts.clear()
        self._names: dict[int, str] = {}  # the fullest spelling of persons seen in this run
        # persons merged away since the batch being decided read who is on its papers (the
        # persons it read may be merged since); emptied at each batch: bounded by its merges
        self._retired: set[int] = set()
        self._relisted: dict[str, list[Mention]] = {}  # withdrawn by the restatement, by key
        self._whole = False  # inside kept_whole (restatement)
        self._revisiting = False  # deciding an earlier authorship again (coauthor_rule)
        self._decided_again: set[str] = set()  # by coauthor_rule, at most once a run

    # -- profiles -----------------------------------------------------------------------------

    def profile(self, name: str, location: str, sha256: str) -> str:
        """The profile slug of a page: the same bytes from two paths are one profile, and an
        updated page at a known location is the same profile (if it names a compatible
        researcher); anything else is a new profile, whatever its researcher's name. A page
        whose researcher is a group (``Gemma Team``) founds no person: groups never are."""
        reg = self.registry
        name = names.listed_name(bare_name(name))  # compared and founded without "Dr." or ", PhD"
        slug = reg.profile_for([f"sha:{sha256}"])
        if slug is None:
            known = reg.profile_for([f"loc:{location}"])
            was = bare_name(reg.profile_name(known) or "") if known is not None else ""
            if known is not None and names.compatible(was, name):
                slug = known
        if slug is None:
            # named by its researcher and the first content seen: the same on every machine,
            # and two researchers who share a name have two pages, so two profiles
            key = capped(names.name_key(name))
            slug = f"{key}-{short_hash(sha256)}"
            if reg.profile_name(slug) is not None:  # eight hex digits collided: lengthen
                slug = f"{key}-{short_hash(sha256 + '|' + location)}"
            reg.add_profile(slug, name, location)
        reg.add_profile_source(f"sha:{sha256}", slug)
        reg.add_profile_source(f"loc:{location}", slug)
        if reg.profile_person(slug) is None and not names.is_group(name):  # a group: no person
            label = self.overrides.profile_split((location,))
            if label is not None and self._label_taken(label):
                label = None  # another person's IRI (an error: apply_overrides)
            pid = self._new(name, f"profile:{slug}", slug=slug, profile=slug, label=label)
            reg.set_profile_person(slug, pid)
        return slug

    # -- papers -------------------------------------------------------------------------------

    def add(self, paper: PaperMentions) -> None:
        """Decide the person of every authorship the source lists on the paper."""
        self.add_many([paper])

    def add_many(self, papers: Sequence[PaperMentions]) -> None:
        """:meth:`add` for many papers, in order, their evidence written in a few statements
        (the decisions are the same as one paper at a time). A stop asked for (SIGTERM/SIGINT)
        ends it between two papers (:class:`~scholarkg.lifecycle.Interrupted`), and undoes
        it, or the restatement it is part of (:meth:`kept_whole`): the next run decides them
        all again."""
        with self.kept_whole():
            if len({p.paper for p in papers}) < len(papers):  # a paper twice: one at a time
                for paper in papers:
                    self._add_batch([paper])
            elif papers:
                self._add_batch(papers)

    def _add_batch(self, papers: Sequence[PaperMentions]) -> None:
        reg = self.registry
        reg.record_papers(
            [
                (
                    p.paper,
                    p.keys,
                    [(names.block(a.name), a.node, a.name) for a in p.authors],
                    p.complete,
                )
                for p in papers
            ]
        )
        reg.add_names([(a.node, a.name) for p in papers for a in p.authors])
        reg.add_claims(  # kept whatever they decide: a claim may outlast another's
            (a.node, p.source, slug)
            for p in papers
            for a in p.authors
            if (slug := p.claims.get(a.node)) is not None
        )
        known = reg.mentions([a.node for p in papers for a in p.authors])
        self._retired.clear()  # persons_on reads live persons: none merged away yet
        held = reg.persons_on([p.paper for p in papers])
        counts = reg.author_counts([p.paper for p in papers])
        for paper in papers:
            check_stop()  # a stop asked for ends the step between two papers' decisions
            on_paper = {reg.live(p) if p in self._retired else p for p in held.get(paper.paper, ())}
            # as in the pair index: a paper of more authors gives no co-author evidence, so its
            # authors are not looked up either (and each is decided in bounded work)
            evidence = counts.get(paper.paper, 0) <= MAX_EVIDENCE_AUTHORS
            self._decide(paper, known, on_paper, evidence)

    def _decide(
        self,
        paper: PaperMentions,
        known: dict[str, Mention],
        on_paper: set[int],
        evidence: bool = True,
    ) -> None:
        fresh: list[AuthorMention] = []
        displaced: list[Mention] = []  # authorships now listed under another author's name
        for author in paper.authors:
            rule = self.overrides.split_for(paper.keys, author.position, author.name)
            label = None if rule is None else rule[1]
            if rule is not None and (
                self._label_taken(rule[1]) or self._papers_named(rule[0], paper.paper)[1:]
            ):
                label = None  # another person's IRI, or a title of two papers: an error, the
                # authorship decided as before
            existing = known.get(author.node)
            kept = existing is not None and (
                existing.pinned or names.compatible_at_position(existing.name, author.name)
            )
            if (
                label is None
                and existing is not None
                and not kept
                and self._contested(author, paper, existing)
            ):
                continue  # another source still lists its own name there: a conflict
            if existing is not None and not kept:
                self.registry.forget_names(author.node, keep=author.name)
                displaced.append(existing)
            if label is not None:
                self._split(author, paper, label, existing)
            elif existing is not None and kept:
                self._confirm(author, paper, existing)
                on_paper.add(self.registry.live(existing.person))  # a claim may have merged
            elif (claim := paper.claims.get(author.node)) is not None:
                pid = self._profile_person(claim)
                self._assign(
                    author,
                    paper,
                    pid,
                    "profile-researcher",
                    1.0,
                    self._claim(claim, author.name),
                    previous=None if existing is None else existing.person,
                )
                on_paper.add(pid)  # on the paper: no other author of it is the researcher
            else:
                fresh.append(author)
        if displaced:
            self._unmerge(
                [m.node for m in displaced], f"{paper.source} lists another author there now"
            )
            fresh = self._moved(fresh, paper, displaced)
        if fresh and self._relisted:
            fresh = self._relisted_as(fresh, paper)
        if fresh:
            self._by_evidence(fresh, paper, known, on_paper, evidence)

    def _contested(self, author: AuthorMention, paper: PaperMentions, existing: Mention) -> bool:
        """A profile lists ``author`` where another source, still listing it, names someone
        else (two pages list a paper only they know with its authors in two orders; a
        position is one author): the decision stays, and the conflict is reported. Not the
        same source listing another author there now (a page or record changed), which
        displaces the decision; nor a record (its order is the paper's)."""
        other = existing.evidence
        if not paper.given_first or other is None or other == paper.source:
            return False
        if not self.registry.states(other, author.node):
            return False
        kept = self.registry.person(self.registry.live(existing.person)).slug
        self.conflicts.append(
            f"{paper.source} lists {author.name!r} at {author.node}, where {other} lists"
            f" {existing.name!r}; kept {kept}"
        )
        return True

    def _claim(self, slug: str, listed: str | None = None) -> str:
        """The basis of a profile's claim; where the page heads its researcher in the other
        order than ``listed`` (``Wang Wei``, ``Wei Wang``), it says so."""
        basis = f"profile {slug} lists this paper and names its researcher here"
        heading = self.registry.profile_name(slug)
        if (
            listed is not None
            and heading is not None
            and not names.compatible(heading, listed)
            and names.compatible_at_position(heading, listed)
        ):
            basis += f" (the page heads {heading!r}, listed {listed!r}: one of them surname first)"
        return basis

    def _profile_person(self, slug: str) -> int:
        pid = self.registry.profile_person(slug)
        if pid is None:
            raise KeyError(f"profile {slug} was not registered")
        return pid

    def _confirm(self, author: AuthorMention, paper: PaperMentions, existing: Mention) -> None:
        """A known node seen again (maybe from another source): keep its person; a profile
        claim on it joins the profile's researcher."""
        pid = self.registry.live(existing.person)
        self._longer_name(pid, author.name, given_first=paper.given_first)
        claim = paper.claims.get(author.node)
        if claim is None or existing.pinned:
            if existing.name != author.name and existing.rule == "first-seen":
                basis = f"listed as {existing.name!r} and {author.name!r} at this position"
                if not names.compatible(existing.name, author.name):
                    basis += " (one of them surname first)"
                self._assign(author, paper, pid, "same-position", 0.9, basis, keep=existing)
            return
        researcher = self._profile_person(claim)
        if researcher != pid:  # kept under the claim: the claim's end undoes it
            key = claim_key(author.node, paper.source)
            why = self._claim(claim, author.name)
            pid = self._merge(pid, researcher, "profile-researcher", why, True, key)
        if existing.rule != "profile-researcher":
            self._assign(
                author, paper, pid, "profile-researcher", 1.0, self._claim(claim, author.name)
            )
