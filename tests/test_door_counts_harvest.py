"""An OAI-PMH harvest's report counts what it read as the snapshot door does: every record of a
page is read, and ends loaded, rejected by SHACL or quarantined, so ``read = loaded + rejected +
quarantined`` (+ deleted: a deleted header, ``test_harvest_deletions``). A record that could not
be read (a bad field) was quarantined but not counted as read.

A record listed again in the same harvest (the same arXiv id on a later page) is not a duplicate
to quarantine as in a snapshot (one state of arXiv, where the first line wins): OAI-PMH lists
records in their current state, the datestamp saying when that state began, and a record that
changes while a harvest pages may be listed again (OAI-PMH 2.0, 3.5.1). A listing whose
datestamp is not older than the one loaded is the record's newer state: it replaces the graph,
and the record is counted once, as its latest state came out, so the counts are what the store
holds. A listing older than the one loaded is stale: it is not loaded and not counted again.

Page 1 is the real oai_dc ``set=cs`` answer of the fixtures (5 records). Page 2 is CONSTRUCTED
from the real hep-ex ``ListRecords`` answer (3 records, ``arXiv`` format) served for page 1's
resumption token: one record gets a bad ``created`` date (quarantined when read), one a category
SHACL rejects, and some tests add a copy of page 1's record 2401.14034 with another datestamp
and title (a re-listing). Served by the loopback replay server.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from building import counted
from harvest_pages import (
    HEP_EX,
    RELISTED,
    config,
    page_two,
    papers,
    relisting,
    replay,
    serve_page_two,
    serve_pages_two_and_three,
)
from scholarkg.cli import main
from scholarkg.config import Config
from scholarkg.quarantine import read_quarantined
from scholarkg.runs.arxiv_harvest import harvest

pytest_plugins = ("arxiv_fixtures",)
__all__ = ["config", "replay"]  # fixtures


def test_records_with_bad_fields_count_as_read(config: Config, replay: ReplayServer) -> None:
    serve_page_two(replay, page_two())
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (8, 6, 1, 1)
    read, loaded, rejected, quarantined = counted(report)
    assert read == loaded + rejected + quarantined
    assert "records: 8 read, 6 loaded, 1 rejected by SHACL, 1 quarantined" in (
        report.summary_lines()
    )
    assert "2017-06-31" in report.quarantined[0]
    assert report.rejected == ["https://w3id.org/scholarkg/id/graph/arxiv/1706.09418"]
    assert len(papers(config)) == loaded
    assert report.counts()["papers"] == loaded


def test_a_record_with_a_nameless_author_is_quarantined_and_counted(
    config: Config, replay: ReplayServer
) -> None:
    """CONSTRUCTED: 1706.09418 with an ``<author>`` that has no name after its first author.
    Before, the author was dropped and the record loaded with Dreiner at position 2, not 3."""
    first = b"<author><keyname>Dercks</keyname><forenames>Daniel</forenames></author>"
    body = page_two(bad=False).replace(first, first + b"<author><keyname> </keyname></author>")
    assert body.count(b"<keyname> </keyname>") == 1
    serve_page_two(replay, body)
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (8, 7, 0, 1)
    (said,) = report.quarantined
    assert said.endswith(": author 2 has no name") and "/oai" in said
    held = papers(config)
    assert len(held) == 7 and "1706.09418" not in held


def test_the_cli_prints_the_same_counts(
    tmp_path: Path, config: Config, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_page_two(replay, page_two())
    args = ["arxiv", "harvest", "--set", "cs", "--prefix", "oai_dc", "--from", "2024-01-25"]
    assert main([*args, "--config", str(config.source)]) == 1
    out = capsys.readouterr().out
    assert "records: 8 read, 6 loaded, 1 rejected by SHACL, 1 quarantined" in out


@pytest.mark.parametrize("datestamp", ["2024-01-27", "2024-01-26"])
def test_a_record_listed_again_is_its_newer_state_counted_once(
    config: Config, replay: ReplayServer, datestamp: str
) -> None:
    """CONSTRUCTED re-listing, newer or as new as the listing of page 1: it replaces the graph,
    and the record is read and loaded once (the store holds 8 papers, not 9)."""
    serve_page_two(replay, page_two(relisting(datestamp, "A newer title"), bad=False))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (8, 8, 0, 0)
    assert report.outcome == "ok"
    held = papers(config)
    assert len(held) == 8 and held[RELISTED] == "A newer title"
    assert report.counts()["papers"] == 8
    assert any(RELISTED in note and "listed again" in note for note in report.notes)


def test_a_stale_listing_is_not_loaded(config: Config, replay: ReplayServer) -> None:
    """CONSTRUCTED re-listing older than the one of page 1: the store keeps page 1's state."""
    serve_page_two(replay, page_two(relisting("2024-01-20", "An older title"), bad=False))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (8, 8, 0, 0)
    held = papers(config)
    assert len(held) == 8 and held[RELISTED] != "An older title"
    assert any(RELISTED in note and "older" in note for note in report.notes)


def newer_hep_ex() -> bytes:
    """CONSTRUCTED: the real hep-ex page with every datestamp a day later, as the last page."""
    body = HEP_EX.replace(b"<datestamp>2017-12-14<", b"<datestamp>2017-12-15<")
    return body.replace(b"</ListRecords>", b"<resumptionToken/>\n</ListRecords>")


def test_states_replaced_on_a_later_page(config: Config, replay: ReplayServer) -> None:
    """CONSTRUCTED: page 2 (quarantined 1706.05371, rejected 1706.09418, loaded 1707.00874)
    goes on to a page 3 listing all three again, newer and good. Each record loaded is counted
    once; the rejection is of a state the store no longer holds, so it is no rejected record of
    the run (a note tells it). The listing that could not be read stays quarantined (it carries
    no record to replace)."""
    serve_pages_two_and_three(replay, page_two(), newer_hep_ex())
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (9, 8, 0, 1)
    assert len(papers(config)) == 8
    assert report.counts()["papers"] == 8
    assert not [f for f in report.findings if f.get("severity") == "Violation"]
    assert any("1706.09418" in note and "listed again" in note for note in report.notes)


def test_a_record_twice_on_one_page(config: Config, replay: ReplayServer) -> None:
    """CONSTRUCTED: 1706.09418 is rejected on page 2 and listed again, newer and good, further
    down the same page: the newer state is the one read; the record is read and loaded once."""
    good = re.search(rb"<record>(?:(?!</record>).)*?1706\.09418<.*?</record>", HEP_EX, re.DOTALL)
    assert good is not None
    newer = good.group(0).replace(b"<datestamp>2017-12-14<", b"<datestamp>2017-12-15<")
    serve_page_two(replay, page_two(newer))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (8, 7, 0, 1)
    assert len(papers(config)) == 7
    assert not [f for f in report.findings if f.get("severity") == "Violation"]


LICENSE = b"<license>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</license>"
NO_IRI = b"<license>http://arxiv.org/licenses/nonexclusive distrib/1.0/</license>"  # a space


def unwritable(body: bytes, *ids: str) -> bytes:
    """CONSTRUCTED: the records ``ids`` of a hep-ex page with a licence IRI holding a space,
    which N-Triples cannot write: the emitter quarantines them."""
    for arxiv_id in ids:
        found = re.search(
            rb"<record>(?:(?!</record>).)*?<id>" + re.escape(arxiv_id.encode()) + rb"<.*?</record>",
            body,
            re.DOTALL,
        )
        assert found is not None and LICENSE in found.group(0)
        body = body.replace(found.group(0), found.group(0).replace(LICENSE, NO_IRI))
    return body


def record_line(body: bytes, arxiv_id: str) -> int:
    """The line of the ``<record>`` element of ``arxiv_id`` in a page."""
    at = body.index(b"<id>" + arxiv_id.encode() + b"<")
    return body[: body.rindex(b"<record>", 0, at)].count(b"\n") + 1


def quarantine_files(config: Config) -> list[dict[str, object]]:
    return [r.__dict__ for r in read_quarantined(config.quarantine_dir).records]


def test_records_the_emitter_quarantines_are_told_at_their_line(
    config: Config, replay: ReplayServer
) -> None:
    """CONSTRUCTED: two records of page 2 the emitter cannot write. Each was told at line 0 of
    the page, so both went to one quarantine file (a file per source and line then): the report
    said 2 quarantined, the folder kept 1. Each is told at its ``<record>``'s line."""
    body = unwritable(page_two(bad=False), "1706.05371", "1707.00874")
    serve_page_two(replay, body)
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (8, 6, 0, 2)
    lines = [record_line(body, i) for i in ("1706.05371", "1707.00874")]
    assert [int(q.split(": ", 1)[0].rsplit(":", 1)[1]) for q in report.quarantined] == lines
    kept = quarantine_files(config)
    assert sorted(k["line"] for k in kept) == lines
    assert all("IRI cannot be written" in str(k["reason"]) for k in kept)


def test_a_newer_listing_the_emitter_quarantines_leaves_the_state_loaded_counted(
    config: Config, replay: ReplayServer
) -> None:
    """CONSTRUCTED: page 2 loads its three records; page 3 lists 1707.00874 again, newer, with
    a licence N-Triples cannot write. The store keeps page 2's state of it (the newer one is
    not written), so that state stays loaded in the counts; the newer listing is quarantined
    and counted on its own, as a listing that cannot be read is. Before, the loaded state was
    taken out of the counts as replaced: the report said 7 loaded of the 8 papers held."""
    three = unwritable(newer_hep_ex(), "1707.00874")
    serve_pages_two_and_three(replay, page_two(bad=False), three)
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    held = papers(config)
    assert len(held) == 8 and "1707.00874" in held
    read, loaded, rejected, quarantined = counted(report)
    assert (loaded, rejected, quarantined) == (8, 0, 1)
    assert read == loaded + rejected + quarantined
    assert len(quarantine_files(config)) == quarantined == len(report.quarantined)
    assert report.counts()["papers"] == loaded
    assert not any("1707.00874 (before: loaded)" in note for note in report.notes)


def test_a_record_quarantined_on_two_pages(config: Config, replay: ReplayServer) -> None:
    """CONSTRUCTED: 1707.00874 cannot be written on page 2 nor, newer, on page 3. Each listing
    is quarantined and told on its own, one file each: the report's count is the files'."""
    two = unwritable(page_two(bad=False), "1707.00874")
    serve_pages_two_and_three(replay, two, unwritable(newer_hep_ex(), "1707.00874"))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    read, loaded, rejected, quarantined = counted(report)
    assert len(papers(config)) == loaded == 7
    assert read == loaded + rejected + quarantined
    assert len(quarantine_files(config)) == quarantined == len(report.quarantined)


def test_a_newer_listing_rejected_by_shacl_leaves_the_state_loaded_counted(
    config: Config, replay: ReplayServer
) -> None:
    """CONSTRUCTED: as above, but page 3's newer 1706.09418 has a category SHACL rejects. The
    store keeps page 2's state: 8 papers held, 8 loaded (the report said 7), 1 rejected."""
    three = newer_hep_ex().replace(
        b"<categories>hep-ph hep-ex</categories>", b"<categories>zz.XX!</categories>"
    )
    serve_pages_two_and_three(replay, page_two(bad=False), three)
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (9, 8, 1, 0)
    assert len(papers(config)) == 8 == report.counts()["papers"]
    assert report.rejected == ["https://w3id.org/scholarkg/id/graph/arxiv/1706.09418"]
    assert any("1706.09418 (newer state rejected" in note for note in report.notes)
