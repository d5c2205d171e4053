"""What makes an unchanged profile page be built again: the configuration hash covers every
setting that changes what a build emits or quarantines, and nothing about where data lives or
how servers are reached."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from building import build_store, rebuild, rows
from conftest import write_config
from constructed import Listed, profile_page
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.errors import ConfigError
from scholarkg.provenance import config_hash
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore

TITLES = "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?t WHERE { ?p dcterms:title ?t }"
SHORT = "A short paper on constructed things"
LONG = "A long paper on constructed things"


def titles(config: Config) -> set[str]:
    return {r["t"] for r in rows(config, TITLES)}


def test_raising_literal_bytes_rebuilds_the_page_and_loads_the_quarantined_paper(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(
        profile_page(
            "Ada Constructed",
            [
                Listed(SHORT, dt.date(2023, 1, 5), ("Ada Constructed", "Bob Other")),
                Listed(LONG, dt.date(2023, 2, 5), ("Ada Constructed",), abstract="x" * 3000),
            ],
        )
    )
    config, first = build_store(tmp_path, [page], limits={"literal_bytes": 2000})
    assert any("literal_bytes" in q for q in first.quarantined)
    assert SHORT in titles(config) and LONG not in titles(config)

    raised = load_config(write_config(tmp_path, [page], limits={"literal_bytes": 1_000_000}))
    second = rebuild(raised)
    assert str(page) not in second.sources_unchanged  # the same bytes, built again
    assert not second.quarantined
    assert {SHORT, LONG} <= titles(raised)  # the paper is in the store now


def test_the_hash_follows_what_decides_the_graphs(tmp_path: Path) -> None:
    def hashed(**sections: dict[str, object]) -> str:
        return config_hash(load_config(write_config(tmp_path, [], **sections)))

    base = hashed(arxiv={"enabled": True})
    deciding: list[dict[str, dict[str, object]]] = [
        {"arxiv": {"enabled": False}},
        {"arxiv": {"enabled": True, "candidates_per_title": 30}},
        {"arxiv": {"enabled": True, "threshold": 0.5}},
        {"arxiv": {"enabled": True}, "limits": {"literal_bytes": 10}},
        {"arxiv": {"enabled": True}, "limits": {"line_bytes": 10}},
        {"arxiv": {"enabled": True}, "limits": {"json_depth": 4}},
        {"arxiv": {"enabled": True}, "iris": {"base": "https://example.org/id/"}},
    ]
    for sections in deciding:
        assert hashed(**sections) != base, sections
    neutral: list[dict[str, dict[str, object]]] = [
        {"arxiv": {"enabled": True, "api_url": "http://127.0.0.1:9/api/query"}},
        {"arxiv": {"enabled": True, "min_interval": 0.0, "batch_size": 7}},
        {"arxiv": {"enabled": True}, "http": {"read_timeout": 5.0, "connect_timeout": 1.0}},
        {"arxiv": {"enabled": True}, "limits": {"search_deadline": 5.0, "profile_bytes": 99}},
        {"arxiv": {"enabled": True}, "store": {"path": str(tmp_path / "elsewhere")}},
        {"arxiv": {"enabled": True}, "publish": {"license": "https://example.org/licence"}},
    ]
    for sections in neutral:
        assert hashed(**sections) == base, sections


def test_new_title_matching_rules_rebuild_the_profiles_they_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A profile resolved under older matching rules (before 2: ``C++`` matched ``C#``) is built
    again, not kept with what those rules decided."""
    from scholarkg.resolution import titles as matching

    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config, _ = build_store(tmp_path, [page])
    assert str(page) in rebuild(config).sources_unchanged
    monkeypatch.setattr(matching, "MATCHING", "older")
    again = rebuild(config)
    assert str(page) not in again.sources_unchanged
    # the same triples as before: nothing written, and the next run knows it was built so
    assert again.graphs_written == 0
    assert str(page) in rebuild(config).sources_unchanged


def test_a_new_profile_mapping_rebuilds_each_profile_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Profiles mapped under an older profile mapping (before 2: a quarantined entry left out
    of ``skg:listedPaperCount``, claims that made no merge not kept in the registry) are read
    again once after an upgrade, though the page, the configuration and the version are the
    same; the run after that finds them up to date."""
    from scholarkg.transform import profile as mapping

    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config, _ = build_store(tmp_path, [page])
    assert str(page) in rebuild(config).sources_unchanged
    monkeypatch.setattr(mapping, "PROFILE_MAPPING", "profile-1")
    assert str(page) not in rebuild(config).sources_unchanged
    assert str(page) in rebuild(config).sources_unchanged


def test_a_new_version_rebuilds_each_profile_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new software version builds every profile again once — not on every run because
    the rebuilt graph is the same and keeps the provenance of the run that first wrote it."""
    import scholarkg.incremental

    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config, _ = build_store(tmp_path, [page])
    monkeypatch.setattr(scholarkg.incremental, "__version__", "99.0")
    assert str(page) not in rebuild(config).sources_unchanged
    assert str(page) in rebuild(config).sources_unchanged


def test_another_iri_base_on_a_store_is_an_error_before_anything_is_written(
    tmp_path: Path,
) -> None:
    """Graphs minted under a new base would sit beside the old ones: every paper twice."""
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    with EmbeddedStore(config.store.path, read_only=True) as store:
        before = store.quad_count()
    rebased = load_config(
        write_config(tmp_path, [SAMPLE_PROFILE], iris={"base": "https://example.org/kg/"})
    )
    with pytest.raises(ConfigError, match=r"minted under \[iris\] base 'https://w3id.org/"):
        build(rebased)
    with EmbeddedStore(config.store.path, read_only=True) as store:
        assert store.quad_count() == before
    assert build(rebased.with_store_path(tmp_path / "new-store")).report.outcome == "ok"
