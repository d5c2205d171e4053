"""``Daniel O'Brien`` and ``Daniel Brien`` are two names however they are placed, and a store
built under names version 4 (which read ``O'Brien`` as the initial ``o`` and the surname
``brien``) keeps its O'Brien. Inputs are CONSTRUCTED (tests/constructed.py): real snapshot
lines with their ids and authors changed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import write_config
from one_author import persons
from scholarkg.config import Config, load_config
from scholarkg.identity import names
from scholarkg.runs.arxiv_snapshot import load_snapshot
from snapshot_persons import author_at, snapshot_of, store_config

# (with an apostrophe, the name without its first part)
PAIRS = [
    ("Daniel O'Brien", "Daniel Brien"),
    ("Anil D'Souza", "Anil Souza"),
    ("Maria Dell’Orso", "Maria Orso"),
]


def _load(config: Config, path: Path) -> None:
    assert load_snapshot(config, path, workers=0).report.outcome == "ok"


@pytest.mark.parametrize(("apostrophe", "without"), PAIRS)
def test_two_names_beside_one_shared_coauthor_stay_two_persons(
    tmp_path: Path, apostrophe: str, without: str
) -> None:
    """Each beside Alice Martin on a paper of its own: two persons (before: one block,
    compatible names, so the shared co-author joined them into one person of three)."""
    config = store_config(tmp_path / "store")
    papers = (
        ("9003.00041", [apostrophe, "Alice Martin"]),
        ("9003.00042", [without, "Alice Martin"]),
    )
    _load(config, snapshot_of(tmp_path, *papers))
    assert author_at(config, "9003.00041", 1) != author_at(config, "9003.00042", 1)
    held = persons(config)
    assert len(held) == 4  # and so the two Alice Martins share no co-author either
    assert held[author_at(config, "9003.00041", 1)] == names.block(apostrophe)
    assert held[author_at(config, "9003.00042", 1)] == names.block(without)


def test_a_store_built_under_names_version_4_keeps_its_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Daniel O'Brien was founded under version 4 (slug ``daniel-o-brien-…``, block
    ``brien-d``). After the upgrade, his papers read again and a new one beside the same
    co-author (written ``OBrien``) are that person, slug and all, now in block ``obrien-d``."""
    config = store_config(tmp_path / "store")
    first = ("9003.00051", ["Daniel O'Brien", "Alice Martin"])
    again = ("9003.00052", ["Daniel OBrien", "Alice Martin"])
    with monkeypatch.context() as before:
        before.setattr(names, "NAMES", "4")
        names.clear_caches()
        _load(config, snapshot_of(tmp_path, first))
        founded = author_at(config, "9003.00051", 1)
        assert unquote(founded.rsplit("/", 1)[1]).startswith("daniel-o-brien-")
        assert persons(config)[founded] == "brien-d"
    names.clear_caches()
    _load(config, snapshot_of(tmp_path, first))  # the same record again
    assert author_at(config, "9003.00051", 1) == founded
    _load(config, snapshot_of(tmp_path, again))  # new, shares Alice Martin
    assert author_at(config, "9003.00052", 1) == founded
    held = persons(config)
    _load(config, snapshot_of(tmp_path, first, again))  # all again
    assert persons(config) == held and len(held) == 2  # none new, none lost
    assert author_at(config, "9003.00051", 1) == founded == author_at(config, "9003.00052", 1)
    assert held[founded] == "obrien-d"  # its graph written again with its new block


def test_a_merge_key_written_under_names_version_4_still_names_its_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``[people.merge]`` keyed ``daniel-o-brien`` (Daniel O'Brien's key under version 4,
    ``daniel-obrien`` now) still names him after the upgrade: the merge applies (before, a
    start-up error: the key named nobody, looked up in block ``brien-d`` only)."""
    directory = tmp_path / "store"
    config = store_config(directory)
    first = ("9003.00061", ["Daniel O'Brien", "Alice Martin"])
    other = ("9003.00062", ["Dan OBrien", "Bob Stone"])
    with monkeypatch.context() as before:
        before.setattr(names, "NAMES", "4")
        names.clear_caches()
        _load(config, snapshot_of(tmp_path, first, other))
    names.clear_caches()
    assert author_at(config, "9003.00061", 1) != author_at(config, "9003.00062", 1)
    merge = {"people.merge": {"daniel-o-brien": "9003.00062#1"}}
    config = load_config(write_config(directory, [], **merge))
    _load(config, snapshot_of(tmp_path, first, other))
    assert author_at(config, "9003.00061", 1) == author_at(config, "9003.00062", 1)
