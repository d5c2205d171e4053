"""Nothing a search reads is lost: an entry that cannot be read is on the search's result
(:attr:`SearchResult.quarantined`) and, in a profile build, written to quarantine and counted in
the run's report, as an id lookup's are; a page whose entries were all quarantined is progress
(before: it counted as empty, was asked again twice and ended the search with "stayed empty",
and the offset, moved by the good entries only, asked for the quarantined ones again).

Answers are CONSTRUCTED from the recorded answer for 1707.08567 (tests/fixtures/arxiv/atom): its
entry under generated ids (``2101.NNNNN``), or with its ``<id>`` taken out (an entry that
cannot be read), served by the loopback replay server.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from arxiv_replay import Fault, ReplayServer
from conftest import write_config
from constructed import Listed, profile_page
from recorded_feed import answer, entry, no_id
from samples import ROOT
from scholarkg.config import load_config
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.quarantine import read_quarantined
from scholarkg.runs.build import build as build_job

pytest_plugins = ("arxiv_fixtures",)

PROFILE = ROOT / "tests" / "fixtures" / "profiles" / "arnaud-gotlieb.txt"


def client(server: ReplayServer, http: HttpClient) -> ArxivApiClient:
    return ArxivApiClient(http, base_url=server.api_url)


def starts(server: ReplayServer) -> list[str | None]:
    return [r.param("start") for r in server.requests]


def test_a_search_keeps_the_entries_it_could_not_read(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    body = answer(entry(0), no_id(1), entry(2), total=3)
    arxiv_server.add_fault(Fault("status", status=200, body=body))
    result = client(arxiv_server, arxiv_http).search("all:x", max_results=3, page_size=3)
    assert [r.arxiv_id for r in result.records] == ["2101.00000", "2101.00002"]
    [bad] = result.quarantined
    assert bad.reason == "no arXiv id" and "unread 1" in bad.text
    assert bad.source == f"{arxiv_server.api_url}?{arxiv_server.requests[0].raw_query}"
    assert result.complete and starts(arxiv_server) == ["0"]


def test_a_page_of_quarantined_entries_is_progress(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    first = answer(no_id(0), no_id(1), no_id(2), total=6)
    arxiv_server.add_fault(Fault("status", status=200, body=first), start="0")
    second = answer(*map(entry, range(3, 6)), total=6)
    arxiv_server.add_fault(Fault("status", status=200, body=second), start="3")
    result = client(arxiv_server, arxiv_http).search("all:x", max_results=6, page_size=3)
    assert starts(arxiv_server) == ["0", "3"]  # no page asked twice, none again by its offset
    assert [r.arxiv_id for r in result.records] == ["2101.00003", "2101.00004", "2101.00005"]
    assert [q.text.count("unread") for q in result.quarantined] == [1, 1, 1]
    assert result.complete and result.problem is None


def test_overlapping_pages_quarantine_an_entry_once(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    first = answer(entry(0), entry(1), no_id(2), total=5)
    arxiv_server.add_fault(Fault("status", status=200, body=first), start="0")
    second = answer(no_id(2), entry(3), entry(4), total=5)
    arxiv_server.add_fault(Fault("status", status=200, body=second), start="2")
    api = client(arxiv_server, arxiv_http)
    result = api.search("all:x", max_results=4, page_size=3, overlap=1)
    assert starts(arxiv_server) == ["0", "2"]
    assert [r.arxiv_id for r in result.records] == [
        "2101.00000",
        "2101.00001",
        "2101.00003",
        "2101.00004",
    ]
    assert len(result.quarantined) == 1 and result.complete


def test_two_alike_entries_of_one_answer_are_two_quarantined(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """Two unreadable entries of one answer are two entries, even when their text is the same
    (before: one, the search kept them by their text); the same entry brought again by the
    overlapping next page is still kept once."""
    first = answer(no_id(1), no_id(1), entry(2), total=5)
    arxiv_server.add_fault(Fault("status", status=200, body=first), start="0")
    second = answer(entry(2), no_id(1), entry(4), total=5)
    arxiv_server.add_fault(Fault("status", status=200, body=second), start="2")
    api = client(arxiv_server, arxiv_http)
    result = api.search("all:x", max_results=5, page_size=3, overlap=1)
    assert starts(arxiv_server) == ["0", "2"]
    assert [r.arxiv_id for r in result.records] == ["2101.00002", "2101.00004"]
    page = f"{arxiv_server.api_url}?{arxiv_server.requests[0].raw_query}"
    assert [q.source for q in result.quarantined] == [page, page]  # the first answer's two
    assert len({q.line for q in result.quarantined}) == 2 and result.complete


def test_a_server_repeating_quarantined_entries_still_stops(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    body = answer(no_id(0), no_id(1), total=1_000_000)
    arxiv_server.add_fault(Fault("status", status=200, body=body), times=-1)
    result = client(arxiv_server, arxiv_http).search("all:x", max_results=10, page_size=2)
    assert starts(arxiv_server) == ["0", "2"]  # the second brought nothing new: stop
    assert len(result.quarantined) == 2 and not result.complete
    assert "page at start=2 brought no new records" in (result.problem or "")


def test_a_profile_build_quarantines_and_counts_what_resolution_could_not_read(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """CONSTRUCTED: the answer to the build's first title search is one entry that cannot be
    read: it is quarantined, kept in the quarantine folder and counted; the listed papers'
    counts are as before (resolution goes on with its next searches)."""
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.05}
    config = load_config(write_config(tmp_path, [PROFILE], arxiv=arxiv))
    replay.add_fault(Fault("status", status=200, body=answer(no_id(7), total=1)))
    report = build_job(config).report
    first = replay.requests[0]
    assert first.param("search_query") is not None
    where = f"{replay.api_url}?{first.raw_query}"
    told = [q for q in report.quarantined if q.startswith(f"{where}:")]
    assert len(told) == 1 and told[0].endswith(": no arXiv id")
    kept = read_quarantined(config.quarantine_dir).records
    assert sum("unread 7" in r.text for r in kept) == 1
    listed, papers_quarantined = report.papers, len(report.quarantined) - 1
    assert report.counts()["papers"] == listed - papers_quarantined
    assert report.counts()["quarantined"] == len(report.quarantined)
    summary = "\n".join(report.summary_lines())
    assert f"papers: {listed} listed, {papers_quarantined} quarantined;" in summary
    assert "arXiv entries: 1 quarantined" in summary


def test_entries_of_a_one_line_answer_keep_a_file_each(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """CONSTRUCTED: the first title search is answered on one line, with two unreadable
    entries: both at line 1 of the same answer. Before, the second file replaced the first
    (two lines in the report, one file: "unread 1" was lost); now one record each."""
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.05}
    config = load_config(write_config(tmp_path, [PROFILE], arxiv=arxiv))
    body = answer(no_id(1), no_id(2), total=2).replace(b"\n", b" ")
    replay.add_fault(Fault("status", status=200, body=body))
    report = build_job(config).report
    where = f"{replay.api_url}?{replay.requests[0].raw_query}"
    told = [q for q in report.quarantined if q.startswith(f"{where}:")]
    assert told == [f"{where}:1: no arXiv id", f"{where}:1: no arXiv id"]
    texts = [r.text for r in read_quarantined(config.quarantine_dir).records]
    assert [sum(f"unread {i} " in t for t in texts) for i in (1, 2)] == [1, 1]
    assert report.entries_quarantined == 2


def test_an_entry_two_profiles_are_answered_is_kept_and_counted_once(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """CONSTRUCTED: two profiles list the same title, so their resolutions send the same title
    search and are answered the same unreadable entry: one record (same answer, line and text),
    kept in one file and counted once (before: two lines in the report for one file)."""
    title = "Quarantined Entries Counted As Kept"
    pages = []
    for name in ("Ann Lee", "Bo Chen"):
        page = tmp_path / f"{name.split()[0]}.txt"
        page.write_bytes(profile_page(name, [Listed(title, dt.date(2021, 3, 7), (name,))]))
        pages.append(page)
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.05}
    config = load_config(write_config(tmp_path, pages, arxiv=arxiv))
    body = answer(no_id(7), total=1)
    replay.add_fault(Fault("status", status=200, body=body), times=2, search_query=f'ti:"{title}"')
    report = build_job(config).report
    asked = [r for r in replay.requests if r.param("search_query") == f'ti:"{title}"']
    assert len(asked) == 2 and asked[0].raw_query == asked[1].raw_query  # the same answer twice
    where = f"{replay.api_url}?{asked[0].raw_query}"
    [told] = [q for q in report.quarantined if q.startswith(f"{where}:")]
    assert told.endswith(": no arXiv id")
    [kept] = read_quarantined(config.quarantine_dir).records
    assert "unread 7" in kept.text
    [file] = (config.quarantine_dir / "records").glob("*/*.jsonl")
    assert len(file.read_text("utf-8").splitlines()) == 1  # kept once
    assert report.entries_quarantined == 1 and len(report.quarantined) == 1
    summary = "\n".join(report.summary_lines())
    assert "papers: 2 listed, 0 quarantined;" in summary
    assert "arXiv entries: 1 quarantined" in summary
