"""A store directory that holds something other than an Oxigraph (RocksDB) store is said so,
never read as "no store here yet" nor made into a new, empty store among what is there.

Measured before: on a pyoxigraph 0.2 (Sled) store, ``query``, ``export --format ttl`` and
``serve`` said ``no store here yet (the directory holds no Oxigraph store)``, and ``scholarkg
run``, ``export`` (the published dump) and ``serve --allow-updates`` made an empty RocksDB store
inside it (``CURRENT``, ``MANIFEST-…``, ``*.sst`` beside ``conf`` and ``db``) and went on with it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.errors import LoadError
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.store.embedded import EmbeddedStore

SLED = "the store directory holds a pyoxigraph 0.2 store (Sled: blobs/, conf, db, snap."


def sled_store(path: Path) -> Path:
    """A directory laid out as Sled 0.34 (pyoxigraph 0.2's store) lays out its database:
    ``conf`` (its storage parameters, as text), ``db`` (the log), ``blobs/`` and a snapshot
    ``snap.<lsn>``. Constructed here, not written by pyoxigraph 0.2, which does not install
    beside pyoxigraph 0.5; the names are those of sled's ``Config`` (``config.rs``)."""
    path.mkdir(parents=True)
    (path / "conf").write_text(
        "segment_size: 524288\nuse_compression: false\nversion: 0.34\n", encoding="utf-8"
    )
    (path / "db").write_bytes(b"\x00" * 4096)
    (path / "blobs").mkdir()
    (path / "snap.00000000000C4E20").write_bytes(b"\x01" * 64)
    return path


def files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        for p in sorted(root.rglob("*"))
    }


def one_line(exc: pytest.ExceptionInfo[LoadError]) -> str:
    assert "\n" not in str(exc.value)
    return str(exc.value)


def test_a_sled_store_is_said_to_every_opening_and_left_as_it_is(tmp_path: Path) -> None:
    path = sled_store(tmp_path / "store")
    before = files(path)
    opens = {
        "read-only": lambda: EmbeddedStore(path, read_only=True),
        "published": lambda: EmbeddedStore.published(path),
        "query worker": lambda: StoreSpec("oxigraph", str(path)).open(),
        "read-write": lambda: EmbeddedStore(path),
    }
    for how, opening in opens.items():
        with pytest.raises(LoadError) as exc:
            opening()
        assert one_line(exc).startswith(f"{path}: {SLED}"), how
        assert "cannot read: dump it with pyoxigraph 0.2" in str(exc.value), how
    assert files(path) == before


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["export"],
        ["export", "--format", "ttl"],
        ["query", "papers-per-year"],
        ["serve", "--allow-updates", "--port", "0"],
        ["serve", "--port", "0"],
    ],
    ids=" ".join,
)
def test_every_command_on_a_sled_store_fails_in_one_line_and_writes_nothing_in_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    config = write_config(tmp_path, [SAMPLE_PROFILE])
    path = sled_store(tmp_path / "store")
    before = files(path)
    assert main([*command, "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: {SLED}") and err.count("\n") == 1, err
    assert files(path) == before


def test_a_directory_of_other_files_is_said_with_what_it_holds(tmp_path: Path) -> None:
    for name in ("notes.txt", "photos", "a.csv", "b.csv"):
        (tmp_path / name).write_text("mine\n", encoding="utf-8")
    for opening in (
        lambda: EmbeddedStore(tmp_path, read_only=True),
        lambda: EmbeddedStore(tmp_path),
    ):
        with pytest.raises(LoadError) as exc:
            opening()
        assert one_line(exc) == (
            f"{tmp_path}: the store directory holds no Oxigraph store but other files: a.csv, "
            "b.csv, notes.txt and 1 more; not opened (give a new or empty directory as the store)"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "notes.txt", "photos"]


def test_scholarkg_state_without_a_store_is_no_store_yet_and_a_writer_makes_it(
    tmp_path: Path,
) -> None:
    """The store's own state (a manifest, a seal, a temporary file of a cut-short write) with
    no RocksDB store beside it is not foreign: a run makes the store there."""
    path = tmp_path / "store"
    path.mkdir()
    for name in (
        "scholarkg-manifest.sqlite",
        "closed-in-line.json",
        ".oai-harvest.json.ab12cd34.part",
    ):
        (path / name).write_bytes(b"")
    with pytest.raises(LoadError, match="no store here yet"):
        EmbeddedStore(path, read_only=True)
    EmbeddedStore(path).close()
    with EmbeddedStore(path, read_only=True) as store:
        assert store.quad_count() == 0


def test_every_file_a_run_leaves_in_the_store_directory_is_the_stores(tmp_path: Path) -> None:
    """Kept in step with what runs write there: a file scholarkg adds beside the store that
    this check does not know would make the next run fail as if the directory were another's."""
    from scholarkg.config import load_config
    from scholarkg.runs.build import build
    from scholarkg.store.foreign import _ours

    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    build(config)
    assert [n.name for n in config.store.path.iterdir() if not _ours(n.name)] == []
