"""A name written for a group (``… for the X Collaboration``) is read in linear time, as before."""

from __future__ import annotations

import pytest

from fixture_texts import author_strings
from linear_time import LINEAR_RATIO, growth
from scholarkg.identity import name_reading
from scholarkg.identity.name_reading import _FOR_RAW, _ON_BEHALF, GROUP_WORDS, person_and_group
from scholarkg.iris import fold


def _old_person_and_group(name: str) -> tuple[str, str] | None:
    """The rule before: each "for" folded all the text before it and after it (quadratic)."""
    before = name_reading._named_before(name)
    if before is not None:
        return before[0].strip(), before[1]
    for found in _FOR_RAW.finditer(name):
        after = name[found.end() :]
        if fold(name[: found.start()]) and any(w in GROUP_WORDS for w in fold(after).split()):
            return name[: found.start()].strip(" ,;:(["), after
    return None


def _old_writing_for(words: list[str]) -> int | None:
    for start in range(1, len(words)):
        for phrase in _ON_BEHALF:
            if tuple(words[start : start + len(phrase)]) == phrase and any(
                w in GROUP_WORDS for w in words[start + len(phrase) :]
            ):
                return start
    return None


EDGES = [
    "T. Montaruli for the IceCube Collaboration",
    "T. Montaruli on behalf of the IceCube Collaboration",
    "T. Montaruli, on behalf of the ATLAS and CMS Collaborations",
    "ATLAS Collaboration: G. Aad",
    "for the IceCube Collaboration",
    "A for B for the X Team",
    "A for B for C",
    "Team A for B",
    "A (for the LIGO Scientific Collaboration)",
    "A-for-the-Planck-Collaboration",
    "A_for_the_Planck_Collaboration",
    "A\\for the Planck Collaboration",
    "\\for for the Planck Collaboration",
    "\\for \\for for the X Group",
    "for for for the X Group",
    ", for the X Group",
    "J. Forman",
    "Forward Team",
    "A FOR THE X TEAM",
    "A on  behalf\tof the X Network",
    "A onbehalf of the X Network",
    "A for" + " for" * 300 + " x",
    "A for" + " for" * 300 + " the Planck Survey",
]


@pytest.mark.parametrize("name", author_strings() + EDGES)
def test_names_for_groups_read_as_before(name: str) -> None:
    assert person_and_group(name) == _old_person_and_group(name)
    words = fold(name).split()
    assert name_reading._writing_for(words) == _old_writing_for(words)


def _fors(size: int) -> str:
    """A group word, then many "for"s no group word follows."""
    return "Team " + "A for B " * (size // 8)


def test_a_name_of_many_fors_is_read_in_linear_time() -> None:
    assert person_and_group(_fors(20_000)) is None
    assert growth(person_and_group, _fors, 2_000) < LINEAR_RATIO
    assert growth(lambda text: name_reading.tokens_as(text, "3"), _fors, 2_000) < LINEAR_RATIO
