"""State older versions kept in the data directory's ``state`` folder (one for every store) is
adopted by the configured store only, with its companion files (SQLite's ``-wal`` / ``-shm``),
and never over state the store already has (``scholarkg.load.manifest.adopt_legacy_state``, the
one helper behind the identity registry's and the harvest state's moves)."""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from scholarkg.config import load_config
from scholarkg.load.manifest import adopt_legacy_state, store_state_dir


def left_behind(directory: Path, name: str, *suffixes: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for suffix in ("", *suffixes):
        (directory / (name + suffix)).write_text(f"old{suffix}")
    return directory / name


def test_the_configured_store_takes_the_file_and_its_companions(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    old = left_behind(config.state_dir, "identity.sqlite", "-wal", "-shm")
    notice = adopt_legacy_state(config, "identity.sqlite", "identity registry", ("-wal", "-shm"))
    assert notice is not None and str(old) in notice and "configured store" in notice
    new = store_state_dir(config)
    assert sorted(p.name for p in new.glob("identity.sqlite*")) == [
        "identity.sqlite",
        "identity.sqlite-shm",
        "identity.sqlite-wal",
    ]
    assert (new / "identity.sqlite-wal").read_text() == "old-wal"
    assert not list(config.state_dir.glob("identity.sqlite*"))
    assert adopt_legacy_state(config, "identity.sqlite", "identity registry") is None


def test_a_store_given_by_path_starts_afresh(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    old = left_behind(config.state_dir, "oai-harvest.json")
    other = config.with_store_path(tmp_path / "other")
    assert adopt_legacy_state(other, "oai-harvest.json", "harvest watermarks") is None
    assert old.read_text() == "old" and not (tmp_path / "other").exists()


def test_state_the_store_has_is_never_replaced(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    old = left_behind(config.state_dir, "oai-harvest.json")
    mine = left_behind(store_state_dir(config), "oai-harvest.json")
    mine.write_text("mine")
    assert adopt_legacy_state(config, "oai-harvest.json", "harvest watermarks") is None
    assert (old.read_text(), mine.read_text()) == ("old", "mine")


def test_a_store_the_set_gives_is_the_configured_store(tmp_path: Path) -> None:
    """``--set store.path=…`` is configuration, not ``--store`` (before: the file was read
    again without it, and the store was judged one ``--store`` gave); a run's flow naming the
    same store again (``with_store_path``) keeps it the configured one."""
    path = write_config(tmp_path, [])
    config = load_config(path, [f"store.path={tmp_path / 'other'}"])
    config = config.with_store_path(tmp_path / "other")
    old = left_behind(config.state_dir, "oai-harvest.json")
    assert adopt_legacy_state(config, "oai-harvest.json", "harvest watermarks") is not None
    assert not old.exists() and (tmp_path / "other" / "oai-harvest.json").read_text() == "old"
