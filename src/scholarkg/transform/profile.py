"""Profile record → RDF: the profile graph, its immutable snapshot graph, and the mentions the
identity step decides persons for. Persons are never named here (see ``identity/emit.py``).

* A resolved paper is keyed by its arXiv id; the profile graph adds only what the profile knows
  beyond arXiv (has-code, subject code, organisations, the names as the profile lists them), and
  its listed title and date go on the paper's ``skg:Resolution``. Listed names are aligned to
  arXiv's positions, so "Robert Dadashi" (profile) and "R. Dadashi" (arXiv) describe one
  authorship.
* A paper only the profile knows is keyed by its folded title and first listed author, so two
  works with one title stay apart; the same paper listed twice becomes one node and a finding.

The profile graph is written paper by paper by :mod:`~scholarkg.transform.profile_graph`, the
snapshot graph by :mod:`~scholarkg.transform.profile_snapshot`; which authorship is the
researcher's is decided in :mod:`~scholarkg.transform.researcher_place`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import URIRef

from scholarkg.identity.names import is_group, listed_name
from scholarkg.identity.resolver import PaperMentions
from scholarkg.iris import Minter
from scholarkg.models import ArxivRecord, Profile, ProfilePaper
from scholarkg.resolution.score import Verdict
from scholarkg.transform import EmittedGraph
from scholarkg.transform.profile_graph import OrgLabel, ProfileBuilder
from scholarkg.transform.profile_snapshot import snapshot_graph

# Bump when a profile page read again would give other graphs or other identity-registry rows
# (the configuration hash covers it, so every profile is built again once). 1: until
# 2026-12-02; 2: skg:listedPaperCount counts quarantined entries too, and a profile's claims
# are kept in the registry's claims table (a claim that made no merge left no row before);
# 3: the organisations after a middle dot and "et al." are read between any white space (a
# no-break space or a tab made them part of the last author's name); 4 (all 2026-12-04): a
# paper's date starts with a month as a whole word, and where a title goes a line that only
# looks like a paper's start is the title (``SuperMario 64 as a benchmark`` quarantined its
# paper as an unreadable date); a paper count written with a space (``2 papers``) followed by
# a metric is that metric, not the papers heading (the page was refused); a page whose
# researcher is a group (Gemma Team) claims no authorship (it made one up, profile-<slug>, for
# a person); the researcher is compared without honorifics and degrees (Dr. John Smith,
# Prof. Dr. …, John Smith, M.D. is John Smith in the listing: no made-up authorship beside the
# listed one); titles are NFC (a page written in NFD gave dcterms:title and skg:titleAsListed
# in NFD); 5: a listing its arXiv record resolved keeps its authorships' listed-only IRIs too,
# each dcterms:isReplacedBy the arXiv paper's authorship (before: the paper's IRI only); a
# subject code apart from its date (``CL Jul 31, 2024``) starts a paper, text before the first
# paper is quarantined, papers dated after retrieval are quarantined, a novelty over 100 % is
# left out (the extract changes of the same day: one bump for both); 6: a researcher the page
# heads in the other order than its listing (``Wang Wei``, listed ``Wei Wang``) is that listed
# author (it made one up, profile-<slug>, beside them); 7: names (the researcher's, an author's,
# an organisation's) are read without format characters and in NFC (an organisation's label kept
# a bidi override), a line of invisible characters only is blank, a paper's line with a
# combining mark or a date in other than ASCII digits quarantines the paper (it was more of the
# abstract before, or read as the date); 8: a name or title is read without every default-
# ignorable or format character (identity.invisible: a tag character, a variation selector; a
# title's dcterms:title and skg:titleAsListed kept a bidi override or zero-width space, and its
# key split at one); 9: a heading, metric, subject code or paper date line is read past every
# such character too (profile_block_start.bare: a variation selector or Hangul filler in
# ``h-index\ufe0f117`` left the metric out, in a date line made its paper more of the abstract);
# 10: a line of such characters only is blank by that rule too (page_text: a line of Hangul
# fillers or a variation selector was a line, read as an author line), and a line holding a
# separator control (U+001C-U+001F) is no blank one (dropped unsaid; its paper now quarantined).
PROFILE_MAPPING = "profile-10"


def _first_seen(_key: str, spelling: str) -> str:
    return spelling


def _never(_iri: str) -> bool:
    return False


@dataclass(frozen=True)
class ProfileOutput:
    """Everything one profile becomes."""

    graphs: tuple[EmittedGraph, ...]
    mentions: tuple[PaperMentions, ...]
    metrics: tuple[str, ...]  # metric IRI suffixes observed by the snapshot
    findings: tuple[str, ...] = ()
    papers: Mapping[int, str] = field(default_factory=dict)  # listed line -> paper IRI


def paper_iri(item: ProfilePaper, minter: Minter, verdict: Verdict | None) -> URIRef:
    """A resolved (or overridden) paper by its arXiv id; any other by title and first author."""
    if verdict is not None and verdict.arxiv_id:
        return minter.paper_by_arxiv(verdict.arxiv_id)
    return minter.paper_listed(item.title, item.authors[0] if item.authors else None)


def transform_profile(
    profile: Profile,
    minter: Minter,
    *,
    slug_: str,
    verdicts: Sequence[Verdict] = (),
    records: Mapping[str, ArxivRecord] | None = None,
    org_label: OrgLabel = _first_seen,
    skip_lines: frozenset[int] = frozenset(),
    known_listing: Callable[[str], bool] = _never,
) -> ProfileOutput:
    """The profile graph, the snapshot graph and the identity mentions of one profile
    (``skip_lines``: listed papers left out, e.g. quarantined by the gate). A resolved paper
    whose listed-only IRI is ``known_listing`` (the registry has seen it: a build before the
    arXiv record was held published it) keeps that IRI, and its authorships' IRIs, as replaced
    by the arXiv paper and its authorships."""
    records = records or {}
    by_line = {v.paper.line: v for v in verdicts}
    builder = ProfileBuilder(profile, minter, slug_, org_label)
    papers: dict[int, str] = {}
    first_line: dict[URIRef, int] = {}
    replaced: set[URIRef] = set()
    findings: list[str] = []
    for item in profile.papers:
        if item.line in skip_lines:
            continue
        verdict = by_line.get(item.line)
        paper = paper_iri(item, minter, verdict)
        papers[item.line] = str(paper)
        if paper in first_line:
            findings.append(
                f"{profile.source}:{item.line}: lists the same paper as line "
                f"{first_line[paper]} ({item.title}); kept the first listing"
            )
        else:
            first_line[paper] = item.line
            arxiv_id = verdict.arxiv_id if verdict else None
            builder.add(item, paper, records.get(arxiv_id) if arxiv_id else None)
        if verdict is not None:
            builder.resolution(paper, verdict)
        listed = minter.paper_listed(item.title, item.authors[0] if item.authors else None)
        if listed != paper and listed not in replaced and known_listing(str(listed)):
            replaced.add(listed)
            arxiv_id = verdict.arxiv_id if verdict else None
            builder.replaced(listed, paper, item, records.get(arxiv_id) if arxiv_id else None)
    findings += builder.findings
    if is_group(heading := listed_name(profile.name)):
        findings.append(
            f"{profile.source}: {heading!r} names a group, not a researcher: its papers"
            " are listed, with the group where the listing names it; no person is founded and no"
            " authorship claimed"
        )
    profile_graph = EmittedGraph(
        str(minter.profile_graph(slug_)),
        "profile",
        tuple(builder.out.triples),
        profile.source,
        profile.content_sha256,
    )
    snapshot, metrics = snapshot_graph(profile, minter, slug_, list(dict.fromkeys(papers.values())))
    return ProfileOutput(
        (profile_graph, snapshot), tuple(builder.mentions), metrics, tuple(findings), papers
    )
