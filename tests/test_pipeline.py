"""The library pipeline end to end without Prefect: gate, quarantine, idempotent loads."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.iris import Minter
from scholarkg.pipeline import fetch_profile_source, load_ontology, load_staged, stage_profile
from scholarkg.provenance import RunInfo
from scholarkg.store.embedded import EmbeddedStore


def build_once(config_path: Path) -> tuple[int, dict[str, set[tuple[str, str, str]]]]:
    config = load_config(config_path)
    staged = []
    for location in config.profiles:
        staged += stage_profile(fetch_profile_source(location, config), config).staged
    with EmbeddedStore(config.store.path) as store:
        load_ontology(store, Minter(config.iri_base))
        load_staged(staged, store, RunInfo.start(config))
        return store.quad_count(), {g: store.triples_in(g) for g in store.graph_names()}


def test_sample_passes_the_gate_and_loads(config_file: Path) -> None:
    config = load_config(config_file)
    result = stage_profile(fetch_profile_source(str(SAMPLE_PROFILE), config), config)
    assert result.name == "Léonard Hussenot" and result.papers == 25
    assert result.rejected_graphs == ()
    assert [Path(g.path).exists() for g in result.staged] == [True, True]
    assert not [f for f in result.findings if f["severity"] == "Violation"]


def test_running_twice_leaves_exactly_the_same_triples(config_file: Path) -> None:
    first_count, first = build_once(config_file)
    second_count, second = build_once(config_file)
    assert first_count == second_count > 1000
    assert first == second


def test_raw_bytes_are_archived_before_parsing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"<html>oops</html>")
    config = load_config(write_config(tmp_path, [bad]))
    sha = fetch_profile_source(str(bad), config)
    archived = config.raw_dir / "objects" / sha[:2] / sha
    assert archived.read_bytes() == b"<html>oops</html>"


def test_count_mismatch_is_a_shacl_warning_and_still_loads(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"25 Papers", b"26 Papers"))
    config = load_config(write_config(tmp_path, [page]))
    result = stage_profile(fetch_profile_source(str(page), config), config)
    assert result.rejected_graphs == ()
    warnings = [f for f in result.findings if f["severity"] == "Warning"]
    assert warnings and all("/snapshot/" in str(f["graph"]) for f in warnings)


def test_bad_paper_block_is_quarantined_with_reason(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"LGJul 19, 2024\n", b"LGFeb 30, 2024\n"))
    config = load_config(write_config(tmp_path, [page]))
    result = stage_profile(fetch_profile_source(str(page), config), config)
    assert (result.papers, result.quarantined_records) == (24, 1)
    [kept] = list((config.quarantine_dir / "records").glob("*.json"))
    record = json.loads(kept.read_text(encoding="utf-8"))
    assert (
        record["line"] == 19 and "impossible date" in record["reason"] and "BOND" in record["text"]
    )
