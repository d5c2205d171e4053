"""Dumps a publication wrote and the configuration no longer asks for are removed (with their
checksums and, for N-Quads, the parts); files the tool did not publish stay."""

from __future__ import annotations

import importlib
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef

from building import build_store, rebuild
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.void import DCAT


def download_urls(void: Path) -> set[str]:
    return {str(o) for o in Graph().parse(void).objects(None, DCAT.downloadURL)}


def test_dumps_no_longer_configured_are_removed_and_user_files_stay(tmp_path: Path) -> None:
    config, first = build_store(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "ttl"]})
    exports = config.exports_dir
    assert (exports / "scholarkg.ttl").exists() and first.published
    mine = [exports / "notes.ttl", exports / "scholarkg-mine.trig"]  # not the tool's
    for path in mine:
        path.write_text("# a user's file\n", encoding="utf-8")

    fewer = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq"]}))
    assert rebuild(fewer).published
    assert not (exports / "scholarkg.ttl").exists()
    assert not (exports / "scholarkg.ttl.sha256").exists()
    assert (exports / "scholarkg.nq").exists() and (exports / "scholarkg.nq.sha256").exists()
    assert all(p.exists() for p in mine)
    urls = download_urls(fewer.data_dir / "void.ttl")
    assert [u for u in urls if u.endswith(".ttl")] == [] and len(urls) == 1

    none = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": []}))
    assert rebuild(none).published
    left = sorted(p.name for p in exports.rglob("*") if p.is_file())
    assert left == sorted(p.name for p in mine)  # the N-Quads dump and its parts are gone
    assert download_urls(none.data_dir / "void.ttl") == set()


def test_dumps_published_before_ownership_was_recorded_are_recognised(tmp_path: Path) -> None:
    """A dump the last description lists is the tool's, even without a record (older
    versions kept none)."""
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "jsonld"]})
    record = config.state_dir / "published-dumps.json"
    record.unlink(missing_ok=True)
    fewer = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq"]}))
    rebuild(fewer)
    assert not (config.exports_dir / "scholarkg.jsonld").exists()
    assert URIRef((config.exports_dir / "scholarkg.nq").resolve().as_uri()) in {
        URIRef(u) for u in download_urls(fewer.data_dir / "void.ttl")
    }


def test_an_export_asked_for_by_hand_is_not_the_publications(tmp_path: Path) -> None:
    """``scholarkg export`` of a format no longer published writes a file the user owns."""
    from scholarkg.cli import main

    config, _ = build_store(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "ttl"]})
    path = write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq"]})
    assert main(["export", "--format", "ttl", "--config", str(path)]) == 0
    assert main(["export", "--format", "nq", "--config", str(path)]) == 0  # a publication
    assert (config.exports_dir / "scholarkg.ttl").exists()


def test_an_export_written_while_a_publication_runs_is_the_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``scholarkg export --format ttl`` (no longer a published format) run while a publication
    is under way (injected at its statistics step, as another process would): the publication
    leaves the user's new file alone."""
    publishing = importlib.import_module("scholarkg.publish")  # the module, not the function

    build_store(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "ttl"]})
    fewer = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq"]}))
    statistics = publishing.manifest_statistics

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        publishing.export(args[0], fewer, "ttl")  # the store the publication reads
        return statistics(*args, **kwargs)

    monkeypatch.setattr(publishing, "manifest_statistics", meanwhile)
    with closing(fewer.store.open()) as store:
        publishing.publish(store, fewer)
    ttl = fewer.exports_dir / "scholarkg.ttl"
    assert ttl.exists() and ttl.with_name(ttl.name + ".sha256").exists()
    assert "scholarkg.ttl" not in publishing.owned_dumps(fewer)


def test_a_users_file_named_like_a_part_stays_when_the_parts_go(tmp_path: Path) -> None:
    """The N-Quads dump retired: its parts, their state and their temporaries go, a file of
    the user's whose name only looks like a part's (no part of the dump is called so) stays,
    and so does the folder then (before: any ``part-<digits>.nq`` was removed)."""
    from scholarkg.dump_retiring import retire

    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    parts = config.exports_dir / "parts"
    parts.mkdir(parents=True)
    ours = ["part-00.nq", "part-63.nq", "parts.json", ".part-07.nq.4242.abcd1234.part"]
    mine = ["part-64.nq", "part-7.nq", "part-000.nq", ".part-64.nq.4242.abcd1234.part"]
    for name in ours + mine:
        (parts / name).write_text("a line\n", encoding="utf-8")

    retire(config, ["scholarkg.nq"])

    assert sorted(p.name for p in parts.iterdir()) == sorted(mine)
