"""An OAI-PMH record is bounded as a whole, not only per text value: a record larger in all
than ``[limits] line_bytes`` (a million authors, creators or versions) is cut as it is read,
its beginning kept, and quarantined; the page's other records load. A single text value over
``literal_bytes`` is told as such, whatever the record's size. Before: one record of 500 000
authors (36 MiB) was read whole: +410 MiB peak RSS and 7.3 s CPU through the loopback
server; 300 000 arXivRaw versions (35 MiB) +453 MiB and 7.9 s; now +126 MiB and 2.9 s, +130 MiB
and 2.5 s (most of it the answer's own bytes, as the HTTP layer and the archive hold them).

Pages are CONSTRUCTED from the real hep-ex ``ListRecords`` answer (tests/fixtures/arxiv/oai,
``arXiv`` format, 3 records), its record 1706.09418 given generated authors or a long
abstract, and from 0704.0002's facts in arXivRaw's shape (as tests/test_nameless_author_doors);
served by the loopback replay server. Memory is measured in fresh interpreters
(:mod:`child_memory`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from arxiv_replay import OAI_DIR, Fault, ReplayServer
from building import counted
from child_memory import cost_of, linux_rss_known
from conftest import write_config
from harvest_pages import HEP_EX
from scholarkg.config import load_config
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.extract.snapshot import SnapshotReader
from scholarkg.limits import Limits
from scholarkg.quarantine import read_quarantined
from scholarkg.runs.arxiv_harvest import harvest

pytest_plugins = ("arxiv_fixtures",)

SNAPSHOT_LINE = (
    (OAI_DIR.parent / "kaggle" / "snapshot_sample_100.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()[0]
)
DERCKS = b"<author><keyname>Dercks</keyname><forenames>Daniel</forenames></author>"
MB = 2**20
REASON = (
    r"record of about \d+ bytes: over \[limits\] line_bytes = 1048576; "
    r"raise it in your config if this is genuine"
)


def with_authors(count: int) -> bytes:
    """The hep-ex page, 1706.09418 with ``count`` generated authors more (CONSTRUCTED)."""
    more = b"".join(
        b"<author><keyname>Many%d</keyname><forenames>A.</forenames></author>" % n
        for n in range(count)
    )
    assert HEP_EX.count(DERCKS) == 1
    return HEP_EX.replace(DERCKS, DERCKS + more)


def raw_page(versions: int) -> bytes:
    """An arXivRaw ListRecords page: 0704.0002 with ``versions`` versions (SYNTHETIC)."""
    listed = b"".join(
        b'<version version="v%d"><date>Sat, 31 Mar 2007 02:26:18 GMT</date>'
        b"<size>17kb</size></version>" % (n + 1)
        for n in range(versions)
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">\n'
        b"<responseDate>2025-04-01T10:00:00Z</responseDate>\n<ListRecords>\n"
        b"<record><header><identifier>oai:arXiv.org:0704.0002</identifier>"
        b"<datestamp>2008-12-13</datestamp></header>\n"
        b'<metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/">'
        b"<id>0704.0002</id><submitter>Louis Theran</submitter>" + listed + b"<title>Sparsity-"
        b"certifying Graph Decompositions</title><authors>Ileana Streinu and Louis Theran"
        b"</authors><categories>math.CO cs.CG</categories></arXivRaw></metadata></record>\n"
        b"<resumptionToken/></ListRecords></OAI-PMH>"
    )


def client(server: ReplayServer, http: HttpClient, **limits: int) -> OaiPmhClient:
    return OaiPmhClient(http, base_url=server.oai_url, limits=Limits(**limits))  # type: ignore[arg-type]


def test_a_record_over_line_bytes_is_cut_and_quarantined_the_rest_read(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    body = with_authors(60_000)  # 3.9 MB more
    arxiv_server.add_fault(Fault("status", status=200, body=body), path="/oai")
    page = client(arxiv_server, arxiv_http, line_bytes=MB).fetch_page()
    assert [r.header.arxiv_id for r in page.records] == ["1706.05371", "1707.00874"]
    [cut] = page.quarantined
    assert re.fullmatch(REASON, cut.reason), cut.reason
    began = body.rindex(b"<record>", 0, body.index(b"oai:arXiv.org:1706.09418"))
    assert cut.line == body[:began].count(b"\n") + 1
    assert "<id>1706.09418</id>" in cut.text and "<keyname>Dercks</keyname>" in cut.text
    assert len(cut.text) < 70_000  # its beginning, clipped


def test_an_arxivraw_record_of_many_versions_is_quarantined(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    arxiv_server.add_fault(Fault("status", status=200, body=raw_page(30_000)), path="/oai")
    page = client(arxiv_server, arxiv_http, line_bytes=MB).fetch_page(metadata_prefix="arXivRaw")
    assert page.records == ()
    [cut] = page.quarantined
    assert re.fullmatch(REASON, cut.reason) and "<id>0704.0002</id>" in cut.text


def test_a_record_within_line_bytes_keeps_all_its_versions(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    arxiv_server.add_fault(Fault("status", status=200, body=raw_page(5_000)), path="/oai")
    [record] = client(arxiv_server, arxiv_http).fetch_page(metadata_prefix="arXivRaw").records
    assert record.record is not None and len(record.record.versions) == 5_000


def test_a_long_abstract_is_told_under_literal_bytes_whatever_the_records_size(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    abstract = b"<abstract>" + b"y" * 3_000_000 + b"</abstract>"
    body = re.sub(rb"<abstract>.*?</abstract>", abstract, HEP_EX, count=1, flags=re.S)
    arxiv_server.add_fault(Fault("status", status=200, body=body), path="/oai")
    page = client(arxiv_server, arxiv_http, line_bytes=MB).fetch_page()
    assert [r.header.arxiv_id for r in page.records] == ["1706.09418", "1707.00874"]
    [bad] = page.quarantined
    assert bad.reason.startswith("abstract is 3000000 bytes: over [limits] literal_bytes")


def test_an_arxivraw_author_list_over_literal_bytes_is_refused_whole(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """arXivRaw's ``<authors>`` is one text the mapping splits into names, each short: the
    text is bounded as written (before, 5 MB of names within ``line_bytes`` loaded)."""
    names = b" and ".join(b"Author%d Name" % n for n in range(300_000))  # ~5.3 MB
    body = raw_page(1).replace(b"Ileana Streinu and Louis Theran", names)
    arxiv_server.add_fault(Fault("status", status=200, body=body), path="/oai")
    page = client(arxiv_server, arxiv_http).fetch_page(metadata_prefix="arXivRaw")
    assert page.records == ()
    [bad] = page.quarantined
    assert re.match(r"authors is \d+ bytes: over \[limits\] literal_bytes", bad.reason), bad.reason


def test_a_snapshot_author_list_over_literal_bytes_is_refused_as_arxivraw_s(
    tmp_path: Path,
) -> None:
    """The same record through the snapshot (its ``authors`` text, no ``authors_parsed``)
    gets the same verdict as through arXivRaw."""
    line = json.loads(SNAPSHOT_LINE)
    line.pop("authors_parsed")
    line["authors"] = " and ".join(f"Author{n} Name" for n in range(300_000))
    path = tmp_path / "snapshot.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    reader = SnapshotReader(path)
    assert list(reader) == []
    [bad] = reader.quarantined
    assert re.match(r"authors is \d+ bytes: over \[limits\] literal_bytes", bad.reason), bad.reason


def test_a_harvest_loads_the_rest_and_counts_the_cut_record(
    tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    config = load_config(
        write_config(tmp_path, [], arxiv={"min_interval": 0.01}, limits={"line_bytes": MB})
    )
    arxiv_server.add_fault(
        Fault("status", status=200, body=with_authors(60_000)), path="/oai", times=-1
    )
    report = harvest(config, None, "arXiv", "2017-12-14").report
    assert counted(report) == (3, 2, 0, 1)  # read, loaded, rejected, quarantined
    [told] = report.quarantined
    assert re.search(REASON, told) and f"{arxiv_server.oai_url}?" in told
    assert len(read_quarantined(config.quarantine_dir).records) == 1


SETUP = """
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.limits import Limits
HEAD = (b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2025-04-01T10:00:00Z'
        b'</responseDate><ListRecords><record><header><identifier>oai:arXiv.org:0704.0002'
        b'</identifier><datestamp>2008-12-13</datestamp></header><metadata>'
        b'<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>0704.0002</id><created>2007-03-31'
        b'</created><authors>')
TAIL = b'</authors><title>T</title></arXiv></metadata></record></ListRecords></OAI-PMH>'
AUTHOR = b"<author><keyname>Many</keyname><forenames>A.</forenames></author>"
def page(n):  # CONSTRUCTED: one record of n authors (one bytes object: nothing freed before)
    return HEAD + AUTHOR * n + TAIL
limits = Limits(line_bytes=2**20)
body = page(AUTHORS)
parse_oai_response(page(100), source="warm", container="ListRecords", limits=limits)
"""


def authors_cost(authors: int) -> int:
    """The peak RSS growth of reading one record of ``authors`` authors (line_bytes 1 MiB)."""
    work = "parse_oai_response(body, source='s', container='ListRecords', limits=limits)"
    return cost_of(f"AUTHORS = {authors}\n{SETUP}", work).rss


@pytest.mark.skipif(not linux_rss_known(), reason="needs /proc/self/status (Linux)")
def test_what_a_record_costs_does_not_grow_past_line_bytes() -> None:
    small, large = authors_cost(20_000), authors_cost(300_000)
    assert large - small < 40 * MB, f"RSS growth {small / MB:.0f} -> {large / MB:.0f} MB"
