"""One author a profile and arXiv spell otherwise, at one place of one paper, built: the store's
authorships (:func:`authorships`) and persons (:func:`persons`), and :func:`built_as_one`, what
the spelling tests (test_fold_letters_build.py, test_name_spellings_build.py) build and check
first. Inputs are CONSTRUCTED (tests/constructed.py): the real recorded entry 2202.12139 under
a new id, title and authors, served by the replay server; a profile page in the sample page's
layout."""

from __future__ import annotations

from pathlib import Path

from arxiv_replay import ReplayServer
from building import content, rows
from conftest import write_config
from constructed import listing, profile_page, variant_entry
from scholarkg.config import Config, load_config
from scholarkg.iris import SKG, Minter
from scholarkg.runs.build import build

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
MINTER = Minter()


def authorships(config: Config, arxiv_id: str) -> dict[str, set[str]]:
    """Each authorship of the paper (its last IRI segment) with the persons given it."""
    found = rows(
        config,
        P + f"SELECT ?a ?who WHERE {{ <{MINTER.paper_by_arxiv(arxiv_id)}> skg:hasAuthorship ?a "
        "OPTIONAL { ?a skg:author ?who } }",
    )
    out: dict[str, set[str]] = {}
    for r in found:
        out.setdefault(r["a"].rsplit("/", 1)[1], set()).update([r["who"]] if r["who"] else [])
    return out


def persons(config: Config) -> dict[str, str]:
    """Each person IRI of the store with its name block (from the person graphs)."""
    block = f"<{SKG.nameBlock}>"
    return {
        s.strip("<>"): o.strip('"')
        for graph, triples in content(config).items()
        if "/graph/person/" in graph
        for s, p, o in triples
        if p == block
    }


def built_as_one(
    tmp_path: Path,
    replay: ReplayServer,
    paper: tuple[str, str],
    written: str,
    arxivs: str,
    researcher: bool,
) -> tuple[Config, str]:
    """A profile lists ``written`` first on the ``paper`` (arXiv id, title) arXiv lists with
    ``arxivs`` first, Helge Spieker second; the profile is ``written``'s if ``researcher``, else
    Helge Spieker's. Built: the paper resolves with one person an authorship, the first the
    researcher's if the profile is theirs, two persons in all. The config and that first
    person."""
    arxiv_id, title = paper
    new_id, entry = variant_entry(
        "2202.12139", arxiv_id, title=title, authors=(arxivs, "Helge Spieker")
    )
    replay.extra[new_id] = entry
    owner = written if researcher else "Helge Spieker"
    page = tmp_path / "profile.txt"
    listed = listing("2202.12139", title=title, authors=(written, "Helge Spieker"), truncated=False)
    page.write_bytes(profile_page(owner, [listed]))
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.01}
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    assert report.paper_states == {"resolved": 1}, report.unresolved
    held = authorships(config, arxiv_id)
    assert sorted(held) == ["1", "2"] and all(len(who) == 1 for who in held.values())
    [person] = held["1"]
    [snapshot_of] = rows(config, P + "SELECT DISTINCT ?p WHERE { ?s skg:snapshotOf ?p }")
    assert (person == snapshot_of["p"]) is researcher
    assert len(persons(config)) == 2  # the two authors, no third of either spelling
    return config, person
