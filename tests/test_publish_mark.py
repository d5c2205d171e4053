"""The publication mark (``data/state/published.json``) says which store was published with
which ``[publish]`` settings; a run whose store or settings differ publishes everything again,
even when nothing else changed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import DCTERMS

from building import build_store, rebuild
from conftest import write_config
from constructed import Listed, profile_page
from published import describes_the_dump, description, dump_of, held_but_void
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.iris import Minter
from scholarkg.void import VOID, dataset_iri


def page(directory: Path, name: str, title: str) -> Path:
    """A constructed page whose author and coauthor appear on no other page of these tests."""
    path = directory / f"{name.lower().replace(' ', '-')}.txt"
    path.write_bytes(
        profile_page(name, [Listed(title, dt.date(2023, 3, 7), (name, f"{name} Coauthor"))])
    )
    return path


def test_changed_publish_settings_publish_again_with_nothing_else_changed(
    tmp_path: Path,
) -> None:
    config, first = build_store(tmp_path, [SAMPLE_PROFILE])
    assert first.published
    assert not (config.exports_dir / "scholarkg.ttl").exists()
    settings = {
        "dumps": ["nq", "ttl"],
        "license": "https://example.org/my-licence",
        "endpoint_url": "https://example.org/sparql",
        "download_base": "https://downloads.example.org/kg",
    }
    changed = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish=settings))
    report = rebuild(changed)
    assert report.graphs_written == 0  # nothing else changed ...
    assert report.published  # ... yet the new settings are published
    assert (changed.exports_dir / "scholarkg.ttl").exists()
    assert (changed.exports_dir / "scholarkg.ttl.sha256").exists()
    void = description(changed)
    dataset = dataset_iri(Minter().base)
    assert void.value(dataset, DCTERMS.license) == URIRef(settings["license"])
    assert URIRef(settings["endpoint_url"]) in set(void.objects(None, VOID.sparqlEndpoint))
    urls = {str(o) for o in void.objects(None, None) if isinstance(o, URIRef)}
    assert f"{settings['download_base']}/scholarkg.ttl" in urls
    assert f"{settings['download_base']}/scholarkg.nq" in urls
    assert describes_the_dump(changed)
    assert rebuild(changed).published == []  # published once: the mark matches now


def test_a_rerun_of_another_store_from_the_same_data_directory_publishes_it(
    tmp_path: Path,
) -> None:
    # the same page in both stores: their graphs differ only in provenance (run IRIs, times),
    # so nothing in store A is due again when it runs after store B
    config_a, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    in_a = held_but_void(config_a)
    assert dump_of(config_a) == in_a
    config_b = config_a.with_store_path(tmp_path / "store-b")
    rebuild(config_b)
    in_b = held_but_void(config_b)
    assert dump_of(config_b) == in_b != in_a
    assert describes_the_dump(config_b)

    again = rebuild(config_a)  # store A again, nothing changed in it
    assert again.published
    assert dump_of(config_a) == held_but_void(config_a) != in_b
    assert describes_the_dump(config_a)  # void.ttl names store A's dump, not B's


def test_an_old_mark_without_store_or_settings_publishes_everything_once(tmp_path: Path) -> None:
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    mark = config.state_dir / "published.json"
    recorded = json.loads(mark.read_text(encoding="utf-8"))
    assert {"run", "store", "publish"} <= set(recorded)
    mark.write_text(json.dumps({"run": recorded["run"]}) + "\n", encoding="utf-8")  # older mark
    (config.data_dir / "void.ttl").unlink()
    report = rebuild(config)
    assert report.graphs_written == 0 and report.published
    assert (config.data_dir / "void.ttl").exists() and describes_the_dump(config)
    assert json.loads(mark.read_text(encoding="utf-8"))["store"] == recorded["store"]
    assert rebuild(config).published == []
