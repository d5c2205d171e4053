"""A paper arXiv titles in TeX (``{\\O}resund …``, ``Schr\\"odinger …``) and a profile lists in
Unicode (``Øresund …``, ``Schrödinger …``) resolves, through the replay server and through a
loaded snapshot; a paper only a profile lists, titled in TeX, keeps its authors when minted
again. Inputs are CONSTRUCTED (tests/constructed.py): the real recorded entry 2202.12139 copied
under 9004.* ids with new titles, real snapshot lines with new ids and titles, profile pages in
the sample page's layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from building import rows
from conftest import write_config
from constructed import Listed, listing, profile_page, variant_entry
from minted_again import minted_again
from one_author import P
from scholarkg import iris, provenance
from scholarkg.config import Config, load_config
from scholarkg.iris import Minter
from scholarkg.runs import chunk_fingerprint
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from spieker_listing import AUTHORS, inputs

pytest_plugins = ("arxiv_fixtures",)

# (as arXiv writes the title in TeX, as a profile writes it in Unicode)
TITLES = [
    (
        "{\\O}resund Bridge Loads under Constructed Traffic",
        "Øresund Bridge Loads under Constructed Traffic",
    ),
    (
        'Schr\\"odinger Operators on Constructed Graphs',
        "Schrödinger Operators on Constructed Graphs",
    ),
]


@pytest.mark.parametrize(("tex", "unicode"), TITLES)
def test_a_tex_title_on_arxiv_resolves_the_unicode_title_a_profile_lists(
    tmp_path: Path, replay: ReplayServer, tex: str, unicode: str
) -> None:
    """The titles are one title (similarity 1); before, their keys were ``resund …`` /
    ``schr odinger …`` and only the forgiving word comparison matched them (0.989, 0.99)."""
    new_id, entry = variant_entry("2202.12139", "9004.00001", title=tex, authors=AUTHORS)
    replay.extra[new_id] = entry
    page = tmp_path / "profile.txt"
    listed = listing("2202.12139", title=unicode, authors=AUTHORS, truncated=False)
    page.write_bytes(profile_page("Helge Spieker", [listed]))
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.01}
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    assert report.paper_states == {"resolved": 1}, report.unresolved
    [paper] = rows(config, P + "SELECT DISTINCT ?p WHERE { ?p a skg:Paper }")
    assert paper["p"] == str(Minter().paper_by_arxiv("9004.00001"))
    assert _similarities(config) == [1.0]


@pytest.mark.parametrize(("tex", "unicode"), TITLES)
def test_a_tex_title_in_a_snapshot_resolves_through_the_title_index(
    tmp_path: Path, tex: str, unicode: str
) -> None:
    """The snapshot loads the record into the title index; the profile's paper is found there
    by its exact title (before: by its words only), with no API (arXiv is not enabled)."""
    config, snapshot = inputs(tmp_path, "9004.00002", titled=tex, listed_as=unicode)
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    assert report.paper_states == {"resolved": 1}, report.unresolved
    found = rows(config, P + "SELECT DISTINCT ?p WHERE { ?p a skg:Paper }")
    assert [r["p"] for r in found] == [str(Minter().paper_by_arxiv("9004.00002"))]
    assert _similarities(config) == [1.0]


def _similarities(config: Config) -> list[float]:
    found = rows(config, P + "SELECT ?s WHERE { ?r skg:titleSimilarity ?s }")
    return [float(r["s"]) for r in found]


def test_a_paper_two_profiles_list_in_tex_and_in_unicode_is_one_paper(tmp_path: Path) -> None:
    """A paper only profiles list (not on arXiv), one profile writing its title in TeX, one
    in Unicode: one paper with both researchers. Before: two papers (``paper/listed/`` minted
    from ``resund …`` and from ``oresund …``)."""
    tex, unicode = TITLES[0]
    date = listing("2202.12139").date
    pages = []
    for name, title in (("Helge Spieker", tex), ("Arnaud Gotlieb", unicode)):
        page = tmp_path / f"{name.split()[0].lower()}.txt"
        page.write_bytes(profile_page(name, [Listed(title, date, AUTHORS)]))
        pages.append(page)
    config = load_config(write_config(tmp_path, pages))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    found = rows(config, P + "SELECT DISTINCT ?p WHERE { ?p a skg:Paper }")
    assert [r["p"] for r in found] == [str(Minter().paper_listed(unicode, AUTHORS[0]))]


def _as_minting_6(patch: pytest.MonkeyPatch) -> None:
    """The fold and the versions that say so as the version before this one had them."""
    patch.setattr(iris, "LETTERS", "2")
    patch.setattr(chunk_fingerprint, "MINTING", "6")
    patch.setattr(provenance, "MINTING", "6")


def test_a_profile_paper_titled_in_tex_minted_again_keeps_its_authors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paper only a profile lists, titled in TeX: its IRI is minted from the folded title,
    which this fold changes (``resund …`` → ``oresund …``). Built again, its co-authors stay
    the persons they were (the profile's mention keeps the key letters 2 wrote)."""
    _, paper = minted_again(tmp_path, TITLES[0][0], monkeypatch, _as_minting_6)
    assert paper == str(Minter().paper_listed(TITLES[0][1], "Bo Berg"))
