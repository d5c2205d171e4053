"""Generational suffixes (``Jr.``, ``Sr.``, ``II`` … ``V``) are no part of the surname and
tell two people apart: ``John Smith Jr.`` ~ ``J. Smith Jr.`` ~ ``John Smith`` (a suffix missing
on one side is no disagreement), never ``John Smith Jr.`` ~ ``John Smith Sr.`` (father and
son). Snapshot inputs are CONSTRUCTED (tests/constructed.py: a real snapshot line with its id
and authors changed)."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from one_author import persons
from paper_mentions import beside_one_coauthor
from scholarkg.identity import names
from scholarkg.identity.name_variants import spellings
from snapshot_persons import author_at, load_papers, rule_of

ONE_PERSON = [
    ("John Smith Jr.", "J. Smith Jr."),
    ("John Smith Jr.", "John Smith"),
    ("John Smith, Jr.", "J. Smith"),
    ("Smith Jr., John", "John Smith Jr."),
    ("Smith, John, Jr.", "John Smith, Jr."),
    ("John Smith Sr.", "John Smith"),
    ("Henry Ford III", "Henry Ford"),
    ("Henry Ford V", "Henry Ford"),  # a fifth: V is no surname
    ("Henry Ford V", "H. Ford V"),
    ("Henry Ford V", "Henry Ford V"),
    ("Vladimir V", "Vladimir V"),
]
TWO_PEOPLE = [
    ("John Smith Jr.", "John Smith Sr."),  # father and son
    ("Smith Jr., John", "John Smith, Sr."),
    ("J. Smith Jr.", "John Smith Sr."),
    ("Henry Ford II", "Henry Ford III"),
    ("Henry Ford IV", "Henry Ford V"),
    ("John Smith II", "John Smith Jr."),  # two conventions, not known to be one
    ("Vladimir V", "Vladimir Smith"),  # V an initial (surname first), no suffix
]


@pytest.mark.parametrize(("a", "b"), ONE_PERSON)
def test_a_suffix_missing_on_one_side_is_no_disagreement(a: str, b: str) -> None:
    assert names.compatible(a, b) and names.compatible(b, a)
    assert names.compatible_at_position(a, b) and names.compatible_at_position(b, a)


@pytest.mark.parametrize(("a", "b"), TWO_PEOPLE)
def test_two_generations_are_two_people(a: str, b: str) -> None:
    """Before, ``Jr.`` and ``Sr.`` (and any two numerals) were dropped and the names were one;
    ``Henry Ford V`` was the surname V."""
    assert not names.compatible(a, b) and not names.compatible(b, a)
    assert not names.compatible_at_position(a, b)


def test_the_generation_a_name_writes() -> None:
    found = {
        n: names.generation(n)
        for n in [
            "John Smith Jr.", "Smith Jr., John", "Smith, John, Sr.", "JOHN SMITH II",
            "Evans II, Neal J.", "Henry Ford V", "John Smith", "Kazuo Ii", "KAZUO II",
            "K. Ii", "Vladimir V", "Smith J V", "Smith, V.", "John Smith V.", "John Smith PhD",
            "T. Montaruli Jr. for the IceCube Collaboration",
        ]
    }  # fmt: skip
    assert found == {
        "John Smith Jr.": "jr", "Smith Jr., John": "jr", "Smith, John, Sr.": "sr",
        "JOHN SMITH II": "ii", "Evans II, Neal J.": "ii", "Henry Ford V": "v",
        "John Smith": None, "Kazuo Ii": None, "KAZUO II": None, "K. Ii": None,
        "Vladimir V": None, "Smith J V": None, "Smith, V.": None, "John Smith V.": None,
        "John Smith PhD": None, "T. Montaruli Jr. for the IceCube Collaboration": "jr",
    }  # fmt: skip


def test_a_fifth_is_a_spelling_keys_and_blocks_stay() -> None:
    """``Henry Ford V`` keeps the key and block names version 5 gives it (read with the
    surname V); ``Henry Ford`` is one more spelling, its block one more block (the pair index
    finds it beside a co-author of ``Henry Ford``). ``V`` as an initial reads no fifth."""
    assert names.name_key("Henry Ford V") == "henry-ford-v"
    assert names.block("Henry Ford V") == "v-h"
    assert names.blocks("Henry Ford V") == ("v-h", "ford-h")
    assert spellings("Henry Ford V") == ("Henry Ford V", "Henry Ford")
    for name in ["Vladimir V", "Smith J V", "Smith, V.", "John Smith V.", "John V. Smith"]:
        assert all("V" in spelled for spelled in spellings(name)), name  # V kept
        assert names.generation(name) is None
    assert names.name_key("John Smith Jr.") == names.name_key("John Smith Sr.") == "john-smith"


@pytest.mark.parametrize(
    "listed", list(permutations(("John Smith Jr.", "John Smith Sr.", "John Smith")))
)
def test_a_name_without_a_suffix_bridges_no_two_generations(
    tmp_path: Path, listed: tuple[str, str, str]
) -> None:
    """Each name first author beside Ann Lee on a paper of its own, in any order: ``John Smith
    Jr.`` and ``John Smith Sr.`` stay two persons, ``John Smith`` seen before one of them
    joins one of them (a person joined as ``John Smith`` and ``John Smith Jr.`` is compared by
    the latter); seen after both, as much evidence for each, it joins neither (before: the
    first seen, tests/test_ambiguous_initials.py). Before that, the three were one person in
    every order."""
    persons_of, _ = beside_one_coauthor(tmp_path, listed)
    found = dict(zip(listed, persons_of, strict=True))
    assert found["John Smith Jr."] != found["John Smith Sr."]
    generations = (found["John Smith Jr."], found["John Smith Sr."])
    assert (found["John Smith"] in generations) is (listed[-1] != "John Smith")


@pytest.mark.parametrize(
    "listed", list(permutations(("J. Smith Jr.", "John Smith", "John Smith Sr.")))
)
def test_a_fuller_name_without_the_suffix_keeps_it(
    tmp_path: Path, listed: tuple[str, str, str]
) -> None:
    """A person joined as ``J. Smith Jr.`` and the fuller ``John Smith`` is compared as ``John
    Smith Jr.``: a ``John Smith Sr.`` beside the same co-author is a person of his own in every
    order (before, in 2 of the 6 orders the person was compared by ``John Smith`` and the Sr.
    joined the Jr.)."""
    persons_of, _ = beside_one_coauthor(tmp_path, listed)
    found = dict(zip(listed, persons_of, strict=True))
    assert found["J. Smith Jr."] != found["John Smith Sr."]


@pytest.mark.parametrize("order", ["jr-first", "sr-first"])
def test_father_and_son_beside_one_coauthor_are_two_persons(tmp_path: Path, order: str) -> None:
    """Only in the snapshot (CONSTRUCTED lines), ``John Smith Jr.`` and ``John Smith Sr.``
    each beside Alice Martin: two persons (and so two Alice Martins: no compatible name to
    share), no conflict (nothing links the two). Before, one person (shared-coauthor)."""
    first, second = ("John Smith Jr.", "John Smith Sr.")[:: 1 if order == "jr-first" else -1]
    config, conflicts = load_papers(tmp_path, [first, "Alice Martin"], [second, "Alice Martin"])
    assert author_at(config, "9003.00031", 1) != author_at(config, "9003.00032", 1)
    assert rule_of(config, "9003.00032", 1) == "first-seen"
    assert len(persons(config)) == 4 and conflicts == []


def test_an_author_beside_the_coauthors_of_father_and_son_merges_neither(tmp_path: Path) -> None:
    """CONSTRUCTED snapshot lines: ``John Smith Jr.`` beside Alice Martin, ``John Smith Sr.``
    beside Bo Kim, then ``John Smith`` beside both: as much evidence for each, he joins neither
    and the run reports why, as for other names that are not one name (before: he joined the
    first seen, tests/test_ambiguous_initials.py). Before that, the third paper merged father
    and son."""
    config, conflicts = load_papers(
        tmp_path,
        ["John Smith Jr.", "Alice Martin"],
        ["John Smith Sr.", "Bo Kim"],
        ["John Smith", "Alice Martin", "Bo Kim"],
    )
    jr, sr = author_at(config, "9003.00031", 1), author_at(config, "9003.00032", 1)
    assert len({jr, sr, author_at(config, "9003.00033", 1)}) == 3
    assert rule_of(config, "9003.00033", 1) == "first-seen"
    [conflict] = conflicts
    assert conflict.startswith("'John Smith' at ")
    assert "'John Smith Jr.' and 'John Smith Sr.' are not one name" in conflict
    assert len(persons(config)) == 5  # three John Smiths, Alice Martin, Bo Kim


def test_a_hostile_name_is_read_in_linear_time() -> None:
    """Names of 100 000 words of the patterns the suffix and capitals readings look for: read
    at once (each word is looked at a bounded number of times)."""
    suffixed = "John " * 50_000 + "Smith Jr."
    assert names.generation(suffixed) == "jr"
    assert not names.compatible(suffixed, "John " * 50_000 + "Smith Sr.")
    capitals = "LI " * 50_000 + "Wei " * 50_000
    assert spellings(capitals) == (capitals, ("Wei " * 50_000 + "LI " * 50_000).strip())
    assert names.generation("Ann " * 50_000 + "Lee V") == "v"
