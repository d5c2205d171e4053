"""``scholarkg export`` of the published dump publishes as a run does: it checks the manifest
against the store and drops the graphs gone from it (removed outside scholarkg). A person graph
among them is due again in the identity registry, and the export says so, as a run's close does
(before: the export dropped it from the manifest without a word, and no later run wrote it again:
a person graph removed behind scholarkg's back stayed gone for ever)."""

from __future__ import annotations

from pathlib import Path

import pytest

from building import content, rebuild, store_missing_a_person_graph
from samples import SAMPLE_PROFILE
from scholarkg.cli import main


def test_a_person_graph_an_export_finds_gone_is_written_again_by_the_next_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.txt"
    config, before, gone = store_missing_a_person_graph(tmp_path, page)
    capsys.readouterr()

    assert main(["export", "--config", str(tmp_path / "scholarkg.toml")]) == 0
    out = capsys.readouterr().out
    [warning] = [line for line in out.splitlines() if "gone from the store" in line]
    assert gone in warning and "1 person graphs are written again by the next run" in warning

    # CONSTRUCTED: the page again with another h-index, so the next run changes something
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118"))
    healed = rebuild(config)
    assert healed.outcome == "ok", healed.summary_lines()
    assert content(config)[gone] == before[gone], healed.summary_lines()
