"""An OAI-PMH harvest in ``arXivRaw`` that lists a record again with an older latest version than
the listing read before (a server lying about the state, or a stale mirror: one datestamp, a day
long, for both) keeps the newer version: the later listing is stale, not loaded, not counted,
and noted, as a listing with an older datestamp is.

Page 1 is the real oai_dc ``set=cs`` answer (5 records); pages 2 and 3 are CONSTRUCTED: each one
arXivRaw record of 0704.0002 (facts from its real snapshot line, as tests/arxiv_raw_record.py's
ARXIV_RAW), page 2 listing versions 1 to 3, page 3 versions 1 and 2, both datestamped
2024-01-26; page 3 ends the list.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from arxiv_versions import held_versions, raw_record, serve
from building import counted
from conftest import write_config
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_harvest import harvest

pytest_plugins = ("arxiv_fixtures",)


@pytest.fixture
def config(tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return load_config(
        write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})
    )


@pytest.mark.parametrize(
    ("two", "three"),
    [
        (raw_record(3), raw_record(2)),  # on two pages
        ("", raw_record(3) + raw_record(2)),  # twice on one page
    ],
    ids=["two pages", "one page"],
)
def test_a_listing_with_an_older_latest_version_is_stale(
    config: Config, arxiv_server: ReplayServer, two: str, three: str
) -> None:
    """Before, the later listing replaced the graph: the store held v2, and v3 was lost."""
    serve(arxiv_server, two, three)
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (6, 6, 0, 0)
    assert held_versions(config) == ([1, 2, 3], ["Sparsity-certifying Graph Decompositions (v3)"])
    assert any("0704.0002 (v2 < v3" in note and "older" in note for note in report.notes)


def test_a_listing_with_a_newer_latest_version_replaces_the_state(
    config: Config, arxiv_server: ReplayServer
) -> None:
    serve(arxiv_server, raw_record(2), raw_record(3))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (6, 6, 0, 0)
    assert held_versions(config) == ([1, 2, 3], ["Sparsity-certifying Graph Decompositions (v3)"])
