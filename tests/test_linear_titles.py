"""A title's main part (before a subtitle) is found in linear time, as it was found before."""

from __future__ import annotations

import re

import pytest

from cpu_budget import ends_within
from fixture_texts import titles
from linear_time import LINEAR_RATIO, growth
from scholarkg.iris import title_key
from scholarkg.resolution.titles import (
    COMPARED_CHARACTERS,
    _words_similarity,
    main_title,
    title_similarity,
)

_OLD_SUBTITLE = re.compile(r"\s*(?::|\s[-–—]\s|\?\s)\s*")  # the rule before: quadratic


def _old_main_title(title: str) -> str:
    return title_key(_OLD_SUBTITLE.split(title, maxsplit=1)[0])


EDGES = [
    "BOND: Aligning LLMs",
    "BOND : Aligning",
    "BOND\t\n: x",
    ":leading colon",
    "trailing colon:",
    "Why? Because",
    "Why?Because",
    "Why ?",
    "A - B",
    "A -B",
    "A- B",
    "A — B",
    "A\u3000–\u3000B",
    "A  -  B: C",
    "C++ - a language? no: yes",
    " - starts with a dash",
    "-",
    "",
    "   ",
    "a?",
    "x" + " " * 3000 + "y",
    "x" + " " * 3000 + ": y",
    "x" + " " * 3000 + "- y",
    "x" + " " * 3000 + "?",
]


@pytest.mark.parametrize("title", titles() + EDGES)
def test_main_titles_are_as_before(title: str) -> None:
    assert main_title(title) == _old_main_title(title)


def _spaced(size: int) -> str:
    return "a" + " " * size + "b"


def test_a_title_with_a_long_run_of_spaces_is_read_in_linear_time() -> None:
    assert main_title(_spaced(20_000)) == "a b"
    assert growth(main_title, _spaced, 4_000) < LINEAR_RATIO


def test_two_titles_of_a_megabyte_are_compared_in_bounded_time() -> None:
    """CONSTRUCTED: a profile title and a stored title of ~1 MiB each (under [limits]
    literal_bytes), one word apart. Comparing them word by word (SequenceMatcher, the
    abbreviation search) took hours; past COMPARED_CHARACTERS only an equal title matches."""
    words = " ".join(f"word{i}" for i in range(150_000))
    listed, stored = words + " alpha", words + " beta"
    assert len(listed) > 1_000_000
    assert ends_within(60, lambda: _words_similarity(listed, stored)) is None
    assert _words_similarity(listed, stored) == 0.0
    assert _words_similarity(listed, listed.upper()) == 1.0  # equal once folded
    assert _words_similarity(listed, listed.replace(" word7 ", " word 7 ")) == 0.99
    short = "Conditional Language Policy: A General Framework for Steerable Finetuning"
    long_enough = short + " " + "x" * (COMPARED_CHARACTERS - len(short) - 1)
    assert 0.9 < title_similarity(long_enough, long_enough + "y") < 1.0  # at the bound: compared
