"""Two data directories loading one store: each publishes what the store holds now, not what
it held at its own last publication (the store's VoID description, which every publication
writes into it, tells a data directory whether another one published since)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox

from building import rebuild
from conftest import write_config
from constructed import Listed, profile_page
from published import VOID_GRAPH, describes_the_dump, dump_of, held_but_void
from rdf_sets import canonical
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.store.embedded import EmbeddedStore


def _page(directory: Path, name: str) -> Path:
    path = directory / f"{name.lower().replace(' ', '-')}.txt"
    listed = Listed(f"On {name}", dt.date(2023, 3, 7), (name, f"{name} Coauthor"))
    path.write_bytes(profile_page(name, [listed]))
    return path


def _directory(tmp_path: Path, name: str, pages: list[Path]) -> Config:
    folder = tmp_path / name
    folder.mkdir()
    store = {"path": str(tmp_path / "shared-store")}
    return load_config(write_config(folder, [str(p) for p in pages], store=store))


def test_a_data_directory_publishes_again_what_another_one_loaded_into_their_store(
    tmp_path: Path,
) -> None:
    one = _directory(tmp_path, "one", [SAMPLE_PROFILE])
    two = _directory(tmp_path, "two", [SAMPLE_PROFILE])
    assert rebuild(one).published
    assert rebuild(two).published
    assert dump_of(two) == held_but_void(two)

    new = rebuild(one, [str(_page(tmp_path, "Ada Newpage"))])  # only one knows this page
    assert new.graphs_written > 0 and new.published
    held = held_but_void(one)
    assert dump_of(one) == held

    again = rebuild(two)  # nothing new for two, but the store changed since it published
    assert again.graphs_written == 0
    assert again.published
    assert dump_of(two) == held
    assert describes_the_dump(two)

    # both publications are of what the store holds now: neither publishes again
    assert rebuild(two).published == []
    assert rebuild(one).published == []
    assert dump_of(one) == dump_of(two) == held_but_void(one)


def test_a_data_directory_publishes_what_another_one_loaded_without_publishing(
    tmp_path: Path,
) -> None:
    """The other directory's publication failed (a file where its exports go) after it wrote
    the store: its note in the store's description stays, so this one publishes again."""
    one = _directory(tmp_path, "one", [SAMPLE_PROFILE])
    two = _directory(tmp_path, "two", [SAMPLE_PROFILE])
    rebuild(one)
    rebuild(two)
    one.exports_dir.rename(tmp_path / "one-exports")
    one.exports_dir.write_text("in the way\n", encoding="utf-8")
    failed = rebuild(one, [str(_page(tmp_path, "Ada Newpage"))])
    assert failed.graphs_written > 0 and failed.published == []
    assert [where for where, _ in failed.failures] == ["after loading"]

    again = rebuild(two)
    assert again.graphs_written == 0 and again.published
    assert dump_of(two) == held_but_void(two)
    assert describes_the_dump(two)
    assert rebuild(two).published == []


def test_a_run_with_nothing_to_write_leaves_the_description_as_it_found_it(
    tmp_path: Path,
) -> None:
    one = _directory(tmp_path, "one", [SAMPLE_PROFILE])
    two = _directory(tmp_path, "two", [SAMPLE_PROFILE])
    rebuild(one)
    rebuild(two)
    assert rebuild(one).published  # two's run record is new to one
    held = held_but_void(one)
    void = description_quads(one)
    assert rebuild(two).published == [] and rebuild(one).published == []
    assert description_quads(one) == void and held_but_void(one) == held


def description_quads(config: Config) -> set[str]:
    with EmbeddedStore(config.store.path, read_only=True) as store:
        return canonical(q for q in store.native if q.graph_name == ox.NamedNode(VOID_GRAPH))
