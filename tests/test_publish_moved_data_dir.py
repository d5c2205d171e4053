"""A data directory moved between runs (its store left where it was): without ``[publish]
download_base`` the description names the dumps by their ``file:`` paths, so the next run
publishes again where the dumps are now."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import Graph, URIRef

from building import rebuild
from conftest import write_config
from published import describes_the_dump, dump_of, held_but_void
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.void import DCAT


def _in(folder: Path, store: Path, **sections: dict[str, object]) -> Config:
    folder.mkdir(exist_ok=True)
    settings = {"store": {"path": str(store)}, **sections}
    return load_config(write_config(folder, [SAMPLE_PROFILE], **settings))


def _urls(config: Config) -> set[str]:
    void = Graph().parse(config.data_dir / "void.ttl")
    return {str(o) for o in void.objects(None, DCAT.downloadURL) if isinstance(o, URIRef)}


def test_a_moved_data_directory_publishes_its_dumps_where_they_are_now(tmp_path: Path) -> None:
    store = tmp_path / "store"
    before = _in(tmp_path / "old", store)
    assert rebuild(before).published
    shutil.move(before.data_dir, tmp_path / "new" / "data")
    after = _in(tmp_path / "new", store)
    report = rebuild(after)
    assert report.graphs_written == 0 and report.published
    assert _urls(after) == {(after.exports_dir / "scholarkg.nq").resolve().as_uri()}
    assert describes_the_dump(after) and dump_of(after) == held_but_void(after)
    assert rebuild(after).published == []  # published where it is: once


def test_with_a_download_base_a_moved_data_directory_has_nothing_to_publish(
    tmp_path: Path,
) -> None:
    store, base = tmp_path / "store", {"download_base": "https://example.org/kg"}
    before = _in(tmp_path / "old", store, publish=base)
    assert rebuild(before).published
    shutil.move(before.data_dir, tmp_path / "new" / "data")
    after = _in(tmp_path / "new", store, publish=base)
    assert rebuild(after).published == []
    assert _urls(after) == {"https://example.org/kg/scholarkg.nq"}
