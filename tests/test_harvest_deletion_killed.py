"""A harvest killed while it retracts a page's deleted records (its graph dropped and its
authorships withdrawn, its title not yet out of the index, the deletion not yet remembered),
then run again: the checkpoint is taken after a page, so the page is fetched again and the
retraction done again, which is idempotent: the record is gone from the store, its persons and
the index, the deletion remembered, and the second run counts it deleted once.

Pages as in test_harvest_deletions (page 1 real, page 2 CONSTRUCTED; the deleted header
CONSTRUCTED)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from arxiv_replay import ReplayServer
from building import counted
from harvest_pages import (
    GONE,
    SNAPSHOT,
    authors_of,
    config,
    deleted,
    indexed,
    page_two,
    papers,
    replay,
    serve_page_two,
)
from scholarkg.config import Config
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot

pytest_plugins = ("arxiv_fixtures",)
__all__ = ["config", "replay"]  # fixtures
KILLED_AT = Path(__file__).parent / "helpers" / "killed_at.py"
MID_RETRACT = "scholarkg.resolution.index:TitleIndex.remove"  # after the drop and the withdrawal


def test_a_harvest_killed_mid_retract_retracts_again_next_run(
    config: Config, replay: ReplayServer
) -> None:
    load_snapshot(config, SNAPSHOT, workers=0)
    serve_page_two(replay, page_two(deleted(GONE, "2024-01-27")))
    killed = subprocess.run(
        [sys.executable, str(KILLED_AT), MID_RETRACT, "arxiv", "harvest", "--set", "cs",
         "--prefix", "oai_dc", "--from", "2024-01-25", "--config", str(config.source)],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "SCHOLARKG_OAI_URL": replay.oai_url},
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    assert GONE not in papers(config)  # dropped before the kill
    assert indexed(config, GONE)  # the kill came before the index and the deletions
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert report.outcome != "failed", report.summary_lines()
    assert report.records_deleted == 1 and counted(report)[0] >= 1
    assert GONE not in papers(config) and authors_of(config, GONE) == set()
    assert not indexed(config, GONE)
