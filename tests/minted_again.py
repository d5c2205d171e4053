"""A paper only a profile lists, built under the minting before a fold change and built again,
minted again and keeping its co-authors: what the fold tests (test_fold_letters_build.py,
test_fold_tex_letters_build.py) compare. Input CONSTRUCTED (tests/constructed.py): a profile
page of Helge Spieker in the sample page's layout listing the paper, dated as arXiv's
2202.12139, with Bo Berg and Ann Lee."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from constructed import Listed, listing, profile_page
from one_author import P
from scholarkg.config import Config, load_config
from scholarkg.identity import names
from scholarkg.runs.build import build

AUTHORS = ("Bo Berg", "Helge Spieker", "Ann Lee")
COAUTHORS = P + (
    "SELECT ?paper ?pos ?who WHERE { ?paper skg:hasAuthorship ?a . ?a skg:position ?pos ;"
    " skg:author ?who } ORDER BY ?pos"
)


def minted_again(
    directory: Path,
    title: str,
    monkeypatch: pytest.MonkeyPatch,
    minting_before: Callable[[pytest.MonkeyPatch], None],
) -> tuple[Config, str]:
    """Build the profile listing ``title`` with ``minting_before`` patched in, then again as
    this version mints: the paper is minted again, its co-authors stay the persons they were.
    The config and the paper's new IRI."""
    page = directory / "helge-spieker.txt"
    listed = Listed(title, listing("2202.12139").date, AUTHORS)
    page.write_bytes(profile_page("Helge Spieker", [listed]))
    config = load_config(write_config(directory, [page]))
    with monkeypatch.context() as before:
        minting_before(before)
        assert build(config).report.outcome == "ok"
        was = rows(config, COAUTHORS)
    names.clear_caches()
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    now = rows(config, COAUTHORS)
    assert [r["paper"] for r in now] != [r["paper"] for r in was]  # minted again
    assert [(r["pos"], r["who"]) for r in now] == [(r["pos"], r["who"]) for r in was]
    return config, str(now[0]["paper"])
