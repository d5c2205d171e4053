"""The profile graph of one profile page, paper by paper: each listed paper (typed and
described only when arXiv's graph does not already), its authorships as listed, the groups and
organisations it names, its ``skg:Resolution``, and the listed-only IRIs a resolved paper
replaces; with each paper's mentions for the identity step."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, SKOS, XSD

from scholarkg.identity.honorifics import bare_name
from scholarkg.identity.invisible import has_invisible
from scholarkg.identity.names import is_group, listed_name, nfc, written_for
from scholarkg.identity.resolver import AuthorMention, PaperMentions
from scholarkg.iris import PRO, SKG, Minter, category, fold, slug, work_key
from scholarkg.models import ArxivRecord, Profile, ProfilePaper
from scholarkg.resolution.score import Verdict
from scholarkg.transform.emit import NTriplesEmitter, Terms, decimal_lexical
from scholarkg.transform.researcher_place import place_researcher

OrgLabel = Callable[[str, str], str]  # (folded key, spelling) -> preferred label

BOOLEAN, DECIMAL = str(XSD.boolean), str(XSD.decimal)


def _s(term: URIRef) -> str:
    return str(term)


class ProfileBuilder:
    """Emits the profile graph; collects each paper's mentions for the identity step."""

    def __init__(self, profile: Profile, minter: Minter, slug_: str, org_label: OrgLabel) -> None:
        self.profile, self.minter, self.slug, self.org_label = profile, minter, slug_, org_label
        self.out = NTriplesEmitter()
        self.terms = Terms(self.out)
        self.mentions: list[PaperMentions] = []
        self.findings: list[str] = []  # what the listing leaves open

    def _add(self, subject: str, predicate: URIRef, obj: str) -> None:
        self.out.add(subject, self.out.vocab(str(predicate)), obj)

    def _bool(self, value: bool) -> str:
        return self.out.typed("true" if value else "false", BOOLEAN)

    def add(self, item: ProfilePaper, paper_iri_: URIRef, record: ArxivRecord | None) -> None:
        out, add, researcher = self.out, self._add, listed_name(bare_name(self.profile.name))
        paper = out.iri(paper_iri_)
        add(paper, SKG.subjectCode, out.plain(item.subject_code))
        add(paper, SKG.hasCode, self._bool(item.has_code))
        add(paper, SKG.listedAuthorsTruncated, self._bool(item.authors_truncated))
        if record is None:  # only the profile knows this paper (arXiv's graph types the others)
            add(paper, RDF.type, out.vocab(_s(SKG.Paper)))
            add(paper, DCTERMS.title, out.plain(listed_name(item.title)))  # as arXiv's
            add(paper, DCTERMS.issued, self.terms.date(item.date))
            if item.abstract:
                add(paper, DCTERMS.abstract, out.plain(item.abstract))
            if item.category:
                add(paper, SKG.primaryCategory, out.vocab(_s(category(item.category))))
                add(paper, SKG.category, out.vocab(_s(category(item.category))))
        for name in item.organizations:
            self._organization(paper, name)
        place = place_researcher(item, researcher, self.slug, record)
        authors: list[AuthorMention] = []
        for name, token, position in zip(item.authors, place.tokens, place.positions, strict=True):
            node = self._authorship(paper_iri_, token, position, listed_name(name))
            if not is_group(name):
                authors.append(AuthorMention(node, position, listed_name(name)))
        claims: dict[str, str] = {}
        if is_group(researcher):
            pass  # a group's page: the listing links the group where it names it; no person
        elif place.researcher is None:
            where = " and ".join(str(c) for c in place.candidates)
            self.findings.append(
                f"{self.profile.source}:{item.line}: {researcher!r} may be the author at"
                f" positions {where} of {paper_iri_}; the profile does not tell which, so it claims"
                " none of them"
            )
        else:
            own = str(self.minter.authorship(paper_iri_, place.researcher))
            claims[own] = self.slug
            if place.researcher not in place.tokens:
                position = place.researcher if isinstance(place.researcher, int) else None
                self._authorship(paper_iri_, place.researcher, position, None)
                authors.append(AuthorMention(own, position, researcher))
        # the key letters 2 wrote too where it differs (a title in TeX: "{\\O}resund …" was
        # "resund …"), so the paper minted before is found as this one (same-paper)
        older = fold(item.title, symbols=True, letters="2") if "\\" in item.title else None
        # and minting 7's where a hidden character split a word ("Atten\u200btion"), likewise
        split = fold(item.title, symbols=True) if has_invisible(item.title) else None
        ids = (record.arxiv_id if record else None, work_key(item.title), older, split)
        keys = tuple(k for k in dict.fromkeys(ids) if k)
        self.mentions.append(
            PaperMentions(
                str(paper_iri_),
                keys,
                tuple(authors),
                str(self.minter.profile_graph(self.slug)),
                complete=False,
                claims=claims,
                given_first=True,
            )
        )

    def _authorship(
        self, paper: URIRef, token: int | str, position: int | None, name: str | None
    ) -> str:
        out, add = self.out, self._add
        node_iri = str(self.minter.authorship(paper, token))
        node = out.iri(node_iri)
        add(out.iri(paper), SKG.hasAuthorship, node)
        add(node, RDF.type, out.vocab(_s(SKG.Authorship)))
        add(node, PRO.withRole, out.vocab(_s(PRO.author)))
        if position is not None:
            add(node, SKG.position, self.terms.integer(position))
        if name is not None:
            add(node, SKG.nameAsListed, out.plain(name))
            if is_group(name):
                add(node, SKG.author, self._group(name))
            elif (named_for := written_for(name)) is not None:
                add(node, SKG.onBehalfOf, self._group(named_for))
        return node_iri

    def _group(self, name: str) -> str:
        """The group node of ``name`` (an author, or the group a person is named for)."""
        out, add = self.out, self._add
        group = out.iri(self.minter.group(name))
        add(group, RDF.type, out.vocab(_s(SKG.Group)))
        add(group, FOAF.name, out.plain(name))
        return group

    def _organization(self, paper: str, name: str) -> None:
        out, add = self.out, self._add
        spelling = nfc(name)
        org = out.iri(self.minter.organization(spelling))
        preferred = self.org_label(slug(spelling), spelling)
        add(org, RDF.type, out.vocab(_s(SKG.Organization)))
        add(org, SKOS.prefLabel, out.plain(preferred))
        add(org, RDFS.label, out.plain(preferred))
        if spelling != preferred:
            add(org, SKOS.altLabel, out.plain(spelling))
        add(paper, SKG.organization, org)

    def replaced(
        self, listed: URIRef, paper: URIRef, item: ProfilePaper, record: ArxivRecord | None
    ) -> None:
        """``listed``, the IRI a listing had while no arXiv record was known for it, is
        ``paper`` now, and each of its authorships the one of ``paper`` the listing places
        that author at (:func:`place_researcher` without the record and with it): they stay
        resolvable (the server answers them 301) and say what they are."""
        out, add, researcher = self.out, self._add, listed_name(bare_name(self.profile.name))
        before = place_researcher(item, researcher, self.slug, None)
        after = place_researcher(item, researcher, self.slug, record)
        tokens = list(zip(before.tokens, after.tokens, strict=True))
        own = before.researcher
        if isinstance(own, str) and after.researcher is not None and not is_group(researcher):
            tokens.append((own, after.researcher))  # profile-<slug>: beyond the listed names
        pairs = [(listed, paper)] + [
            (self.minter.authorship(listed, old), self.minter.authorship(paper, new))
            for old, new in tokens
        ]
        for old_iri, new_iri in pairs:
            add(out.iri(old_iri), DCTERMS.isReplacedBy, out.iri(new_iri))
            add(out.iri(old_iri), OWL.sameAs, out.iri(new_iri))

    def resolution(self, paper: URIRef, verdict: Verdict) -> None:
        out, add, item = self.out, self._add, verdict.paper
        node = out.iri(self.minter.resolution(self.slug, f"{item.title}|{item.line}"))
        add(node, RDF.type, out.vocab(_s(SKG.Resolution)))
        add(node, SKG.resolvedPaper, out.iri(paper))
        add(node, SKG.resolutionState, out.plain(verdict.state))
        add(node, SKG.titleAsListed, out.plain(listed_name(item.title)))  # as arXiv's
        add(node, SKG.dateAsListed, self.terms.date(item.date))
        if verdict.origin:
            add(node, SKG.resolvedFrom, out.plain(verdict.origin))
        if verdict.note:
            add(node, RDFS.comment, out.plain(verdict.note))
        evidence = verdict.accepted
        if evidence is not None:
            add(node, SKG.score, self._decimal(evidence.score))
            add(node, SKG.titleSimilarity, self._decimal(evidence.title_similarity))
            if evidence.date_distance_days is not None:
                add(node, SKG.dateDistanceDays, self.terms.integer(evidence.date_distance_days))
            if evidence.author_agreement is not None:
                add(node, SKG.authorAgreement, self._decimal(evidence.author_agreement))
        else:
            for candidate in verdict.candidates:
                add(node, SKG.candidateArxivId, out.plain(candidate.arxiv_id))

    def _decimal(self, value: float) -> str:
        return self.out.typed(decimal_lexical(value), DECIMAL)
