"""A ``[people.merge]`` name key is recognised in linear time, as the same keys as before."""

from __future__ import annotations

import re

import pytest

from linear_time import LINEAR_RATIO, growth
from scholarkg.errors import ConfigError
from scholarkg.identity.overrides import _NAME_KEY, parse_ref

# the rule before: "-" is in the character class too, so each hyphen doubled the backtracking
_OLD_NAME_KEY = re.compile(r"^[^\sA-Z|#:]+(-[^\sA-Z|#:]+)*$")

KEYS = [
    "l-hussenot",
    "leonard-hussenot",
    "j-smith-jr",
    "o-connor",
    "wang-wei",
    "王伟",
    "müller-lüdenscheidt",
    "a",
    "-",
    "-a",
    "a-",
    "a--b",
    "a-b-c-d-e-f",
    "L-hussenot",
    "l hussenot",
    "l-hussenot\n",
    "l-hussenot\nx",
    "a|b",
    "a#1",
    "a:b",
    "",
    "a-" * 8 + "A",
    "a-" * 8 + " ",
]


@pytest.mark.parametrize("key", KEYS)
def test_name_keys_are_the_same_as_before(key: str) -> None:
    assert bool(_NAME_KEY.match(key)) == bool(_OLD_NAME_KEY.match(key))


def _refused(text: str) -> None:
    for _ in range(20):
        with pytest.raises(ConfigError):
            parse_ref(text, "[people.merge]", merge=True)


def test_a_long_hyphenated_key_is_refused_in_linear_time() -> None:
    assert growth(_refused, lambda size: "a-" * size + "A", 2) < LINEAR_RATIO
