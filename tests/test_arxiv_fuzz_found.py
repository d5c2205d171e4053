"""What fuzzing the arXiv parsers found (tests/test_arxiv_fuzz.py), each pinned by the input
that found it: a snapshot line whose ``authors_parsed`` or ``versions`` is no list, a version
date with a 20-digit year, day, hour or offset, and an Atom answer whose prefix no ``xmlns``
declares, are each refused in words naming what is wrong, not by a Python error.

MUTATED from the real fixtures: the sample's first line (tests/fixtures/arxiv/kaggle), the
API's answer for 1707.08567 (tests/fixtures/arxiv/atom) and test_oai_pmh's ``arXivRaw`` page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scholarkg.extract.snapshot import parse_snapshot_line

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
LINE = json.loads((FIXTURES / "kaggle" / "snapshot_sample_100.jsonl").open().readline())


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("authors_parsed", 1.5),
        ("authors_parsed", 7),
        ("authors_parsed", "Streinu Ileana"),
        ("authors_parsed", {"Streinu": "Ileana"}),
        ("versions", 1.5),
        ("versions", "v1"),
        ("versions", {"version": "v1"}),
    ],
)
def test_a_snapshot_list_key_given_no_list_is_refused_naming_it(key: str, value: Any) -> None:
    # before: a number raised TypeError (quarantined as "TypeError: 'float' object is not
    # iterable"), a string or an object was read character by character or key by key
    line = json.dumps(dict(LINE, **{key: value}))
    with pytest.raises(ValueError, match=f"^'{key}' is not a list$"):
        parse_snapshot_line(line, source="s.jsonl:1")
