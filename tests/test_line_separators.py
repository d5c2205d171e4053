"""Text holding a character Python counts as a line break (U+2028, U+2029, NEL U+0085) but
N-Triples does not: written raw inside a literal, it must not split the graph's lines.

Before, the loaders cut a graph's N-Triples text at those characters (``str.splitlines``), so a
profile page with one in an abstract had its whole graph refused by the store (dead-lettered:
"not valid N-Triples"). The profile page is CONSTRUCTED from the real sample, each test saying
what it changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from building import build_store, rebuild, rows
from samples import SAMPLE_PROFILE
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.patch import GraphPatch

SAMPLE = SAMPLE_PROFILE.read_text(encoding="utf-8")
FIRST_ABSTRACT = "In this work, we introduce Gemma 2"
SEPARATORS = ["\u2028", "\u2029", "\x85"]
ABSTRACTS = "SELECT ?a WHERE { ?p <http://purl.org/dc/terms/abstract> ?a }"


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_patch_keeps_a_literal_holding_a_line_separator_whole(separator: str) -> None:
    held = '<urn:x:s> <urn:x:p> "a" .\n'
    new = f'<urn:x:s> <urn:x:p> "b{separator}c" .\n<urn:x:s> <urn:x:q> "d" .\n'
    patch = GraphPatch.between("urn:x:g", {held}, new)
    assert patch.delta is not None and patch.delta[0] == held
    assert sorted(patch.delta[1].split("\n")) == sorted(new.split("\n"))


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_profile_abstract_with_a_line_separator_loads_and_changes(
    tmp_path: Path, separator: str
) -> None:
    page = tmp_path / "page.txt"
    first = f"In this work,{separator}we introduce Gemma 2"
    page.write_text(SAMPLE.replace(FIRST_ABSTRACT, first), encoding="utf-8")
    config, report = build_store(tmp_path, [page])
    assert report.dead == []
    abstracts = [r["a"] for r in rows(config, ABSTRACTS)]
    assert sum(a.startswith(first) for a in abstracts) == 1
    with EmbeddedStore(config.store.path, read_only=True) as store:
        assert any("/graph/profile/" in g for g in store.graph_names())
    second = f"In this work,{separator}we now introduce Gemma 2"
    page.write_text(SAMPLE.replace(FIRST_ABSTRACT, second), encoding="utf-8")
    report = rebuild(config)  # written as a patch against the lines the store holds
    assert report.dead == []
    abstracts = [r["a"] for r in rows(config, ABSTRACTS)]
    assert sum(a.startswith(second) for a in abstracts) == 1
    assert not any(a.startswith(first) for a in abstracts)
