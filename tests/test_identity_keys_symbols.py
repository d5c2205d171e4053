"""Two papers whose titles differ only in their symbols are two papers across sources too.

Minting keeps a listed paper's symbols (``work_key``: ``C++`` / ``C#``, ``$\\Lambda_b^0$`` /
``$\\Xi_b^0$`` are two works), but resolution compared folded titles (``title_key``), where
those are one string: a profile's ``C++`` paper resolved to the store's ``C#`` e-print (its own
title lost, its authorships joined to that e-print's authors at the same positions), a listing
with both e-prints in the store was ambiguous, and an ``[arxiv.overrides]`` title matched both.

Inputs are CONSTRUCTED from real data (tests/constructed.py): snapshot lines copied from the
real Kaggle sample with new ids, titles and authors; profile pages in the sample's layout.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from constructed import Listed, profile_page, snapshot_line
from scholarkg.config import Config, load_config
from scholarkg.iris import Minter, work_key
from scholarkg.resolution.score import MIN_TITLE_SIMILARITY
from scholarkg.resolution.titles import title_similarity
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build

P = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
)
CLOSED = "http://127.0.0.1:9/api/query"  # the discard port: nothing answers there
DAY = dt.date(2007, 3, 31)  # v1 of the real line 0704.0002 the records are copied from
AUTHORS = ("Ann Lee", "Bo Chen")
CPP = "A C++ library for tensor networks"
CSHARP = "A C# library for tensor networks"
LAMBDA = "Measurement of the $\\Lambda_b^0$ baryon lifetime"
XI = "Measurement of the $\\Xi_b^0$ baryon lifetime"


def record_line(new_id: str, title: str, authors: tuple[str, ...] = AUTHORS) -> str:
    """The real line 0704.0002 as ``new_id`` with this title and these authors."""
    data = json.loads(snapshot_line("0704.0002", new_id=new_id, authors=list(authors)))
    data["title"] = title
    return json.dumps(data, ensure_ascii=False)


def store_with(
    tmp_path: Path, lines: list[str], papers: list[Listed], **sections: dict[str, object]
) -> Config:
    """A store holding the snapshot ``lines``, then built with a profile listing ``papers``
    (arXiv only reachable through the store: the API is closed)."""
    page = tmp_path / "ann-lee.txt"
    page.write_bytes(profile_page("Ann Lee", papers))
    arxiv: dict[str, object] = {"enabled": True, "api_url": CLOSED, "min_interval": 0.0}
    http: dict[str, object] = {"min_interval": 0.0, "max_retries": 1, "read_timeout": 5.0}
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv, http=http, **sections))
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_snapshot(config, snapshot, workers=0)
    return config


def resolutions(config: Config) -> dict[str, tuple[str, str | None]]:
    """The profile's resolution of each listed title: (state, arXiv id)."""
    found = rows(
        config,
        P + "SELECT ?t ?s ?paper WHERE { ?r a skg:Resolution ; skg:resolutionState ?s ; "
        "skg:titleAsListed ?t ; skg:resolvedPaper ?paper }",
    )
    return {
        r["t"]: (r["s"], r["paper"].rsplit("/", 1)[1] if "/paper/arxiv/" in r["paper"] else None)
        for r in found
    }


def titles_of_profile_papers(config: Config) -> list[str]:
    found = rows(
        config,
        P + "SELECT DISTINCT ?t WHERE { GRAPH ?g { ?paper skg:hasAuthorship ?a } "
        "FILTER(CONTAINS(STR(?g), '/graph/profile/')) ?paper dcterms:title ?t } ORDER BY ?t",
    )
    return [r["t"] for r in found]


@pytest.mark.parametrize(
    ("listed", "other"), [(CPP, CSHARP), (LAMBDA, XI), ("A → B transitions", "A ← B transitions")]
)
def test_titles_whose_symbols_differ_are_not_similar_enough_to_be_one_paper(
    listed: str, other: str
) -> None:
    assert title_similarity(listed, other) < MIN_TITLE_SIMILARITY
    assert title_similarity(other, listed) < MIN_TITLE_SIMILARITY
    assert title_similarity(listed, listed) == 1.0


@pytest.mark.parametrize(
    ("listed", "arxiv"),
    [
        # TeX and its character are one title
        ("α-Stable Processes in Random Media", "$\\alpha$-stable processes in random media"),
        ("Measurement of the Λ_b^0 baryon lifetime", LAMBDA),
        # a symbol one source leaves out is not another symbol: still the same paper
        ("Λb → Λc+ π− decays at LHCb", "$\\Lambda_b \\to \\Lambda_c^+ \\pi^-$ decays at LHCb"),
        ("Scaling to ∼100 languages", "Scaling to ~100 languages"),
        # ASCII renderings, "about" written three ways, TeX a source dropped, another script
        ("Bounds for $p \\leq 2$ in Sobolev spaces", "Bounds for p <= 2 in Sobolev spaces"),
        ("Energy resolution $\\pm 5\\%$ calorimeter", "Energy resolution +/- 5% calorimeter"),
        ("Measurements at $\\sqrt{s_{NN}} \\approx 5$ TeV", "Measurements at √sNN ≃ 5 TeV"),
        ("Measurements at $\\sqrt{s_{NN}} \\approx 5$ TeV", "Measurements at √sNN ~ 5 TeV"),
        ("Bound $\\geq$ 3 for graphs", "Bound >= 3 for graphs"),
        ("Bound $\\ge$ 3 for graphs", "Bound ≥ 3 for graphs"),
        ("Search for $B \\to K^* \\mu^+ \\mu^-$ decays", "Search for B->K*μ+μ- decays"),
    ],
)
def test_one_title_written_with_or_without_its_tex_is_still_one_paper(
    listed: str, arxiv: str
) -> None:
    assert title_similarity(listed, arxiv) >= MIN_TITLE_SIMILARITY
    assert title_similarity(arxiv, listed) >= MIN_TITLE_SIMILARITY


@pytest.mark.parametrize(
    ("tex", "char"),
    [
        ("\\le", "≤"), ("\\ge", "≥"), ("\\ne", "≠"), ("\\in", "∈"), ("\\ll", "≪"),
        ("\\simeq", "≃"), ("\\propto", "∝"), ("\\subseteq", "⊆"), ("\\cup", "∪"),
        ("\\sqrt", "√"), ("\\sum", "∑"), ("\\int", "∫"), ("\\Rightarrow", "⇒"),
    ],
)  # fmt: skip
def test_a_tex_symbol_mints_the_work_its_character_mints(tex: str, char: str) -> None:
    """Minting version 4: ``$n \\le k$`` and ``n ≤ k`` are one listed work (they were two: the
    command was dropped as formatting, the character kept as a symbol)."""
    assert work_key(f"Bounds for $n {tex} k$ in graphs") == work_key(
        f"Bounds for n {char} k in graphs"
    )
    assert work_key(f"Bounds for $n {tex} k$") != work_key("Bounds for $n k$")
    # a longer command that starts with it is not it
    assert work_key(f"Bounds for ${tex}x k$") == work_key("Bounds for $k$")


def test_a_listing_is_not_resolved_to_an_eprint_that_differs_only_in_its_symbols(
    tmp_path: Path,
) -> None:
    """The store holds the C# e-print only; the profile lists the C++ paper with the same
    authors and date: it stays the profile's own paper, and the C# e-print keeps its own."""
    config = store_with(tmp_path, [record_line("9003.00101", CSHARP)], [Listed(CPP, DAY, AUTHORS)])
    report = build(config).report
    assert resolutions(config) == {CPP: ("unresolved", None)}, report.paper_states
    assert titles_of_profile_papers(config) == [CPP]
    # no authorship of the C# e-print is stated by the profile (it lists no such paper)
    eprint = Minter(config.iri_base).paper_by_arxiv("9003.00101")
    stated = rows(
        config,
        P + f"SELECT ?g WHERE {{ GRAPH ?g {{ <{eprint}> skg:hasAuthorship ?a }} }}",
    )
    assert all("/graph/profile/" not in r["g"] for r in stated), stated


def test_a_listing_resolves_to_its_own_eprint_beside_one_that_differs_only_in_symbols(
    tmp_path: Path,
) -> None:
    """Both e-prints in the store with one date and one author list: the listing's own one
    wins (it was ambiguous: both titles folded to the listing's)."""
    lines = [record_line("9003.00102", LAMBDA), record_line("9003.00103", XI)]
    config = store_with(tmp_path, lines, [Listed(LAMBDA, DAY, AUTHORS), Listed(XI, DAY, AUTHORS)])
    report = build(config).report
    assert resolutions(config) == {
        LAMBDA: ("resolved", "9003.00102"),
        XI: ("resolved", "9003.00103"),
    }, report.paper_states
    assert report.resolved_from == {"store": 2} and report.requests == {}


def test_a_title_override_names_the_paper_with_its_symbols_only(tmp_path: Path) -> None:
    """``[arxiv.overrides]`` for the C# title does not also send the C++ listing there."""
    lines = [record_line("9003.00104", CSHARP)]
    papers = [Listed(CPP, DAY, AUTHORS), Listed(CSHARP, DAY, AUTHORS)]
    overrides: dict[str, dict[str, object]] = {"arxiv.overrides": {CSHARP: "9003.00104"}}
    config = store_with(tmp_path, lines, papers, **overrides)
    report = build(config).report
    assert resolutions(config) == {
        CSHARP: ("overridden", "9003.00104"),
        CPP: ("unresolved", None),
    }, report.paper_states


def test_a_split_by_title_names_the_paper_with_its_symbols_only(tmp_path: Path) -> None:
    """Two listed papers (no arXiv) whose titles differ only in symbols are two papers (two
    IRIs); a split of the second author of one must not take the other's second author."""
    page = tmp_path / "ann-lee.txt"
    papers = [
        Listed(CPP, DAY, ("Ann Lee", "Bo Chen")),
        Listed(CSHARP, DAY, ("Ann Lee", "Wei Wang")),
    ]
    page.write_bytes(profile_page("Ann Lee", papers))
    split: dict[str, dict[str, object]] = {"people.split": {f"{CPP}#2": "bo-chen-cpp"}}
    config = load_config(write_config(tmp_path, [page], **split))
    report = build(config).report
    assert not report.config_errors, report.config_errors
    split_person = "https://w3id.org/scholarkg/id/person/bo-chen-cpp"
    titles = rows(
        config,
        P + f"SELECT DISTINCT ?t WHERE {{ ?paper skg:hasAuthorship/skg:author <{split_person}> ;"
        " dcterms:title ?t }",
    )
    assert [r["t"] for r in titles] == [CPP]
