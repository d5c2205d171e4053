"""An apostrophe between letters is part of the word it stands in (names version 5):
``O'Brien`` is the surname ``obrien``, not a middle initial ``o`` and the surname ``brien``, so
it is never the name ``Brien``; a registry written under version 4 is re-keyed."""

from __future__ import annotations

import pytest

from scholarkg.identity import names

# (as listed, its tokens, its name block)
JOINED = [
    ("Daniel O'Brien", ("daniel", "obrien"), "obrien-d"),
    ("Daniel O’Brien", ("daniel", "obrien"), "obrien-d"),  # right single quotation mark
    ("Daniel Oʼbrien", ("daniel", "obrien"), "obrien-d"),  # modifier letter apostrophe
    ("Daniel O`Brien", ("daniel", "obrien"), "obrien-d"),
    ("Daniel O´Brien", ("daniel", "obrien"), "obrien-d"),  # acute accent (NFKD: a space)
    ("Anil D'Souza", ("anil", "dsouza"), "dsouza-a"),
    ("Maria Dell'Orso", ("maria", "dellorso"), "dellorso-m"),
    ("O'Brien, Daniel", ("daniel", "obrien"), "obrien-d"),  # inverted at a comma
    ("DANIEL O'BRIEN II", ("daniel", "obrien"), "obrien-d"),  # a suffix after it still goes
    ("Ngo'c O'Brien", ("ngoc", "obrien"), "obrien-n"),
    ("J. O\\'Brien", ("j", "obrien"), "obrien-j"),  # TeX: an accent, as before
    ("R. Tom\\`as", ("r", "tomas"), "tomas-r"),  # TeX grave accent: a letter, not a mark
]
# (a name with an apostrophe, a name without its first part): two names
TWO_NAMES = [
    ("Daniel O'Brien", "Daniel Brien"),
    ("Anil D'Souza", "Anil Souza"),
    ("Maria Dell'Orso", "Maria Orso"),
    ("D. O’Brien", "D. Brien"),
    ("Daniel O'Brien", "Daniel Obi Brien"),  # before: "o" an initial of Obi
]


@pytest.mark.parametrize(("listed", "words", "block"), JOINED)
def test_an_apostrophe_between_letters_joins_the_word(
    listed: str, words: tuple[str, ...], block: str
) -> None:
    assert names.tokens(listed) == words
    assert names.block(listed) == block
    assert names.name_key(listed) == "-".join(words)


@pytest.mark.parametrize(("a", "b"), TWO_NAMES)
def test_a_name_with_an_apostrophe_is_not_the_name_without_its_first_part(a: str, b: str) -> None:
    assert not names.compatible(a, b) and not names.compatible(b, a)
    assert not names.compatible_at_position(a, b) and not names.compatible_at_position(b, a)
    assert names.block(a) != names.block(b)
    assert names.block(b) not in names.blocks(a) and names.block(a) not in names.blocks(b)


def test_the_spellings_of_a_name_with_an_apostrophe_are_one_name() -> None:
    spelled = ["Siobhan O'Brien", "Siobhan OBrien", "Siobhan O’Brien", "S. Oʼbrien", "OBRIEN, S."]
    assert {names.block(s) for s in spelled} == {"obrien-s"}
    assert all(names.compatible(a, b) for a in spelled for b in spelled)
    assert names.blocks("Siobhan O'Brien") == ("obrien-s",)


def test_an_apostrophe_not_between_letters_stays_a_break() -> None:
    """A space beside it, or at an end: read as before (``O' Brien`` as ``O Brien``)."""
    assert names.tokens("Daniel O' Brien") == ("daniel", "o", "brien")
    assert names.tokens("Daniel O Brien") == ("daniel", "o", "brien")
    assert names.tokens("'Daniel' Smith") == ("daniel", "smith")
    assert names.tokens("Daniel O'3") == ("daniel", "o", "3")  # a digit is no letter


def test_version_4_keys_and_blocks_are_kept_for_an_old_registry() -> None:
    assert names.block_as("Daniel O'Brien", "4") == "brien-d"
    assert names.block_as("Daniel Oʼbrien", "4") == "oʼbrien-d"
    assert names.name_keys("Daniel O'Brien")[:2] == ("daniel-obrien", "daniel-o-brien")
    assert names.name_keys("Daniel Brien") == ("daniel-brien",)
