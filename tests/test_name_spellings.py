"""Other spellings of one name are compatible (never keys or blocks): umlauts transliterated,
an apostrophe dropped (names version 5 reads the name so), a given name written as one word or
two, initials run together, a given name cut short with a full stop; and what stays apart."""

from __future__ import annotations

import pytest

from scholarkg.identity import names
from scholarkg.identity.name_variants import shortened, spellings

ONE_PERSON = [
    ("Hans Müller", "Hans Mueller"),
    ("Hans-Peter Müller", "H.P. Mueller"),
    ('H. M\\"uller', "Hans Mueller"),  # TeX umlaut
    ('J. Sch\\"{o}nfeld', "Jan Schoenfeld"),
    ("Mueller, Hans", "Hans Müller"),
    ("Siobhan O'Brien", "Siobhan OBrien"),
    ("D. O’Brien", "Daniel OBrien"),
    ("Xiao-Li Meng", "Xiaoli Meng"),
    ("Xiao Li Meng", "Xiaoli Meng"),
    ("Jean-Pierre Dupont", "JP Dupont"),
    ("R. J. Smith", "RJ Smith"),
    ("Yuri Makarov", "Yu. Makarov"),
    ("Philippe Martin", "Ph. Martin"),
    ("Christian Müller", "Chr. Mueller"),
    # a particle written apart, initials after the surname (test_name_spellings_more.py)
    ("Daniel O Brien", "Daniel O'Brien"),  # the apostrophe written as a space
    ("Daniel O Brien", "Daniel OBrien"),
    ("D. O Brien", "Daniel O’Brien"),
    ("Maria D Angelo", "Maria D'Angelo"),
    ("Brien, Daniel O", "Daniel Brien"),  # still an initial as well
    ("Dupont JP", "Jean-Pierre Dupont"),  # initials after the surname
    ("Dupont J.P.", "Jean-Pierre Dupont"),
    ("Dupont J. P.", "J.-P. Dupont"),
    ("Dupont J.-P.", "Jean Pierre Dupont"),
    ("Müller HP", "Hans-Peter Mueller"),
    ("Dupont J", "Jean Dupont"),
]
TWO_PEOPLE = [
    ("Hans Muller", "Hans Mueller"),  # one without umlaut: Muller and Mueller are two names
    ("Xiaoli Meng", "Xiao Ming Meng"),
    ("Xiaoli Meng", "Xiao Meng"),
    ("JP Dupont", "Paul Dupont"),
    ("Yu. Makarov", "Ivan Makarov"),
    ("Ph. Martin", "Pierre Martin"),
    ("Jo Smith", "John Smith"),  # no full stop: Jo is a name
    ("John Smith II", "John I"),  # a numeral is no run of initials
    ("Mary St. John", "Mary Stephen John"),  # St. is no given name cut short
    ("JOHN SMITH", "Jane Owen Smith"),  # all in capitals: JOHN is no initials
    # a particle written apart, initials after the surname (test_name_spellings_more.py)
    ("Daniel O. Brien", "Daniel O'Brien"),  # a full stop: an initial only
    ("Daniel O Brien", "Daniel D'Brien"),
    ("Daniel O Brien", "Daniel Obrist"),
    ("DANIEL O BRIEN", "Daniel OBrien"),  # all in capitals: O is an initial
    ("Daniel O Brien", "Dana O'Brien"),  # the given names still agree or not (Dan is Daniel)
    ("Dupont JP", "Paul Dupont"),
    ("Dupont JP", "Jean-Marc Dupont"),
    ("DUPONT JP", "Jean-Pierre Dupont"),  # all in capitals: JP may be a name
    ("Wei LI", "Li Wei"),  # a word of two capitals with a vowel is a surname, not initials
    ("Wei LI", "Lan Ivy Wei"),
    ("Andrew NG", "Nathan G. Andrew"),
    ("John Smith MD", "Mary Smith"),  # initials after one word only: no degree read so
    ("Dupont Jp", "Jean-Paul Dupont"),  # not in capitals: no initials
]


@pytest.mark.parametrize(("a", "b"), ONE_PERSON)
def test_two_spellings_of_one_name_are_compatible_either_way(a: str, b: str) -> None:
    assert names.compatible(a, b) and names.compatible(b, a)
    assert names.compatible_at_position(a, b) and names.compatible_at_position(b, a)


@pytest.mark.parametrize(("a", "b"), TWO_PEOPLE)
def test_names_that_only_look_alike_stay_apart(a: str, b: str) -> None:
    assert not names.compatible(a, b) and not names.compatible(b, a)


def test_keys_and_blocks_are_as_the_name_is_written() -> None:
    """The spellings widen comparison only: ``Müller`` keeps its key and block (a registry
    keeps them; ``Mueller`` is another block, joined at one position of one paper)."""
    assert names.name_key("Hans Müller") == "hans-muller"
    assert names.block("Hans Mueller") == "mueller-h"
    assert names.block("Xiaoli Meng") == names.block("Xiao-Li Meng") == "meng-x"
    # the pair index holds a name under the block of each spelling
    assert names.blocks("Hans Müller") == ("muller-h", "mueller-h")
    assert names.blocks("Siobhan O'Brien") == ("obrien-s",)  # an apostrophe joins its word
    assert names.blocks("JP Dupont") == ("dupont-j",)


def test_the_spellings_a_name_stands_for() -> None:
    assert spellings("Hans-Peter Müller") == ("Hans-Peter Müller", "Hans-Peter Mueller")
    assert spellings("Siobhan O'Brien") == ("Siobhan O'Brien",)  # read as OBrien already
    assert spellings("JP Dupont") == ("JP Dupont", "J. P. Dupont")
    assert spellings("Ada Lovelace") == ("Ada Lovelace",)
    assert shortened("Yu. A. Makarov, Jr.") == frozenset({"yu"})


def test_a_hostile_name_is_read_in_linear_time() -> None:
    """A name of 200 000 characters of the patterns the readings look for: read at once
    (each pattern is matched without backtracking over the name)."""
    hostile = "JP " * 30_000 + "O'B" * 20_000 + 'M\\"u' * 10_000 + "Yu. " * 10_000 + "x"
    assert len(spellings(hostile)) == 4  # as written, umlauts, initials: 2 × 2
    assert names.compatible(hostile, hostile + "y") is False
