"""Short forms of given names (``Chris`` for ``Christopher``, ``Bill`` for ``William``) and a
surname written first in capitals (``LI Wei`` for ``Wei Li``) are compatible spellings: keys
and blocks stay as written, the pair index holds the name under the other block too (a short
form under the full name's initial, ``LI Wei`` under ``li-w``), and evidence still decides.
Snapshot inputs are CONSTRUCTED (tests/constructed.py: a real snapshot line with its id and
authors changed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from one_author import persons
from pair_index import indexed_again
from paper_mentions import beside_one_coauthor
from scholarkg.identity import names
from scholarkg.identity.given_names import FULL_NAMES, same_given
from scholarkg.identity.name_variants import spellings
from scholarkg.iris import Minter
from snapshot_persons import author_at, rule_of, store_with

MINTER = Minter()
ONE_PERSON = [
    ("Chris Manning", "Christopher Manning"),
    ("Chris Manning", "Christopher D. Manning"),
    ("Bob Smith", "Robert Smith"),
    ("Bill Smith", "William Smith"),
    ("Bill Smith", "Will Smith"),  # two short forms of William
    ("Mike Jordan", "Michael I. Jordan"),
    ("Alex Smola", "Alexander Smola"),
    ("Alex Smith", "Alexandra Smith"),
    ("Dave Blei", "David Blei"),
    ("Tom Mitchell", "Thomas Mitchell"),
    ("Jim Gray", "James Gray"),
    ("Dan Jurafsky", "Daniel Jurafsky"),
    ("Ben Recht", "Benjamin Recht"),
    ("Sam Smith", "Samuel Smith"),
    ("Sam Smith", "Samantha Smith"),
    ("Matt Johnson", "Matthew Johnson"),
    ("Nick Jones", "Nicholas Jones"),
    ("Steve Smith", "Steven Smith"),
    ("Steve Smith", "Stephen Smith"),
    ("Andy Ng", "Andrew Ng"),
    ("Tony Hoare", "Anthony Hoare"),
    ("Joe Smith", "Joseph Smith"),
    ("Liz Smith", "Elizabeth Smith"),
    ("Kate Smith", "Katherine Smith"),
    ("Katie Smith", "Catherine Smith"),
    ("Kate Smith", "Katie Smith"),
    ("Jenny Smith", "Jennifer Smith"),
    ("Manning, Chris", "Christopher Manning"),  # inverted at a comma
    ("Chris Manning", "C. D. Manning"),  # an initial agrees as before
    # a surname written first in capitals
    ("LI Wei", "Wei Li"),
    ("LI Wei", "W. Li"),
    ("LI Wei", "Wei LI"),
    ("ZHANG Xiao-Ming", "Xiaoming Zhang"),
    ("KIM Ji-Woo", "Ji-Woo Kim"),
    ("NAGY Péter", "Peter Nagy"),
    ("DE LA CRUZ Maria", "Maria de la Cruz"),
    # a run of capitals ending in a consonant stays initials too, vowel or not
    ("AJ Smith", "Andrew J. Smith"),
    ("EJ Smith", "Emma Jane Smith"),
    ("JAS Smith", "J. A. S. Smith"),
]
TWO_PEOPLE = [
    ("Chris Manning", "Christos Manning"),  # a short form is no initial
    ("Bill Smith", "Robert Smith"),
    ("Alex Smith", "Alexei Smith"),
    ("Dan Smith", "Danielle Smith"),
    ("Jo Smith", "John Smith"),  # not in the table: Jo is a name
    ("Bill Smith", "W. Smith"),  # an initial agrees with the name as written only
    ("William Smith", "Bill Jones"),  # the surname still decides
    ("John Bill", "John William"),  # a surname is no given name
    ("LI Wei", "Lin Wei"),  # LI is no initials L. I.
    ("LI Wei", "Wei Lin"),
    ("LIN Wei", "Lei Wei"),  # a run ending as a syllable does (vowel, vowel and N): a surname
    ("AN Wei", "Anna Wei"),
    ("Li Wei", "Wei Li"),  # not in capitals: either may be the surname, two names
    ("LI WEI", "Wei Li"),  # all in capitals: no word tells the surname
]


@pytest.mark.parametrize(("a", "b"), ONE_PERSON)
def test_a_short_form_and_its_full_name_are_compatible(a: str, b: str) -> None:
    """Before, each pair was two names (``Chris`` no initial of ``Christopher``; ``LI`` read
    as the initials L. I. of the surname Wei)."""
    assert names.compatible(a, b) and names.compatible(b, a)
    assert names.compatible_at_position(a, b) and names.compatible_at_position(b, a)


@pytest.mark.parametrize(("a", "b"), TWO_PEOPLE)
def test_names_that_only_look_alike_stay_apart(a: str, b: str) -> None:
    assert not names.compatible(a, b) and not names.compatible(b, a)


def test_the_table_is_of_short_forms_of_full_names() -> None:
    """Each short form stands for full names, none of which is itself a short form; two short
    forms agree only through a full name."""
    assert not set(FULL_NAMES).intersection(*FULL_NAMES.values())
    assert same_given("bill", "will") and same_given("william", "bill")
    assert not same_given("bill", "bob") and not same_given("robert", "william")


def test_keys_and_blocks_stay_and_the_other_blocks_are_added() -> None:
    assert (names.name_key("Bill Smith"), names.block("Bill Smith")) == ("bill-smith", "smith-b")
    assert names.blocks("Bill Smith") == ("smith-b", "smith-w")
    assert names.blocks("Kate Smith") == ("smith-k", "smith-c")
    assert names.blocks("Chris Manning") == ("manning-c",)  # Christopher: the same block
    assert names.blocks("Smith, Liz") == ("smith-l", "smith-e")
    assert (names.name_key("LI Wei"), names.block("LI Wei")) == ("li-wei", "wei-l")
    assert names.blocks("LI Wei") == ("wei-l", "li-w")
    assert spellings("LI Wei") == ("LI Wei", "Wei LI")
    assert spellings("KIM Ji-Woo") == ("KIM Ji-Woo", "Ji-Woo KIM")
    # a run of capitals without a vowel is initials, as before
    assert spellings("JP Dupont") == ("JP Dupont", "J. P. Dupont")
    assert spellings("JY Park") == ("JY Park", "J. Y. Park")
    for name in ["Wei LI", "LI WEI", "Li Wei", "LI, Wei"]:
        assert spellings(name) == (name,), name
    assert len(spellings("LI Wei for the ATLAS Collaboration")) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Chris Manning", "Christopher Manning"),
        ("Christopher Manning", "Chris Manning"),
        ("Bill Smith", "William Smith"),
        ("William Smith", "Bill Smith"),
        ("LI Wei", "Wei Li"),
        ("Wei Li", "LI Wei"),
    ],
)
def test_two_snapshot_papers_with_a_shared_coauthor_join_the_spellings(
    tmp_path: Path, first: str, second: str
) -> None:
    """Only in the snapshot (CONSTRUCTED lines), beside one co-author on two papers: one
    person (shared-coauthor), either order. Before, two (no compatible name; ``Bill`` and
    ``William``, ``LI Wei`` and ``Wei Li`` in two name blocks besides)."""
    config = store_with(tmp_path, [first, "Alice Martin"], [second, "Alice Martin"])
    assert author_at(config, "9003.00031", 1) == author_at(config, "9003.00032", 1)
    assert rule_of(config, "9003.00032", 1) == "shared-coauthor"
    assert len(persons(config)) == 2


def test_a_short_form_still_needs_evidence(tmp_path: Path) -> None:
    """``Chris Manning`` and ``Christopher Manning`` with no co-author in common: two
    persons, as any two compatible names are."""
    config = store_with(
        tmp_path, ["Chris Manning", "Alice Martin"], ["Christopher Manning", "Bo Kim"]
    )
    assert author_at(config, "9003.00031", 1) != author_at(config, "9003.00032", 1)
    assert len(persons(config)) == 4


@pytest.mark.parametrize(
    "listed",
    [
        ("Chris Manning", "Christopher Manning", "Christine Manning"),
        ("Christopher Manning", "Chris Manning", "Christine Manning"),
        ("LI Wei", "Wei Li", "Li Wei"),
    ],
)
def test_the_fuller_spelling_names_the_person(tmp_path: Path, listed: tuple[str, ...]) -> None:
    """A person joined as a short form and its full name is compared by the full name
    (``Christine Manning``, compatible with ``Chris``, is a person of her own); one joined as
    ``LI Wei`` and ``Wei Li`` by ``Wei Li`` (``Li Wei``, compatible with ``LI Wei`` as
    written, is another)."""
    (first, second, third), _ = beside_one_coauthor(tmp_path, listed)
    assert first == second != third


def test_a_registry_indexed_before_short_forms_is_indexed_again(tmp_path: Path) -> None:
    """Marked 3 (before short forms and capitals), a paper by ``Bill Smith`` beside Ann Lee
    holds pairs under ``smith-b`` only: opened, under ``smith-w`` too (mark 4), while a paper
    with no such name keeps its rows, row for row; a new paper by ``William Smith`` beside Ann
    Lee then finds the person."""
    indexed_again(tmp_path, "Bill Smith", "smith-w", "3", "William Smith")
