"""An East Asian name of three words written surname first (``Kim Jong Un``, ``Zhang Xiao
Ming``) is a spelling of the name given name first (``Jong-Un Kim``, ``Xiaoming Zhang``) where
its first word is a common surname (identity.east_asian_order): keys and blocks stay as
written, the pair index holds the name under the surname-first block too, evidence decides.
Snapshot inputs are CONSTRUCTED (tests/constructed.py: a real snapshot line with its id and
authors changed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from one_author import persons
from pair_index import indexed_again
from scholarkg.identity import names
from scholarkg.identity.decisions import compared_name
from scholarkg.identity.east_asian_order import surname_first
from scholarkg.iris import Minter
from snapshot_persons import author_at, rule_of, store_with

MINTER = Minter()

# (a, b, compatible): before, every True pair but the last four was not compatible
PAIRS_TABLE = [
    ("Kim Jong Un", "Jong Un Kim", True),
    ("Kim Jong Un", "Jong-Un Kim", True),
    ("Kim Jong Un", "Jongun Kim", True),
    ("Kim Jong Un", "J. U. Kim", True),
    ("Kim Jong Un", "J.-U. Kim", True),
    ("Kim Jong Un", "J. Kim", True),  # a missing middle name is no disagreement
    ("Park Chan Wook", "Chan-Wook Park", True),
    ("Park Chan Wook", "Chanwook Park", True),
    ("Lee Sang Hyun", "Sang-Hyun Lee", True),
    ("Lee Sang Hyun", "S. H. Lee", True),
    ("Zhang Xiao Ming", "Xiaoming Zhang", True),
    ("Zhang Xiao Ming", "Xiao-Ming Zhang", True),
    ("Nguyễn Văn Thành", "Van Thanh Nguyen", True),
    ("Kim Jong Un", "K. J. Un", True),  # as before: read as written too
    ("Xiao Li Meng", "Xiaoli Meng", True),  # as before
    ("KIM Ji-Woo", "Ji-Woo Kim", True),  # as before (capitals first)
    ("LI Wei", "Wei Li", True),  # as before
    ("Kim Jong Un", "Un Kim", False),
    ("Kim Jong Un", "Jong Kim Un", False),
    ("Kim Jong Un", "Kim Un Jong", False),
    ("Kim Jong Un", "Jong Un Park", False),
    ("Kim Jong Un", "Jong Il Kim", False),
    ("Park Chan Wook", "Wook Park", False),
    ("Zhang Xiao Ming", "Xiaoming Wang", False),
    ("Zhang Xiao Ming", "Ming Zhang", False),
    ("Lee Harvey Oswald", "Harvey Oswald Lee", False),  # no syllables of these languages
    ("Li Ming Wang", "Ming Wang Li", False),  # Wang a surname too: maybe given name first
    ("Min Jun Park", "Jun Park Min", False),
    ("Kim J. Un", "J. U. Kim", False),  # an initial: no reading
    ("Wang Wei", "Wei Wang", False),  # two words: only at one position of one paper
]


@pytest.mark.parametrize(("a", "b", "same"), PAIRS_TABLE)
def test_which_surname_first_spellings_are_one_name(a: str, b: str, same: bool) -> None:
    assert names.compatible(a, b) is same and names.compatible(b, a) is same


def test_keys_and_block_stay_and_the_surname_first_block_is_added() -> None:
    assert (names.name_key("Kim Jong Un"), names.block("Kim Jong Un")) == ("kim-jong-un", "un-k")
    assert names.blocks("Kim Jong Un") == ("un-k", "kim-j")
    assert names.blocks("Zhang Xiao Ming") == ("ming-z", "zhang-x")
    assert surname_first("Park Chan Wook") == "Chan Wook Park"
    for name in ["Wang Wei", "Li Ming Wang", "Lee Harvey Oswald", "Kim Jong-Un", "KIM JONG UN"]:
        assert names.blocks(name) == (names.block(name),), name


@pytest.mark.parametrize(
    ("current", "name", "compared"),
    [
        ("Kim Jong Un", "Jongun Kim", "Jong Un Kim"),
        ("Jongun Kim", "Kim Jong Un", "Jong Un Kim"),
        ("Kim Jong Un", "J. Kim", "Jong Un Kim"),
        ("Kim Jong Un", "K. J. Un", "Kim Jong Un"),  # agrees as written: kept
    ],
)
def test_a_person_joined_through_the_reading_is_compared_by_it(
    current: str, name: str, compared: str
) -> None:
    """So a person joined as ``Kim Jong Un`` and ``Jongun Kim`` is no ``K. J. Un``."""
    assert compared_name(current, name) == compared
    assert not names.compatible(compared_name("Kim Jong Un", "Jongun Kim"), "K. J. Un")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Kim Jong Un", "Jong-Un Kim"),
        ("Jongun Kim", "Kim Jong Un"),
        ("Zhang Xiao Ming", "X. Zhang"),
    ],
)
def test_two_snapshot_papers_with_a_shared_coauthor_join_the_spellings(
    tmp_path: Path, first: str, second: str
) -> None:
    """Beside one co-author on two papers: one person (shared-coauthor), either order.
    Before, two (blocks ``un-k`` and ``kim-j``, never compatible)."""
    config = store_with(tmp_path, [first, "Alice Martin"], [second, "Alice Martin"])
    assert author_at(config, "9003.00031", 1) == author_at(config, "9003.00032", 1)
    assert rule_of(config, "9003.00032", 1) == "shared-coauthor"
    assert len(persons(config)) == 2


def test_no_reading_without_basis_joins(tmp_path: Path) -> None:
    config = store_with(tmp_path, ["Kim Jong Un", "Alice Martin"], ["Un Kim", "Alice Martin"])
    assert author_at(config, "9003.00031", 1) != author_at(config, "9003.00032", 1)
    assert len(persons(config)) == 4  # nor Alice Martin: her co-authors are two people


def test_a_registry_indexed_before_the_reading_is_indexed_again(tmp_path: Path) -> None:
    """Marked 5, a paper by ``Kim Jong Un`` beside Ann Lee holds pairs under ``un-k`` only:
    opened, under ``kim-j`` too (mark 6), and a new paper by ``Jong-Un Kim`` beside Ann Lee
    finds the person."""
    indexed_again(tmp_path, "Kim Jong Un", "kim-j", "5", "Jong-Un Kim")
