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
from one_author import MINTER, P, built_as_one, persons
from snapshot_persons import author_at, rule_of, store_with

pytest_plugins = ("arxiv_fixtures",)

# (as a profile writes it, as arXiv writes it)
SPELLINGS = [
    ("Hans Müller", "Hans Mueller"),
    ("Siobhan O'Brien", "Siobhan OBrien"),
    ("Siobhan O’Brien", "Siobhan O'Brien"),
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
    arxiv_id = "9003.00021"
    paper = (arxiv_id, "Spelling Author Names Otherwise: A Constructed Study")
    config, _ = built_as_one(tmp_path, replay, paper, written, arxivs, researcher)
    [rule] = rows(
        config,
        P + f"SELECT ?r WHERE {{ <{MINTER.authorship(MINTER.paper_by_arxiv(arxiv_id), 1)}>"
        " skg:identityRule ?r }",
    )
    assert rule["r"] == ("profile-researcher" if researcher else "same-position")


@pytest.mark.parametrize(("written", "arxivs"), SPELLINGS)
@pytest.mark.parametrize("order", ["written-first", "arxivs-first"])
def test_two_snapshot_papers_with_a_shared_coauthor_join_either_spelling(
    tmp_path: Path, written: str, arxivs: str, order: str
) -> None:
    """Only in the snapshot: ``written`` and ``arxivs``, each beside Alice Martin, are one
    person (shared co-author), whichever comes first. ``Müller`` and ``Mueller`` are two name
    blocks: the pair index holds a name under the block of each of its spellings (before,
    each spelling was a person of its own); ``O'Brien``, ``O’Brien`` and ``OBrien`` are one
    (names version 5)."""
    first, second = (written, arxivs) if order == "written-first" else (arxivs, written)
    config = store_with(tmp_path, [first, "Alice Martin"], [second, "Alice Martin"])
    assert author_at(config, "9003.00031", 1) == author_at(config, "9003.00032", 1)
    assert rule_of(config, "9003.00032", 1) == "shared-coauthor"
    assert len(persons(config)) == 2


def test_a_coauthor_spelled_otherwise_is_evidence_too(tmp_path: Path) -> None:
    """Jörg Schäfer and Joerg Schaefer beside Hans Müller and Hans Mueller on two papers:
    two persons, each joined through the other."""
    config = store_with(
        tmp_path, ["Hans Müller", "Jörg Schäfer"], ["Joerg Schaefer", "Hans Mueller"]
    )
    assert author_at(config, "9003.00031", 1) == author_at(config, "9003.00032", 2)
    assert author_at(config, "9003.00031", 2) == author_at(config, "9003.00032", 1)
    assert len(persons(config)) == 2


def test_names_that_only_look_alike_stay_two_persons(tmp_path: Path) -> None:
    """Hans Muller and Hans Mueller (no umlaut in either) beside one co-author: two names,
    two persons, as Xiaoli Meng and Xiao Ming Meng are (and so the two Alice Martins share no
    co-author either: six persons)."""
    config = store_with(
        tmp_path,
        ["Hans Muller", "Alice Martin", "Xiaoli Meng"],
        ["Hans Mueller", "Alice Martin", "Xiao Ming Meng"],
    )
    assert author_at(config, "9003.00031", 1) != author_at(config, "9003.00032", 1)
    assert author_at(config, "9003.00031", 3) != author_at(config, "9003.00032", 3)
    assert len(persons(config)) == 6
