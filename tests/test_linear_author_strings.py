"""A free-text author list is split in linear time, into the same pieces as before."""

from __future__ import annotations

import re

import pytest

from fixture_texts import author_strings
from linear_time import LINEAR_RATIO, growth
from scholarkg.extract.arxiv_authors import (
    _split_and,
    _without_et_al,
    _without_stops,
    split_author_string,
)

# the rules before, quadratic in a run of white space or in the number of " and "s
_OLD_ET_AL = re.compile(r"(?:,|\s)\s*et\.?\s+al\.?\s*$", re.IGNORECASE)
_OLD_AND = re.compile(r"\s+and\s+")


def _old_split_and(piece: str) -> list[str]:
    parts: list[str] = []
    last = 0
    for match in _OLD_AND.finditer(piece):
        before = piece[: match.start()]
        if before.count("(") == before.count(")"):
            if match.start() > 0 or last > 0:
                parts.append(piece[last : match.start()])
            last = match.end()
    parts.append(piece[last:])
    return parts


EDGES = [
    "A. Smith et al",
    "A. Smith, et al.",
    "A. Smith,et al.",
    "A. Smith ,  et al. ",
    "A. Smith et al.\n",
    "A. Smith\tET AL",
    "A. Bennet al",
    "A. Smith, Bennet al",
    "et al",
    " et al",
    ",et al",
    "A et. al",
    "A etal",
    "A et al B",
    "A et al, B et al",
    "A, , et al",
    "A and B",
    " and B",
    "A and  and B",
    "A  and\tB and (C and D) and E",
    "A (x and (y) and z) and B",
    "A (x and B",
    "A ) and B ( and C",
    "and and and",
    "A\u2003and\u00a0B",
    "A" + " " * 3000 + "and" + " " * 3000 + "B" + " " * 3000,
    "A" + " " * 3000 + "et al",
]


@pytest.mark.parametrize("text", author_strings() + EDGES)
def test_author_strings_split_as_before(text: str) -> None:
    assert _without_et_al(text) == _OLD_ET_AL.sub("", text)
    assert _split_and(text) == _old_split_and(text)


def _spaced(size: int) -> str:
    return "A" + " " * size + "B"


def _ands(size: int) -> str:
    return "(A and " * (size // 7) + ")"


def test_a_long_run_of_spaces_is_read_in_linear_time() -> None:
    assert [a.name for a in split_author_string(_spaced(20_000))] == ["A B"]
    assert growth(split_author_string, _spaced, 4_000) < LINEAR_RATIO


def test_many_ands_are_read_in_linear_time() -> None:
    assert growth(split_author_string, _ands, 8_000) < LINEAR_RATIO


def _footnoted(size: int) -> str:
    return "a (1)" * (size // 5) + " ((1) x)"


def test_a_long_first_name_with_footnotes_is_read_in_linear_time() -> None:
    """The first author is looked at for a collaboration (which takes no later author's
    affiliation): searched as arXiv's parser writes the pattern, 8 000 footnoted words took
    5.7 s, 16 000 about 23 s."""
    assert growth(split_author_string, _footnoted, 8_000) < LINEAR_RATIO
    (author,) = split_author_string(_footnoted(20_000))
    assert author.affiliations == ("x",) and author.name.count("a") == 4_000  # each once


_OLD_LEGEND_END = re.compile(r"[.,\s]+$")


@pytest.mark.parametrize(
    "text",
    ["MIT", "MIT, ", "CMU.", " . , ", "", "A.B.", "x\u00a0.\u2003", "x\x1c", "a,\n", "\u200b. "],
)
def test_a_legend_affiliation_ends_as_before(text: str) -> None:
    assert _without_stops(text) == _OLD_LEGEND_END.sub("", text)


def _legend_run(size: int) -> str:
    return "A (1) ((1) " + ". " * (size // 2) + "MIT)"


def test_a_long_run_in_a_footnote_legend_is_read_in_linear_time() -> None:
    """REPRODUCED: a legend affiliation of a long run of full stops, commas or spaces before
    its text (``((1) . . . … MIT)``) was read from each of its characters: 1.0 s for 20 000
    characters, 66 s for 160 000 (quadratic), in an author string arXivRaw or a snapshot line
    gives."""
    [author] = split_author_string(_legend_run(20_000))
    assert author.affiliations[0].endswith(". MIT")
    assert growth(split_author_string, _legend_run, 4_000) < LINEAR_RATIO
