"""A name written with a letter NFKD keeps whole (``Łukasz``, ``Yıldız``, ``Þórður``) and the
same name as arXiv writes it in ASCII are one person through every door, and a store built
before this fold keeps its persons and papers. Inputs are CONSTRUCTED (tests/constructed.py):
the real recorded entry 2202.12139 copied under 9003.* ids with new titles and authors, served
by the replay server; profile pages in the sample page's layout; real snapshot lines with their
ids and authors changed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from arxiv_replay import ReplayServer
from building import rows
from minted_again import minted_again
from one_author import MINTER, P, built_as_one, persons
from scholarkg import iris, provenance
from scholarkg.identity import names
from scholarkg.runs import chunk_fingerprint
from scholarkg.runs.arxiv_snapshot import load_snapshot
from snapshot_persons import author_at, snapshot_of, store_config

pytest_plugins = ("arxiv_fixtures",)

# (as written in its language, as arXiv writes it in ASCII)
SPELLINGS = [
    ("Łukasz Kaiser", "Lukasz Kaiser"),
    ("Deniz Yıldız", "Deniz Yildiz"),
    ("Þórður Guðmundsson", "Thordur Gudmundsson"),
]


@pytest.mark.parametrize(("written", "ascii_"), SPELLINGS)
@pytest.mark.parametrize("researcher", [True, False], ids=["researcher", "coauthor"])
def test_a_profile_name_and_arxivs_ascii_spelling_at_its_position_are_one_person(
    tmp_path: Path, replay: ReplayServer, written: str, ascii_: str, researcher: bool
) -> None:
    """A profile lists ``written`` first on a paper arXiv lists with ``ascii_`` first: one
    authorship, one person (the researcher's, if the profile is theirs). Before, the names
    had two name blocks and were not compatible: the listing's author was not placed on
    arXiv's list, and was a person of their own."""
    paper = ("9003.00001", "Folded Letters in Author Names: A Constructed Study")
    config, person = built_as_one(tmp_path, replay, paper, written, ascii_, researcher)
    assert persons(config)[person] == names.block(ascii_)


@pytest.mark.parametrize(("written", "ascii_"), SPELLINGS)
def test_two_snapshot_papers_with_a_shared_coauthor_join_either_spelling(
    tmp_path: Path, written: str, ascii_: str
) -> None:
    """Only in the snapshot: ``written`` and ``ascii_``, each beside Alice Martin, are one
    person (shared co-author); before, two name blocks kept them apart."""
    config = store_config(tmp_path / "store")
    papers = (("9003.00011", [written, "Alice Martin"]), ("9003.00012", [ascii_, "Alice Martin"]))
    assert load_snapshot(config, snapshot_of(tmp_path, *papers), workers=0).report.outcome == "ok"
    assert author_at(config, "9003.00011", 1) == author_at(config, "9003.00012", 1)
    [rule] = rows(
        config,
        P + f"SELECT ?r WHERE {{ <{MINTER.authorship(MINTER.paper_by_arxiv('9003.00012'), 1)}>"
        " skg:identityRule ?r }",
    )
    assert rule["r"] == "shared-coauthor"
    assert len(persons(config)) == 2


def _as_minting_5(patch: pytest.MonkeyPatch) -> None:
    """Fold, names and the versions that say so as the version before this one had them
    (``iris.fold`` with letters 1 is its fold, names version 3 its name rules)."""
    patch.setattr(iris, "LETTERS", "1")
    patch.setattr(names, "NAMES", "3")
    patch.setattr(chunk_fingerprint, "MINTING", "5")
    patch.setattr(provenance, "MINTING", "5")
    names.clear_caches()


def test_a_store_built_before_keeps_its_person_and_joins_the_ascii_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deniz Yıldız was founded under the fold before (slug ``deniz-yıldız-…``, block
    ``yıldız-d``). After the upgrade, arXiv's "Deniz Yildiz" beside the same co-author is that
    person, not a second one, and reading every record again keeps every person."""
    config = store_config(tmp_path / "store")
    first, again = (
        ("9003.00021", ["Deniz Yıldız", "Alice Martin"]),
        ("9003.00022", ["Deniz Yildiz", "Alice Martin"]),
    )
    with monkeypatch.context() as before:
        _as_minting_5(before)
        load_snapshot(config, snapshot_of(tmp_path, first), workers=0)
        founded = author_at(config, "9003.00021", 1)
        assert unquote(founded.rsplit("/", 1)[1]).startswith("deniz-yıldız-")
        assert persons(config)[founded] == "yıldız-d"
    names.clear_caches()
    load_snapshot(config, snapshot_of(tmp_path, again), workers=0)
    assert author_at(config, "9003.00022", 1) == founded  # before: a second person
    held = persons(config)
    load_snapshot(config, snapshot_of(tmp_path, first, again), workers=0)  # all again
    assert persons(config) == held  # none new, none lost
    assert author_at(config, "9003.00021", 1) == founded == author_at(config, "9003.00022", 1)
    assert held[founded] == "yildiz-d"  # its graph written again with its new block


def test_a_profile_paper_minted_again_under_its_new_key_keeps_its_authors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paper only a profile lists, titled with an Ø: its IRI is minted from the folded title,
    which the upgrade changes (``ørsted …`` → ``orsted …``). Built again, its co-authors stay
    the persons they were (``same-paper``: the registry written before is given the paper's
    new key); before, each was a new first-seen person."""
    title = "Ørsted Modes of a Constructed Cavity"
    config, paper = minted_again(tmp_path, title, monkeypatch, _as_minting_5)
    assert paper == str(MINTER.paper_listed(title, "Bo Berg"))
    assert len(persons(config)) == 3
