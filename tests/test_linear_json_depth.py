"""The JSON nesting check reads a hostile snapshot line in linear time, with the same depths."""

from __future__ import annotations

import re

import pytest

from linear_time import LINEAR_RATIO, growth
from samples import ROOT
from scholarkg.limits import json_depth

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
_OLD_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # the rule before: quadratic


def _old_depth(text: str) -> int:
    depth = deepest = 0
    for char in re.sub(r"[^\[\]{}]+", "", _OLD_STRING.sub("", text)):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _unterminated(size: int) -> str:
    """A line of 40 brackets, then a string no quote closes: escaped quotes to the end."""
    return "[" * 40 + '"' + '\\"' * (size // 2)


HOSTILE = [
    _unterminated(2_000),
    _unterminated(2_001) + "\\",
    '[{"a": "x\\"]]", "b": [[' + '"' + "[" * 50 + "\\",
    '[["a"], "b\\\\"], [[["c' + "]" * 40,
    '"' * 101 + "[[[",
    '[["a" "b" "\\" [[[ "]]]' + "[" * 40,
    "[" * 40 + "'\"\\u005d\"'" + "]" * 40,
]


@pytest.mark.parametrize("line", SNAPSHOT.read_text(encoding="utf-8").splitlines())
def test_real_lines_nest_as_before(line: str) -> None:
    assert json_depth(line) == _old_depth(line)
    assert json_depth("[" * 40 + line) == _old_depth("[" * 40 + line)


@pytest.mark.parametrize("line", HOSTILE)
def test_hostile_lines_nest_as_before(line: str) -> None:
    assert json_depth(line) == _old_depth(line)


def test_an_unterminated_string_is_read_in_linear_time() -> None:
    assert json_depth(_unterminated(40_000)) == 40
    assert growth(json_depth, _unterminated, 4_000) < LINEAR_RATIO
