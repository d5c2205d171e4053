"""A profile and arXiv writing one author otherwise (``Hans Müller`` / ``Hans Mueller``,
``Xiao-Li Meng`` / ``Xiaoli Meng``, ``Jean-Pierre Dupont`` / ``JP Dupont``, ``Yuri Makarov`` /
``Yu. Makarov``, ``Siobhan O'Brien`` / ``Siobhan OBrien``) at one place of one paper: the paper
resolves and the author is one person. Inputs are CONSTRUCTED (tests/constructed.py): the real
recorded entry 2202.12139 copied under 9003.* ids with new titles and authors, served by the
replay server; profile pages in the sample page's layout; real snapshot lines with their ids
and authors changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from building import rows
from conftest import write_config
from constructed import listing, profile_page, snapshot_line, variant_entry
from scholarkg.config import load_config
from scholarkg.iris import Minter
from scholarkg.runs.arxiv_jobs import load_snapshot
from scholarkg.runs.build import build
from test_fold_letters_build import authorships, persons

pytest_plugins = ("arxiv_fixtures",)

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
MINTER = Minter()
# (as a profile writes it, as arXiv writes it)
SPELLINGS = [
    ("Hans Müller", "Hans Mueller"),
    ("Siobhan O'Brien", "Siobhan OBrien"),
    ("Xiao-Li Meng", "Xiaoli Meng"),
    ("Jean-Pierre Dupont", "JP Dupont"),
    ("Yuri Makarov", "Yu. Makarov"),
]


@pytest.mark.parametrize(("written", "arxivs"), SPELLINGS)
@pytest.mark.parametrize("researcher", [True, False], ids=["researcher", "coauthor"])
def test_a_profile_name_and_arxivs_spelling_at_its_position_are_one_person(
    tmp_path: Path, replay: ReplayServer, written: str, arxivs: str, researcher: bool
) -> None:
    """A profile lists ``written`` first on a paper arXiv lists with ``arxivs`` first: the
    paper resolves, one authorship, one person (the researcher's, if the profile is theirs).
    Before, the first listed author was not found first on arXiv's list (strong
    counter-evidence: the paper stayed unresolved) and the names were two persons."""
    arxiv_id, title = "9003.00021", "Spelling Author Names Otherwise: A Constructed Study"
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
    [rule] = rows(
        config,
        P + f"SELECT ?r WHERE {{ <{MINTER.authorship(MINTER.paper_by_arxiv(arxiv_id), 1)}>"
        " skg:identityRule ?r }",
    )
    assert rule["r"] == ("profile-researcher" if researcher else "same-position")


@pytest.mark.parametrize(("written", "arxivs"), SPELLINGS[2:])
def test_two_snapshot_papers_with_a_shared_coauthor_join_either_spelling(
    tmp_path: Path, written: str, arxivs: str
) -> None:
    """Only in the snapshot: ``written`` and ``arxivs`` (one name block), each beside Alice
    Martin, are one person (shared co-author)."""
    store = tmp_path / "store"
    store.mkdir()
    config = load_config(write_config(store, []))
    lines = [
        snapshot_line("0704.0002", new_id="9003.00031", authors=[written, "Alice Martin"]),
        snapshot_line("0704.0002", new_id="9003.00032", authors=[arxivs, "Alice Martin"]),
    ]
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    [first] = authorships(config, "9003.00031")["1"]
    [second] = authorships(config, "9003.00032")["1"]
    assert first == second
    assert len(persons(config)) == 2
