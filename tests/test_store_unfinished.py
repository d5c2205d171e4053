"""Reading an embedded store that is not there yet: a directory with no store in it, or one
whose creation did not finish (a run making it beside the reader, or killed while it did).

Measured before, CLI as a subprocess: on a store whose creation was cut short, ``query`` said
``error: cannot open <store>: Inserts are only possible on read-write instances`` (after ~3 s
of worker retries), ``export --format ttl``, ``--output`` and ``serve`` said ``cannot open the
Oxigraph store (Inserts are only possible on read-write instances); is another process using
it?``, an empty directory gave RocksDB's ``IO error: … CURRENT: No such file or directory``
the same ways, and ``export`` (the published dump) exit 0: it made the store and replaced the
published dump and VoID description with empty ones. A brand-new data directory, a store made
and never written and a store with no checkpoint (older versions) were read fine; so they stay.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from scholarkg.errors import LoadError
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.store.embedded import EmbeddedStore
from store_readers import READERS, files, one_line, refused

FIXTURES = Path(__file__).parent / "fixtures" / "unfinished-stores"
# the state, and pyoxigraph's own error on a read-only open of it
UNFINISHED = {
    "partial-columns": "Column family not found",
    "versionless": "Inserts are only possible on read-write instances",
}
NOT_YET = "no store here yet"


def unfinished(tmp_path: Path, state: str) -> Path:
    """A copy of the captured store ``state`` at ``tmp_path/store``; pyoxigraph still fails
    to open it read-only as it did when it was captured."""
    path = tmp_path / "store"
    shutil.copytree(FIXTURES / state, path)
    with pytest.raises(RuntimeError, match=UNFINISHED[state]):
        ox.Store.read_only(str(path))
    return path


@pytest.mark.parametrize("state", sorted(UNFINISHED))
def test_an_unfinished_store_is_no_store_yet_to_every_reader(tmp_path: Path, state: str) -> None:
    path = unfinished(tmp_path, state)
    before = files(tmp_path)
    opens = {
        "read-only": lambda: EmbeddedStore(path, read_only=True),
        "published": lambda: EmbeddedStore.published(path),
        "query worker": lambda: StoreSpec("oxigraph", str(path)).open(),
    }
    for how, opening in opens.items():
        with pytest.raises(LoadError) as exc:
            opening()
        text = one_line(exc)
        assert text.startswith(f"{path}: {NOT_YET} (its creation has not finished"), (how, text)
    assert files(tmp_path) == before  # a reader wrote nothing, finished nothing


def test_an_empty_directory_is_no_store_yet(tmp_path: Path) -> None:
    path = tmp_path / "store"
    path.mkdir()
    for opening in (
        lambda: EmbeddedStore(path, read_only=True),
        lambda: EmbeddedStore.published(path),
        lambda: StoreSpec("oxigraph", str(path)).open(),
    ):
        with pytest.raises(LoadError) as exc:
            opening()
        assert one_line(exc) == f"{path}: {NOT_YET} (an empty directory; run `scholarkg run` first)"
    assert list(path.iterdir()) == []


def test_a_directory_of_other_files_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(LoadError) as exc:
        EmbeddedStore(tmp_path, read_only=True)
    assert one_line(exc) == (
        f"{tmp_path}: the store directory holds no Oxigraph store but other files: notes.txt; "
        "not opened (give a new or empty directory as the store)"
    )


@pytest.mark.parametrize("state", sorted(UNFINISHED))
def test_a_writer_finishes_an_unfinished_store(tmp_path: Path, state: str) -> None:
    """What a run does with one: opens it read-write, which finishes it; then it reads."""
    path = unfinished(tmp_path, state)
    EmbeddedStore(path).close()
    with EmbeddedStore(path, read_only=True) as store:
        assert store.quad_count() == 0


def test_reading_while_a_store_is_made_is_empty_or_no_store_yet(tmp_path: Path) -> None:
    """``scholarkg serve`` or ``query`` started while the first run makes the store: every
    read-only open finds no store yet (never pyoxigraph's words) or the new, empty store."""
    seen: dict[str, int] = {}
    for n in range(4):
        path = tmp_path / f"store{n}"
        maker = subprocess.Popen(
            [sys.executable, "-c", f"import pyoxigraph; pyoxigraph.Store({str(path)!r})"]
        )
        try:
            while True:
                done = maker.poll() is not None  # then the store is made: one last look
                try:
                    with EmbeddedStore(path, read_only=True) as store:
                        assert store.quad_count() == 0
                    seen["empty store"] = seen.get("empty store", 0) + 1
                except LoadError as exc:
                    assert str(exc).startswith(f"{path}: {NOT_YET}"), str(exc)
                    assert not done, str(exc)
                    seen[NOT_YET] = seen.get(NOT_YET, 0) + 1
                if done:
                    break
                time.sleep(0.001)
        finally:
            maker.kill()
            maker.wait()
        assert maker.returncode == 0
    assert seen["empty store"] >= 4


@pytest.mark.parametrize("state", ["versionless", "empty-directory"])
@pytest.mark.parametrize("command", sorted(READERS))
def test_cli_readers_of_no_store_yet_say_so_and_change_nothing(
    tmp_path: Path, state: str, command: str
) -> None:
    if state == "empty-directory":
        path = tmp_path / "store"
        path.mkdir()
    else:
        path = unfinished(tmp_path, state)
    exports = tmp_path / "data" / "exports"
    exports.mkdir(parents=True)
    (exports / "scholarkg.nq").write_bytes(b"<urn:x:s> <urn:x:p> <urn:x:o> <urn:x:g> .\n")
    (tmp_path / "data" / "void.ttl").write_bytes(b"# the published description\n")
    [line] = refused(tmp_path, path, command)
    assert line.startswith(f"error: {path}: {NOT_YET} ("), line
