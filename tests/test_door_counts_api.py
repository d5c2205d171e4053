"""A fetch through the arXiv API reports what it read as the snapshot door does: every entry of
an answer is a record read, and ends loaded, rejected by SHACL or quarantined, so
``read = loaded + rejected + quarantined``. An entry that could not be read (a bad field) was
neither counted nor quarantined: its id was told as "arXiv returned no such record".

The answer is CONSTRUCTED from three real recorded API answers (tests/fixtures/arxiv/atom):
1707.08567 as recorded, 1605.08386 with a primary category SHACL rejects and 2104.12255 (v1)
with a ``published`` date that is no date, in one feed for the three ids, served by the
loopback replay server. Ids arXiv gives no entry for stay failures.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arxiv_replay import ATOM_DIR, Fault, ReplayServer
from building import counted
from conftest import write_config
from scholarkg.cli import main
from scholarkg.config import Config, load_config
from scholarkg.quarantine import read_quarantined
from scholarkg.query_results import run_select
from scholarkg.runs.arxiv_fetch import fetch_ids
from scholarkg.store.embedded import EmbeddedStore

pytest_plugins = ("arxiv_fixtures",)

IDS = ["1707.08567", "1605.08386", "2104.12255"]
PAPERS = (
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/scholarkg/ontology#Paper> }"
)


def entry(name: str) -> bytes:
    [path] = ATOM_DIR.glob(f"{name}_s0_m100_*.xml")
    found = re.search(rb"\s*<entry>.*?</entry>", path.read_bytes(), re.DOTALL)
    assert found is not None
    return found.group(0)


def feed(*, missing: bool = False) -> bytes:
    """CONSTRUCTED: the recorded 1707.08567 answer with two more (changed) real entries."""
    rejected = entry("id_1605.08386").replace(b'term="math.CO"/>', b'term="zz.XX!"/>')
    bad = entry("id_2104.12255v1").replace(b"2021-04-20T16:07:14Z", b"2021-04-31T16:07:14Z")
    assert b"zz.XX!" in rejected and b"2021-04-31" in bad
    [path] = ATOM_DIR.glob("id_0808.05394_1707.08567_s0_m100_*.xml")
    extra = rejected + (b"" if missing else bad)
    return path.read_bytes().replace(b"\n</feed>", extra + b"\n</feed>")


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv("SCHOLARKG_ARXIV_API_URL", arxiv_server.api_url)
    return arxiv_server


@pytest.fixture
def config(tmp_path: Path, replay: ReplayServer) -> Config:
    return load_config(
        write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})
    )


def serve(replay: ReplayServer, body: bytes) -> None:
    replay.add_fault(
        Fault("status", status=200, body=body),
        path="/api/query",
        times=-1,
        id_list=",".join(IDS),
    )


def papers(config: Config) -> int:
    with EmbeddedStore(config.store.path, read_only=True) as store:
        return int(str(run_select(store, PAPERS).rows[0][0]))


def test_entries_with_bad_fields_count_as_read(config: Config, replay: ReplayServer) -> None:
    serve(replay, feed())
    report = fetch_ids(config, IDS).report
    assert counted(report) == (3, 1, 1, 1)
    read, loaded, rejected, quarantined = counted(report)
    assert read == loaded + rejected + quarantined
    assert "records: 3 read, 1 loaded, 1 rejected by SHACL, 1 quarantined" in (
        report.summary_lines()
    )
    assert report.rejected == ["https://w3id.org/scholarkg/id/graph/arxiv/1605.08386"]
    [why] = report.quarantined
    assert "2021-04-31" in why
    assert report.failures == []  # arXiv did return 2104.12255: it could not be read
    assert read_quarantined(config.quarantine_dir).records
    assert papers(config) == loaded == report.counts()["papers"]


def test_an_id_without_an_entry_is_still_a_failure(config: Config, replay: ReplayServer) -> None:
    serve(replay, feed(missing=True))
    report = fetch_ids(config, IDS).report
    assert counted(report) == (2, 1, 1, 0)
    assert report.failures == [("2104.12255", "arXiv returned no such record")]


def test_the_cli_prints_the_same_counts(
    config: Config, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    serve(replay, feed())
    assert main(["arxiv", "fetch", *IDS, "--config", str(config.source)]) == 1
    out = capsys.readouterr().out
    assert "records: 3 read, 1 loaded, 1 rejected by SHACL, 1 quarantined" in out
    assert "no such record" not in out


def test_two_versions_of_one_paper_are_one_record(config: Config, replay: ReplayServer) -> None:
    """CONSTRUCTED: the recorded 2104.12255v1 answer with a v2 entry (its title changed) added,
    for ``2104.12255v1`` and ``2104.12255`` asked together. One paper has one graph: the newest
    version is loaded and the paper counted once (the store holds one paper, not two)."""
    [path] = ATOM_DIR.glob("id_2104.12255v1_s0_m100_*.xml")
    body = path.read_bytes()
    v2 = entry("id_2104.12255v1").replace(b"2104.12255v1</id>", b"2104.12255v2</id>")
    v2 = v2.replace(b"<title>", b"<title>Version two: ", 1)
    replay.add_fault(
        Fault("status", status=200, body=body.replace(b"\n</feed>", v2 + b"\n</feed>")),
        path="/api/query",
        times=-1,
        id_list="2104.12255v1,2104.12255",
    )
    report = fetch_ids(config, ["2104.12255v1", "2104.12255"]).report
    assert counted(report) == (1, 1, 0, 0)
    assert papers(config) == 1 == report.counts()["papers"]
    titles = (
        "SELECT ?t WHERE { GRAPH ?g { ?p a <https://w3id.org/scholarkg/ontology#Paper> ; "
        "<http://purl.org/dc/terms/title> ?t } }"
    )
    with EmbeddedStore(config.store.path, read_only=True) as store:
        rows = run_select(store, titles).rows
    [[title]] = rows
    assert str(title).startswith("Version two: ")
    assert any("2104.12255" in note and "newer version" in note for note in report.notes)
