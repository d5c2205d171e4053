"""An arXiv API answer is bounded whatever the server sends: of an answer with more entries than
its request's ``max_results`` the first ``max_results`` are read and the rest only counted, with
one warning line naming the URL and both numbers (before: every entry was read and kept, ~90 µs
and ~700 bytes each); an entry larger than ``[limits] line_bytes`` is cut as it is read and
quarantined (before: one entry of 1 000 000 authors, 37 MB, took 525 MB and 9 s).

Answers are CONSTRUCTED from the recorded answer for 1707.08567 (tests/fixtures/arxiv/atom): its
entry repeated under generated ids (``2101.NNNNN``), or given generated authors, served by the
loopback replay server. Memory is measured in fresh interpreters (:mod:`child_memory`).
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer
from building import counted
from child_memory import cost_of, linux_rss_known
from conftest import write_config
from recorded_feed import ENTRY, answer, entry
from samples import ROOT
from scholarkg.config import Config, load_config
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.limits import Limits
from scholarkg.quarantine import read_quarantined
from scholarkg.runs.arxiv_fetch import fetch_ids
from scholarkg.runs.build import build as build_job

pytest_plugins = ("arxiv_fixtures",)

MB = 2**20
PROFILE = ROOT / "tests" / "fixtures" / "profiles" / "arnaud-gotlieb.txt"


def with_authors(i: int, count: int) -> bytes:
    """Entry ``i`` with ``count`` generated authors more (CONSTRUCTED)."""
    more = b"".join(b"<author><name>Author%d Many</name></author>" % n for n in range(count))
    return entry(i).replace(b"</entry>", more + b"</entry>")


def client(server: ReplayServer, http: HttpClient, **limits: int) -> ArxivApiClient:
    return ArxivApiClient(http, base_url=server.api_url, limits=Limits(**limits))  # type: ignore[arg-type]


def test_an_answer_past_max_results_is_read_that_far_and_told(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    body = answer(*(entry(i) for i in range(3_000)))
    arxiv_server.add_fault(Fault("status", status=200, body=body))
    api, archived = client(arxiv_server, arxiv_http), []
    feed = api.query_page(search_query="all:x", max_results=5, archived=archived)
    assert [r.arxiv_id for r in feed.records] == [f"2101.{i:05d}" for i in range(5)]
    assert (len(feed.quarantined), feed.unread) == (0, 2_995)
    [request] = arxiv_server.requests
    url = f"{arxiv_server.api_url}?{request.raw_query}"
    assert feed.warning == (
        f"{url}: the answer held 3000 entries for max_results=5: read the first 5, left 2995 "
        "unread (the server ignores max_results)"
    )
    [stored] = archived
    assert stored.read_bytes() == body  # all of it, archived before it was read
    assert api.warnings == [f"{feed.warning}; the answer is archived as {stored.sha256}"]


def test_an_answer_as_asked_has_no_warning(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    arxiv_server.add_fault(Fault("status", status=200, body=answer(*map(entry, range(5)))))
    api = client(arxiv_server, arxiv_http)
    feed = api.query_page(search_query="all:x", max_results=5)
    assert (len(feed.entries), feed.unread, feed.warning, api.warnings) == (5, 0, None, [])


def test_entries_that_cannot_be_read_count_toward_what_was_asked(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    body = answer(entry(0), b"<entry><title>no id</title></entry>", *map(entry, range(2, 9)))
    arxiv_server.add_fault(Fault("status", status=200, body=body))
    feed = client(arxiv_server, arxiv_http).query_page(search_query="all:x", max_results=3)
    assert [r.arxiv_id for r in feed.records] == ["2101.00000", "2101.00002"]
    assert [q.reason for q in feed.quarantined] == ["no arXiv id"] and feed.unread == 6


def test_a_search_over_a_server_ignoring_start_and_max_results_ends(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    # Every page: the same 2 000 entries, whatever start and max_results, and a lying total.
    body = answer(*map(entry, range(2_000)), total=1_000_000)
    arxiv_server.add_fault(Fault("status", status=200, body=body), times=-1)
    api = client(arxiv_server, arxiv_http)
    result = api.search("all:x", max_results=50, page_size=10)
    asked = [(r.param("start"), r.param("max_results")) for r in arxiv_server.requests]
    assert asked == [("0", "10"), ("10", "10")]  # the second brought nothing new: stop
    assert [r.arxiv_id for r in result.records] == [f"2101.{i:05d}" for i in range(10)]
    assert not result.complete and "no new records" in (result.problem or "")
    assert len(result.warnings) == 2 and all(
        "held 2000 entries for max_results=10: read the first 10, left 1990 unread" in w
        for w in result.warnings
    )


def test_an_id_lookup_reads_one_entry_an_id(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    ids = ["2101.00000", "2101.00001"]
    arxiv_server.add_fault(
        Fault("status", status=200, body=answer(*map(entry, range(1_000)))),
        id_list=",".join(ids),
    )
    result = client(arxiv_server, arxiv_http).fetch_by_ids(ids)
    assert [r.arxiv_id for r in result.records] == ids and result.missing == ()
    [warning] = result.warnings
    assert "held 1000 entries for max_results=2: read the first 2, left 998 unread" in warning


def test_an_entry_over_line_bytes_is_cut_and_quarantined_the_rest_read(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    huge = with_authors(1, 60_000)  # 2.6 MB: 60 000 authors more
    body = answer(entry(0), huge, entry(2))
    arxiv_server.add_fault(Fault("status", status=200, body=body))
    api = client(arxiv_server, arxiv_http, line_bytes=MB)
    feed = api.query_page(search_query="all:x", max_results=3)
    assert [r.arxiv_id for r in feed.records] == ["2101.00000", "2101.00002"]
    [cut] = feed.quarantined
    assert re.fullmatch(
        r"entry of about \d+ bytes: over \[limits\] line_bytes = 1048576; "
        r"raise it in your config if this is genuine",
        cut.reason,
    ), cut.reason
    assert cut.line == body[: body.index(huge)].count(b"\n") + 1
    assert "<id>http://arxiv.org/abs/2101.00001v1</id>" in cut.text  # its beginning is kept
    assert len(cut.text) < 70_000 and feed.unread == 0 and api.warnings == []


def test_an_entry_within_line_bytes_keeps_all_its_authors(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    arxiv_server.add_fault(Fault("status", status=200, body=answer(with_authors(0, 5_000))))
    (record,) = client(arxiv_server, arxiv_http).query_page(search_query="x").records
    assert len(record.authors) == 5_000 + ENTRY.count(b"<author>")


# --- the run: counts, quarantine folder and report -------------------------------------------


@pytest.fixture
def config(tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("SCHOLARKG_ARXIV_API_URL", arxiv_server.api_url)
    return load_config(
        write_config(
            tmp_path,
            [],
            arxiv={"min_interval": 0.01},
            http={"max_retries": 1},
            limits={"line_bytes": MB},
        )
    )


def test_a_fetch_loads_what_it_asked_for_and_reports_the_rest(
    config: Config, arxiv_server: ReplayServer
) -> None:
    ids = ["2101.00000", "2101.00001", "2101.00002"]
    entries = [entry(0), with_authors(1, 60_000), entry(2), *map(entry, range(3, 5_003))]
    arxiv_server.add_fault(
        Fault("status", status=200, body=answer(*entries)), id_list=",".join(ids), times=-1
    )
    report = fetch_ids(config, ids).report
    assert counted(report) == (3, 2, 0, 1)  # read, loaded, rejected, quarantined
    [cut] = report.quarantined
    assert "line_bytes = 1048576" in cut
    assert len(read_quarantined(config.quarantine_dir).records) == 1
    [warning] = report.warnings
    assert "held 5003 entries for max_results=3: read the first 3, left 5000 unread" in warning
    assert warning.startswith(arxiv_server.api_url) and "\n" not in warning
    assert report.failures == []  # 2101.00001 was answered: cut, not missing


def test_a_profile_build_reports_an_answer_cut_at_max_results(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """CONSTRUCTED: the (assembled) answer for the overridden paper with 500 generated entries
    after its own: the paper resolves from the entry asked for, the report warns once."""
    title = "Testing Deep Learning Models: A Second Comparative Study of Testing Techniques"
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.05}
    overrides = {"arxiv.overrides": {title: "2405.13786v1"}}
    config = write_config(tmp_path, [PROFILE], arxiv=arxiv, **overrides)
    query = "id_list=2405.13786&max_results=1"
    with urllib.request.urlopen(f"{replay.api_url}?{query}", timeout=30) as served:
        body = served.read()
    padded = body.replace(b"</feed>", b"".join(map(entry, range(500))) + b"</feed>")
    replay.add_fault(Fault("status", status=200, body=padded), times=-1, id_list="2405.13786")
    report = build_job(load_config(config)).report
    assert report.paper_states.get("overridden") == 1
    [warning] = report.warnings
    assert "held 501 entries for max_results=1: read the first 1, left 500 unread" in warning


# --- memory: what the parse keeps does not grow with what the server adds --------------------

SETUP = """
import re, tempfile
from pathlib import Path
from arxiv_replay import ATOM_DIR, Fault, ReplayServer, fast_policy
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.extract.raw_archive import RawArchive
ENTRY = b"<entry><id>http://arxiv.org/abs/2101.%05dv1</id><title>T</title></entry>\\n"
HEAD = b'<feed xmlns="http://www.w3.org/2005/Atom">'
def answer(n):  # CONSTRUCTED: tiny entries with what a record needs
    return HEAD + b"".join(ENTRY % (i % 100000) for i in range(n)) + b"</feed>"
server = ReplayServer().start()
server.add_fault(Fault("status", status=200, body=answer(100)), times=1)  # the warm-up's
server.add_fault(Fault("status", status=200, body=answer(ENTRIES)), times=1)
http = HttpClient(RawArchive(Path(tempfile.mkdtemp()) / "raw"), fast_policy())
api = ArxivApiClient(http, base_url=server.api_url)
api.query_page(search_query="warm", max_results=10)
"""
WORK = "feed = api.query_page(search_query='x', max_results=10)"


def fetch_cost(entries: int) -> int:
    """The peak RSS growth of one request answered with ``entries`` entries (10 asked)."""
    return cost_of(f"ENTRIES = {entries}\n{SETUP}", WORK).rss


@pytest.mark.skipif(not linux_rss_known(), reason="needs /proc/self/status (Linux)")
def test_what_an_answer_past_max_results_costs_is_its_bytes() -> None:
    small, large = fetch_cost(12_500), fetch_cost(200_000)
    # 187 500 entries, 13 MB, more: every entry kept, +131 MB; read to max_results, +13 MB (the
    # body, as the HTTP layer reads it, and the parser's 64 KB)
    assert large - small < 50 * MB, f"RSS growth {small / MB:.0f} -> {large / MB:.0f} MB"


AUTHORS = """
from scholarkg.extract.atom import parse_feed
from scholarkg.limits import Limits
AUTHOR = b"<author><name>Author Many</name></author>"
def answer(n):  # CONSTRUCTED: one entry of n authors (one bytes object: nothing freed before)
    authors = AUTHOR * n
    return (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            b"<id>http://arxiv.org/abs/2101.00001v1</id><title>T</title>" + authors
            + b"</entry></feed>")
limits = Limits(line_bytes=2**20)
body = answer(AUTHORS)
parse_feed(answer(100), source="warm", limits=limits)
"""


def authors_cost(authors: int) -> int:
    """The peak RSS growth of reading one entry of ``authors`` authors (line_bytes = 1 MiB)."""
    work = "feed = parse_feed(body, source='s', limits=limits)"
    return cost_of(f"AUTHORS = {authors}\n{AUTHORS}", work).rss


@pytest.mark.skipif(not linux_rss_known(), reason="needs /proc/self/status (Linux)")
def test_what_an_entry_costs_does_not_grow_past_line_bytes() -> None:
    small, large = authors_cost(30_000), authors_cost(400_000)
    # 30 000 and 400 000 authors (1.1 and 15 MB): as one tree and mapped, +15 and +196 MB; cut
    # at 1 MiB as they are read, +14 MB each
    assert large - small < 40 * MB, f"RSS growth {small / MB:.0f} -> {large / MB:.0f} MB"
