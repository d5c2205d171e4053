"""Harvest loops over pages that bring nothing readable: a page whose every record is
quarantined, served again under ever new resumption tokens, and empty pages each with a new
token. Before, neither was recognised (a page's key was its readable records only): the loop
went on to ``[limits] harvest_max_pages`` (100 000 pages, quarantining the same records on each).

The pages are CONSTRUCTED from the real hep-ex ``ListRecords`` answer of the fixtures, served by
the loopback replay server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import ReplayServer, fast_policy
from harvest_pages import HEP_EX
from scholarkg.errors import ExtractError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.extract.paging import EMPTY_PAGES_IN_A_ROW
from scholarkg.extract.raw_archive import RawArchive
from test_harvest_guards import FIRST, answer, checkpoint, config_for, harvest, page, tokens_asked

pytest_plugins = ("arxiv_fixtures",)

# every record of the page dated in the year 30000: each quarantined ("bad datestamp date")
UNREADABLE = HEP_EX.replace(b"<datestamp>2017-12-14<", b"<datestamp>30000-12-14<")
EMPTY = HEP_EX[: HEP_EX.index(b"<record>")] + HEP_EX[HEP_EX.rindex(b"</record>") + 9 :]


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


def test_empty_pages_each_with_a_new_token_stop_after_some_in_a_row(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(replay, page("T1", HEP_EX), **FIRST)
    for n in range(1, 3 * EMPTY_PAGES_IN_A_ROW):
        answer(replay, page(f"T{n + 1}", EMPTY), resumptionToken=f"T{n}")
    assert harvest(config_for(tmp_path), "--from", "2017-12-14") == 1
    out = capsys.readouterr().out
    assert len(tokens_asked(replay)) == 1 + EMPTY_PAGES_IN_A_ROW
    [failed] = [line for line in out.splitlines() if line.startswith("failed:")]
    assert f"{EMPTY_PAGES_IN_A_ROW} pages in a row with no record" in failed
    assert f"T{EMPTY_PAGES_IN_A_ROW}" in failed  # the URL of the last one asked
    assert "records: 3 read, 3 loaded" in out  # page 1 loaded


def test_list_records_stops_on_empty_pages_too(
    replay: ReplayServer, arxiv_archive: RawArchive
) -> None:
    answer(replay, page("T1", EMPTY), **FIRST)
    for n in range(1, 3 * EMPTY_PAGES_IN_A_ROW):
        answer(replay, page(f"T{n + 1}", EMPTY), resumptionToken=f"T{n}")
    client = OaiPmhClient(HttpClient(arxiv_archive, fast_policy()), base_url=replay.oai_url)
    with pytest.raises(ExtractError, match="pages in a row with no record"):
        list(client.list_records(metadata_prefix="arXiv", set_spec="cs", from_date="2017-12-14"))
    assert len(tokens_asked(replay)) == EMPTY_PAGES_IN_A_ROW
