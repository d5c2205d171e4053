"""Harvest loops over pages that bring nothing readable: a page whose every record is
quarantined, served again under ever new resumption tokens. Before, it was not recognised (a
page's key was its readable records only): the loop went on to ``[limits] harvest_max_pages``
(100 000 pages, quarantining the same records on each).

The pages are CONSTRUCTED from the real hep-ex ``ListRecords`` answer of the fixtures, served by
the loopback replay server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from harvest_pages import HEP_EX
from test_harvest_guards import FIRST, answer, checkpoint, config_for, harvest, page, tokens_asked

pytest_plugins = ("arxiv_fixtures",)

# every record of the page dated in the year 30000: each quarantined ("bad datestamp date")
UNREADABLE = HEP_EX.replace(b"<datestamp>2017-12-14<", b"<datestamp>30000-12-14<")


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return arxiv_server


def test_a_page_of_unreadable_records_served_again_under_new_tokens_stops(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert UNREADABLE.count(b"30000-12-14") == 3
    answer(replay, page("T1", UNREADABLE), **FIRST)
    for n in range(1, 30):
        answer(replay, page(f"T{n + 1}", UNREADABLE), resumptionToken=f"T{n}")
    assert harvest(config_for(tmp_path), "--from", "2017-12-14") == 1
    out = capsys.readouterr().out
    assert tokens_asked(replay) == [None, "T1"]  # page 2 = page 1: stop
    [failed] = [line for line in out.splitlines() if line.startswith("failed:")]
    assert "the server sent a page it had sent before" in failed and "T1" in failed
    assert "records: 6 read, 0 loaded" in out  # both pages' records quarantined, as read
    kept = (tmp_path / "data" / "quarantine" / "records").rglob("*.jsonl")
    assert sum(len(f.read_text().splitlines()) for f in kept) == 6  # report = folder
    assert checkpoint(tmp_path)["pages_done"] == 1  # the repeated page is not gone past
