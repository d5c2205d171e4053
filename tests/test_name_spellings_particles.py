"""Particles of more than one letter written apart or joined to the surname (``Yann Le Cun`` /
``Yann LeCun``, ``Laurens van der Maaten`` / ``Laurens Vandermaaten``) are spellings of one
name: keys and blocks stay as written, the pair index holds the name under the joined block
too, and evidence still decides. Snapshot inputs are CONSTRUCTED (tests/constructed.py: a real
snapshot line with its id and authors changed)."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from one_author import persons
from pair_index import indexed_again
from paper_mentions import beside_one_coauthor
from scholarkg.identity import names
from scholarkg.identity.name_variants import spellings
from scholarkg.iris import Minter
from snapshot_persons import author_at, rule_of, store_with

MINTER = Minter()

ONE_PERSON = [
    ("Yann Le Cun", "Yann LeCun"),
    ("Y. Le Cun", "Yann LeCun"),
    ("Laurens van der Maaten", "Laurens Van Der Maaten"),
    ("Laurens van der Maaten", "L. van der Maaten"),
    ("Laurens van der Maaten", "Laurens Vandermaaten"),
    ("L. van der Maaten", "Laurens Vandermaaten"),
    ("Ludwig von Neumann", "Ludwig Von Neumann"),
    ("Ludwig von Neumann", "Ludwig Vonneumann"),
    ("Maria De la Cruz", "Maria de la Cruz"),
    ("Maria De la Cruz", "Maria Delacruz"),
    ("Maria de la Cruz", "Maria DelaCruz"),
    ("Yann Le Cun", "Yann Cun"),  # as before: a word written apart may be a middle name
    ("Thanh Van Nguyen", "Thanh Nguyen"),  # ("Van", a Vietnamese middle name)
]
TWO_PEOPLE = [
    ("Yann LeCun", "Yann Cun"),  # joined, the particle is part of the surname
    ("Laurens Vandermaaten", "Laurens Maaten"),
    ("Maria Delacruz", "Maria Cruz"),
    ("Yann Le Cun", "Yann Lecuna"),
    ("Yann Le Cun", "Yves LeCun"),  # the given name still decides
    ("Laurens van der Maaten", "Laurens der Maaten"),  # as before
]


@pytest.mark.parametrize(("a", "b"), ONE_PERSON)
def test_a_particle_written_apart_or_joined_is_one_name(a: str, b: str) -> None:
    """Before, ``Le Cun``/``LeCun``, ``van der Maaten``/``Vandermaaten`` and ``De la
    Cruz``/``Delacruz`` were two surnames (``cun``, ``lecun``); the rest were compatible."""
    assert names.compatible(a, b) and names.compatible(b, a)
    assert names.compatible_at_position(a, b) and names.compatible_at_position(b, a)


@pytest.mark.parametrize(("a", "b"), TWO_PEOPLE)
def test_names_that_only_look_alike_stay_apart(a: str, b: str) -> None:
    assert not names.compatible(a, b) and not names.compatible(b, a)
    assert not names.compatible_at_position(a, b) and not names.compatible_at_position(b, a)


def test_keys_and_blocks_stay_and_the_joined_blocks_are_added() -> None:
    assert (names.name_key("Yann Le Cun"), names.block("Yann Le Cun")) == (
        "yann-le-cun",
        "cun-y",
    )
    assert names.blocks("Yann Le Cun") == ("cun-y", "lecun-y")
    assert names.blocks("Yann LeCun") == ("lecun-y",)
    assert names.block("Laurens van der Maaten") == "maaten-l"
    assert names.blocks("Laurens van der Maaten") == ("maaten-l", "vandermaaten-l")
    assert names.blocks("L. Van Der Maaten") == ("maaten-l", "vandermaaten-l")
    assert names.blocks("Maria De la Cruz") == ("cruz-m", "delacruz-m")
    assert spellings("Yann Le Cun") == ("Yann Le Cun", "Yann LeCun")
    assert spellings("Ludwig von Neumann") == ("Ludwig von Neumann", "Ludwig vonNeumann")
    # nothing before the particles, or nothing after them: no surname to join them to
    for name in ["Van Nguyen", "De la Cruz", "Maria de la", "Yann Lecun", "Jan van der Berg Jr."]:
        assert spellings(name) == (name,), name
        assert names.blocks(name) == (names.block(name),), name


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Yann Le Cun", "Yann LeCun"),
        ("Yann LeCun", "Yann Le Cun"),
        ("Laurens Vandermaaten", "L. van der Maaten"),
        ("Maria Delacruz", "Maria De la Cruz"),
    ],
)
def test_two_snapshot_papers_with_a_shared_coauthor_join_the_spellings(
    tmp_path: Path, first: str, second: str
) -> None:
    """Only in the snapshot (CONSTRUCTED lines), beside one co-author on two papers: one
    person (shared-coauthor), either order. Before, two (two surnames, two name blocks)."""
    config = store_with(tmp_path, [first, "Alice Martin"], [second, "Alice Martin"])
    assert author_at(config, "9003.00031", 1) == author_at(config, "9003.00032", 1)
    assert rule_of(config, "9003.00032", 1) == "shared-coauthor"
    assert len(persons(config)) == 2


def test_a_registry_indexed_before_joined_particles_is_indexed_again(tmp_path: Path) -> None:
    """Marked 4 (before particles joined), a paper by ``Yann Le Cun`` beside Ann Lee holds
    pairs under ``cun-y`` only: opened, under ``lecun-y`` too (mark 5 on), while a paper with no
    such name keeps its rows, row for row; a new paper by ``Yann LeCun`` beside Ann Lee then
    finds the person."""
    indexed_again(tmp_path, "Yann Le Cun", "lecun-y", "4", "Yann LeCun")


# Spanish double surnames: the first surname alone is the common short form, never the second
DOUBLE_ONE = [
    ("José García López", "José García"),
    ("José García López", "J. García-López"),
    ("José García", "J. García-López"),
    ("J. García", "José García López"),
    ("José Luis Martínez Pérez", "José Luis Martínez"),
    ("José Luis Martínez Pérez", "J. L. Martínez"),
    ("Ana Fernández-Sánchez", "Ana Fernández"),
    ("José García López", "José G. López"),  # an initial for the first surname, as before
]
DOUBLE_TWO = [
    ("José García López", "José López"),  # only the first surname stands alone
    ("J. García-López", "José López"),
    ("José García López", "Juan García"),
    ("José García López", "José García Pérez"),  # two second surnames
    ("José García", "José López"),
]


@pytest.mark.parametrize(("a", "b"), DOUBLE_ONE)
def test_the_first_of_two_spanish_surnames_stands_for_both(a: str, b: str) -> None:
    """Before, ``José García López`` ~ ``José García`` and ``J. García-López`` ~ ``José
    García`` were false (surnames ``lopez``, ``garcia``)."""
    assert names.compatible(a, b) and names.compatible(b, a)
    assert names.compatible_at_position(a, b) and names.compatible_at_position(b, a)


@pytest.mark.parametrize(("a", "b"), DOUBLE_TWO)
def test_the_second_surname_alone_is_another_name(a: str, b: str) -> None:
    """Before, ``José García López`` ~ ``José López`` (``García`` read as a middle name)."""
    assert not names.compatible(a, b) and not names.compatible(b, a)
    assert not names.compatible_at_position(a, b) and not names.compatible_at_position(b, a)


def test_a_middle_name_that_is_no_spanish_surname_may_still_be_left_out() -> None:
    """``John Robert Smith`` ~ ``John Smith``, ``João Silva Santos`` ~ ``João Santos`` (in
    Portuguese the last surname is the one written alone) and ``Thanh Van Nguyen`` ~ ``Thanh
    Nguyen``, as before; and no other word becomes a surname (``John Robert`` is no spelling)."""
    assert names.compatible("John Robert Smith", "John Smith")
    assert names.compatible("João Silva Santos", "João Santos")
    assert not names.compatible("João Silva Santos", "João Silva")
    assert not names.compatible("John Robert Smith", "John Robert")
    assert spellings("John Robert Smith") == ("John Robert Smith",)


def test_a_double_surname_keeps_its_key_and_block_and_adds_the_first_surnames() -> None:
    assert (names.name_key("José García López"), names.block("José García López")) == (
        "jose-garcia-lopez",
        "lopez-j",
    )
    assert names.blocks("José García López") == ("lopez-j", "garcia-j")
    assert names.blocks("J. García-López") == ("lopez-j", "garcia-j")
    assert names.blocks("José García") == ("garcia-j",)
    assert names.blocks("García López") == ("lopez-g",)  # no given name: nothing to drop
    for name in ["García López, José", "Garcia Lopez, J.", "López, José García"]:
        assert spellings(name) == (name,), name  # inverted: the given name is after the comma
    assert not names.compatible("García López, José", "G. López")


@pytest.mark.parametrize(
    ("first", "second"),
    [("José García López", "José García"), ("José García", "J. García-López")],
)
def test_a_double_surname_and_its_first_surname_beside_one_coauthor_are_one_person(
    tmp_path: Path, first: str, second: str
) -> None:
    """CONSTRUCTED snapshot lines, beside one co-author on two papers: one person
    (shared-coauthor). Before, two (two surnames, two name blocks)."""
    config = store_with(tmp_path, [first, "Alice Martin"], [second, "Alice Martin"])
    assert author_at(config, "9003.00031", 1) == author_at(config, "9003.00032", 1)
    assert rule_of(config, "9003.00032", 1) == "shared-coauthor"
    assert len(persons(config)) == 2


def test_the_second_surname_alone_beside_one_coauthor_is_another_person(tmp_path: Path) -> None:
    """``José García López`` and ``José López`` beside Alice Martin: two persons, and so two
    Alice Martins, with no co-author in common (before: one each, ``García`` read as a middle
    name)."""
    config = store_with(
        tmp_path, ["José García López", "Alice Martin"], ["José López", "Alice Martin"]
    )
    assert author_at(config, "9003.00031", 1) != author_at(config, "9003.00032", 1)
    assert len(persons(config)) == 4


# leading initials before a full given name: the given name the person goes by
LEADING_ONE = [
    ("S. M. Ali Eslami", "Ali Eslami"),
    ("S. M. Ali Eslami", "S. M. A. Eslami"),  # as before
    ("S.M. Ali Eslami", "A. Eslami"),
    ("J. Robert Oppenheimer", "Robert Oppenheimer"),
    ("J. Robert Oppenheimer", "J. Oppenheimer"),  # as before
    ("J Robert Oppenheimer", "R. Oppenheimer"),
    ("F. Scott Fitzgerald", "Scott Fitzgerald"),
]
LEADING_TWO = [
    ("John Robert Smith", "Robert Smith"),  # a full first given name is not dropped
    ("J. Robert Smith", "James Smith Jones"),
    ("S. M. Ali Eslami", "Ali Eslam"),
    ("J. Robert Oppenheimer", "Richard Oppenheimer"),
    ("J. R. Oppenheimer", "Robert Oppenheimer"),  # an initial is no given name to go by
]


@pytest.mark.parametrize(("a", "b"), LEADING_ONE)
def test_leading_initials_before_a_full_given_name_may_be_dropped(a: str, b: str) -> None:
    """Before, ``S. M. Ali Eslami`` ~ ``Ali Eslami`` and ``J. Robert Oppenheimer`` ~ ``Robert
    Oppenheimer`` were false (``s`` no initial of ``ali``)."""
    assert names.compatible(a, b) and names.compatible(b, a)
    assert names.compatible_at_position(a, b) and names.compatible_at_position(b, a)


@pytest.mark.parametrize(("a", "b"), LEADING_TWO)
def test_a_full_first_given_name_stays(a: str, b: str) -> None:
    assert not names.compatible(a, b) and not names.compatible(b, a)
    assert not names.compatible_at_position(a, b) and not names.compatible_at_position(b, a)


def test_leading_initials_keep_key_and_block_and_add_the_given_names() -> None:
    assert (names.name_key("S. M. Ali Eslami"), names.block("S. M. Ali Eslami")) == (
        "s-m-ali-eslami",
        "eslami-s",
    )
    assert names.blocks("S. M. Ali Eslami") == ("eslami-s", "eslami-a")
    assert names.blocks("J. Robert Oppenheimer") == ("oppenheimer-j", "oppenheimer-r")
    for name in ["John Robert Smith", "J. R. Smith", "J. Smith", "J. Robert", "Smith, J. Robert"]:
        assert names.blocks(name) == (names.block(name),), name
    # a hyphenated surname after the initials is no given name: "J. García-López Jr."
    assert "García-López Jr." not in spellings("J. García-López Jr.")
    assert not names.compatible("J. García-López Jr.", "G. López")


@pytest.mark.parametrize(
    ("first", "second"),
    [("S. M. Ali Eslami", "Ali Eslami"), ("Robert Oppenheimer", "J. Robert Oppenheimer")],
)
def test_leading_initials_and_the_given_name_beside_one_coauthor_are_one_person(
    tmp_path: Path, first: str, second: str
) -> None:
    """CONSTRUCTED snapshot lines, beside one co-author on two papers: one person
    (shared-coauthor). Before, two (no compatible name, two name blocks)."""
    config = store_with(tmp_path, [first, "Alice Martin"], [second, "Alice Martin"])
    assert author_at(config, "9003.00031", 1) == author_at(config, "9003.00032", 1)
    assert rule_of(config, "9003.00032", 1) == "shared-coauthor"
    assert len(persons(config)) == 2


@pytest.mark.parametrize(
    "listed", list(permutations(("J. Robert Smith", "Robert Smith", "John Smith")))
)
def test_leading_initials_bridge_no_two_given_names(
    tmp_path: Path, listed: tuple[str, str, str]
) -> None:
    """``J. Robert Smith`` is compatible with ``Robert Smith`` (the given name he goes by) and
    with ``John Smith`` (his initial J.), which are not one name; each beside Ann Lee, in any
    order, ``Robert Smith`` and ``John Smith`` stay two persons: a person joined as ``J. Robert
    Smith`` and ``Robert Smith`` is compared by ``Robert Smith``. Seen after both, as much
    evidence for each, ``J. Robert Smith`` joins neither (tests/test_ambiguous_initials.py)."""
    persons_of, _ = beside_one_coauthor(tmp_path, listed)
    found = dict(zip(listed, persons_of, strict=True))
    assert found["Robert Smith"] != found["John Smith"]
    both = (found["Robert Smith"], found["John Smith"])
    assert (found["J. Robert Smith"] in both) is (listed[-1] != "J. Robert Smith")


# The Arabic article written apart, hyphenated or joined: one surname as many write it
ARTICLE_ONE = [
    ("Ahmed El Sayed", "Ahmed Elsayed"),
    ("Ahmed El-Sayed", "Ahmed Elsayed"),
    ("Ahmed El-Sayed", "Ahmed El Sayed"),
    ("Omar Al-Hassan", "Omar Alhassan"),
    ("O. Al-Hassan", "Omar AlHassan"),
    ("Omar Al Hassan", "Omar Alhassan"),
    ("Ahmed El-Sayed", "Ahmed Sayed"),  # as before: a word apart may be a middle name
]
ARTICLE_TWO = [
    ("Ahmed Elsayed", "Ahmed Sayed"),  # joined, the article is part of the surname
    ("Omar Alhassan", "Omar Hassan"),
    ("Omar Al-Hassan", "Omar Alhassani"),
    ("Omar Al-Hassan", "Amr Alhassan"),  # the given name still decides
]


@pytest.mark.parametrize(("a", "b"), ARTICLE_ONE)
def test_the_arabic_article_apart_hyphenated_or_joined_is_one_name(a: str, b: str) -> None:
    """Before, ``El-Sayed`` / ``El Sayed`` and ``Elsayed`` were two surnames (``sayed``,
    ``elsayed``): two persons beside one co-author."""
    assert names.compatible(a, b) and names.compatible(b, a)
    assert names.compatible_at_position(a, b) and names.compatible_at_position(b, a)


@pytest.mark.parametrize(("a", "b"), ARTICLE_TWO)
def test_names_with_the_article_that_only_look_alike_stay_apart(a: str, b: str) -> None:
    assert not names.compatible(a, b) and not names.compatible(b, a)


def test_the_article_keeps_key_and_block_and_adds_the_joined_block() -> None:
    assert names.name_key("Ahmed El-Sayed") == "ahmed-el-sayed"
    assert names.blocks("Ahmed El-Sayed") == ("sayed-a", "elsayed-a")
    assert names.blocks("Omar Al Hassan") == ("hassan-o", "alhassan-o")
    assert names.blocks("Ahmed Elsayed") == ("elsayed-a",)
    for name in ["Al Gore", "El-Sayed", "Anne-Marie Smith", "Jean-Pierre Dupont"]:
        assert names.blocks(name) == (names.block(name),), name


@pytest.mark.parametrize("order", ["hyphenated-first", "joined-first"])
def test_the_article_beside_one_coauthor_is_one_person(tmp_path: Path, order: str) -> None:
    first, second = ("Ahmed El-Sayed", "Ahmed Elsayed")[:: 1 if order == "hyphenated-first" else -1]
    config = store_with(tmp_path, [first, "Alice Martin"], [second, "Alice Martin"])
    assert author_at(config, "9003.00031", 1) == author_at(config, "9003.00032", 1)
    assert rule_of(config, "9003.00032", 1) == "shared-coauthor"
    assert len(persons(config)) == 2


def test_a_registry_indexed_before_the_article_is_indexed_again(tmp_path: Path) -> None:
    """Marked 6 (before the article joined), a paper by ``Ahmed El-Sayed`` holds pairs under
    ``sayed-a`` only: opened, under ``elsayed-a`` too."""
    indexed_again(tmp_path, "Ahmed El-Sayed", "elsayed-a", "6", "Ahmed Elsayed")
