"""The build job end to end without Prefect: gate, quarantine, idempotent loads, counts."""

from __future__ import annotations

from pathlib import Path

from building import build_store, content, rebuild, rows
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.quarantine import read_quarantined
from scholarkg.runs.profile_sources import fetch_source

PAPERS = (
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/scholarkg/ontology#Paper> }"
)


def test_sample_passes_the_gate_and_loads(tmp_path: Path) -> None:
    config, report = build_store(tmp_path, [SAMPLE_PROFILE])
    assert report.outcome == "ok", report.summary_lines()
    assert report.papers == 25 and not report.rejected and not report.quarantined
    assert not [f for f in report.findings if f["severity"] == "Violation"]
    assert rows(config, PAPERS) == [{"n": "25"}]


def test_running_twice_leaves_exactly_the_same_triples(tmp_path: Path) -> None:
    config, first_report = build_store(tmp_path, [SAMPLE_PROFILE])
    first = content(config)
    second_report = rebuild(config)
    assert content(config) == first
    assert second_report.change_line().startswith("changes: nothing new")
    assert second_report.store_quads == first_report.store_quads


def test_raw_bytes_are_archived_before_parsing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"<html>oops</html>")
    config = load_config(write_config(tmp_path, [bad]))
    sha = fetch_source(str(bad), config).sha256
    archived = config.raw_dir / "objects" / sha[:2] / sha
    assert archived.read_bytes() == b"<html>oops</html>"


def test_count_mismatch_is_a_shacl_warning_and_still_loads(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"25 Papers", b"26 Papers"))
    _, report = build_store(tmp_path, [page])
    assert not report.rejected
    warnings = [f for f in report.findings if f["severity"] == "Warning"]
    assert warnings and all("/snapshot/" in str(f["graph"]) for f in warnings)


def test_bad_paper_block_is_quarantined_with_reason(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"LGJul 19, 2024\n", b"LGFeb 30, 2024\n"))
    config, report = build_store(tmp_path, [page])
    assert len(report.quarantined) == 1 and report.outcome == "partial"
    [record] = read_quarantined(config.quarantine_dir).records
    assert record.line == 19 and "impossible date" in record.reason
    assert "BOND" in record.text
    assert rows(config, PAPERS) == [{"n": "24"}]


def test_store_quads_in_the_report_are_what_the_store_holds(tmp_path: Path) -> None:
    config, report = build_store(tmp_path, [SAMPLE_PROFILE])
    [count] = rows(config, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(count["n"]) == report.store_quads
