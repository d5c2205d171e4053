"""More spellings of one name: an Irish or Italian particle written apart (``Daniel O Brien``
for ``Daniel O'Brien``), initials written after the surname (``Dupont JP`` for ``J. P.
Dupont``), and the spelling a person is named by when two differ only by transliteration
(``Hans Müller``, not ``Hans Mueller``, whichever is seen first). Snapshot inputs are
CONSTRUCTED (tests/constructed.py: a real snapshot line with its id and authors changed)."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from building import rows
from one_author import persons
from paper_mentions import beside_one_coauthor
from scholarkg.identity import name_choice, names
from scholarkg.identity.name_variants import spellings
from snapshot_persons import author_at, rule_of, store_with

# the pairs of names these spellings make one name (or not) are in tests/test_name_spellings.py


def test_a_particle_written_apart_is_a_spelling_not_a_new_reading() -> None:
    """``Daniel O Brien`` keeps its key and block (``O`` an initial, as names version 5 reads
    it) and its compatibility with ``Daniel Brien``; the joined reading is one more spelling
    and one more block, so the pair index finds ``Daniel O'Brien`` from it."""
    assert names.tokens("Daniel O Brien") == ("daniel", "o", "brien")
    assert names.name_key("Daniel O Brien") == "daniel-o-brien"
    assert names.block("Daniel O Brien") == "brien-d"
    assert names.blocks("Daniel O Brien") == ("brien-d", "obrien-d")
    assert names.blocks("Daniel O. Brien") == ("brien-d",)
    assert names.blocks("Daniel O'Brien") == ("obrien-d",)
    assert spellings("Daniel O Brien") == ("Daniel O Brien", "Daniel OBrien")
    assert spellings("Daniel O. Brien") == ("Daniel O. Brien",)
    assert spellings("Ola O Brien") == ("Ola O Brien", "Ola OBrien")
    assert spellings("O Brien") == ("O Brien",)  # nothing before it: an initial
    assert names.compatible("Daniel O Brien", "Daniel Brien")  # as it was
    assert not names.compatible("Daniel OBrien", "Daniel Brien")


def test_initials_after_the_surname_are_a_spelling_not_a_new_reading() -> None:
    """``Dupont JP`` keeps the key and block names version 5 gives it; ``J. P. Dupont`` is one
    more spelling and its block one more block."""
    assert names.name_key("Dupont JP") == "dupont-jp"
    assert names.block("Dupont JP") == "jp-d"
    assert names.blocks("Dupont JP") == ("jp-d", "dupont-j")
    assert names.blocks("Dupont J.P.") == ("p-d", "dupont-j")
    assert spellings("Dupont JP") == ("Dupont JP", "J. P. Dupont")
    assert spellings("Dupont J.-P.") == ("Dupont J.-P.", "J. P. Dupont")
    assert spellings("Müller HP") == ("Müller HP", "Mueller HP", "H. P. Müller", "H. P. Mueller")
    assert spellings("Wang W.") == ("Wang W.", "W. Wang")
    others = ["DUPONT JP", "Wei LI", "Smith JR", "Andrew NG", "John Smith J", "Dupont, J.P."]
    for name in [*others, "J. P. Dupont", "Jean Dupont", "Yu. Makarov"]:
        assert spellings(name) == (name,), name


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Daniel O Brien", "Daniel O'Brien"),
        ("Daniel O'Brien", "Daniel O Brien"),
        ("Dupont JP", "Jean-Pierre Dupont"),
        ("Jean-Pierre Dupont", "Dupont J.P."),
    ],
)
def test_two_snapshot_papers_with_a_shared_coauthor_join_the_spellings(
    tmp_path: Path, first: str, second: str
) -> None:
    """Only in the snapshot, beside one co-author on two papers: one person (shared-coauthor),
    whichever spelling comes first. Before, each spelling was a person of its own (another
    name block, and no compatible name)."""
    config = store_with(tmp_path, [first, "Alice Martin"], [second, "Alice Martin"])
    assert author_at(config, "9003.00031", 1) == author_at(config, "9003.00032", 1)
    assert rule_of(config, "9003.00032", 1) == "shared-coauthor"
    assert len(persons(config)) == 2


def test_a_particle_written_apart_joins_no_other_surname(tmp_path: Path) -> None:
    """``Daniel O'Brien`` and ``Daniel Brien`` beside one co-author stay two persons: the
    spelling ``Daniel OBrien`` of ``Daniel O Brien`` reads nothing else into either."""
    config = store_with(
        tmp_path, ["Daniel O'Brien", "Alice Martin"], ["Daniel Brien", "Alice Martin"]
    )
    assert author_at(config, "9003.00031", 1) != author_at(config, "9003.00032", 1)
    assert len(persons(config)) == 4  # and so the two Alice Martins share no co-author


@pytest.mark.parametrize(
    ("first", "second", "named"),
    [
        ("Hans Mueller", "Hans Müller", "Hans Müller"),
        ("Hans Müller", "Hans Mueller", "Hans Müller"),
        ("Jörg Schäfer", "Joerg Schaefer", "Jörg Schäfer"),
        ("Joerg Schaefer", "Jörg Schäfer", "Jörg Schäfer"),
    ],
)
def test_a_person_is_named_with_the_letters_of_their_name(
    tmp_path: Path, first: str, second: str, named: str
) -> None:
    """Two spellings that differ only by transliteration, joined by a shared co-author: the
    person's foaf:name is the one written with its umlauts, whichever came first. Before,
    ``Hans Mueller`` (a letter more) was the name either way."""
    config = store_with(tmp_path, [first, "Alice Martin"], [second, "Alice Martin"])
    person = author_at(config, "9003.00031", 1)
    assert person == author_at(config, "9003.00032", 1)
    found = rows(config, f"SELECT ?n WHERE {{ <{person}> <http://xmlns.com/foaf/0.1/name> ?n }}")
    assert [r["n"] for r in found] == [named]


def test_the_preferred_spelling_of_two_alike_but_for_transliteration() -> None:
    assert name_choice.preferred(["Hans Mueller", "Hans Müller"]) == "Hans Müller"
    assert name_choice.preferred(["Hans Müller", "Hans Mueller"]) == "Hans Müller"
    assert name_choice.preferred(["Hans Muller", "Hans Müller"]) == "Hans Müller"
    assert name_choice.preferred(["H. Mueller", "Hans Mueller"]) == "Hans Mueller"  # fuller first
    assert name_choice.preferred(["Hans Mueller", "H. Müller"]) == "Hans Mueller"
    assert name_choice.preferred(['Hans M\\"uller', "Hans Mueller"]) == "Hans Mueller"  # not TeX
    assert (
        name_choice.completeness("Hans Müller")
        < name_choice.completeness("Hans Mueller")
        == (1, 11)
    )


@pytest.mark.parametrize(
    "listed",
    [
        ("Hans Müller", "Hans Mueller", "Hans Muller"),
        ("Hans Muller", "Hans Müller", "Hans Mueller"),
        ("Hans Mueller", "Hans Müller", "Hans Muller"),
    ],
)
def test_the_name_a_person_is_compared_by_stays_the_narrower(
    tmp_path: Path, listed: tuple[str, str, str]
) -> None:
    """``Hans Müller`` is compatible with ``Hans Mueller`` and with ``Hans Muller``, which are
    not one name: once a person is both ``Müller`` and ``Mueller`` (or ``Müller`` and
    ``Muller``) they are compared as ``Mueller`` (``Muller``), and the other spelling beside
    the same co-author is a person of its own. Naming them ``Hans Müller`` for the resolver as
    well (the foaf:name) joined all three."""
    persons, _ = beside_one_coauthor(tmp_path, listed)
    first, second, third = persons
    assert first == second != third


@pytest.mark.parametrize(
    "listed",
    [
        ("David Smith", "Daniel Smith", "D. Smith"),
        ("Daniel Smith", "David Smith", "D. Smith"),
        ("Daniel O'Brien", "Daniel Brien", "Daniel O Brien"),
        ("Daniel Brien", "Daniel O'Brien", "Daniel O Brien"),
    ],
)
def test_an_author_compatible_with_two_persons_merges_no_two_names(
    tmp_path: Path, listed: tuple[str, str, str]
) -> None:
    """The third name is compatible with each of the first two (an initial; a particle read as
    an initial or joined), which are not one name, and shares a co-author with both: as much
    evidence for each, it joins neither, and the report says why (before: it joined the first
    seen, tests/test_ambiguous_initials.py). Before that, the authorship merged them
    (``shared-coauthor``)."""
    (first, second, third), conflicts = beside_one_coauthor(tmp_path, listed)
    assert len({first, second, third}) == 3
    [conflict] = conflicts
    assert conflict.startswith(f"{listed[2]!r} at ") and "are not one name" in conflict


@pytest.mark.parametrize(
    "listed", list(permutations(("Daniel O Brien", "Daniel O'Brien", "Daniel Brien")))
)
def test_a_particle_written_apart_bridges_no_two_surnames(
    tmp_path: Path, listed: tuple[str, str, str]
) -> None:
    """``Daniel O Brien`` beside Ann Lee, as ``Daniel O'Brien`` and ``Daniel Brien`` (not one
    name) each are on another paper, in any order: ``O'Brien`` and ``Brien`` stay two persons.
    A person joined as ``Daniel O Brien`` and one reading of it is compared by that reading.
    Before, where ``Daniel O Brien`` named the person (first seen, or fuller than ``Daniel
    Brien``), it was compatible with both and joined all three (3 of the 6 orders). Seen after
    both, as much evidence for each, it joins neither (tests/test_ambiguous_initials.py)."""
    persons, _ = beside_one_coauthor(tmp_path, listed)
    found = dict(zip(listed, persons, strict=True))
    assert found["Daniel O'Brien"] != found["Daniel Brien"]
    readings = (found["Daniel O'Brien"], found["Daniel Brien"])
    assert (found["Daniel O Brien"] in readings) is (listed[-1] != "Daniel O Brien")
