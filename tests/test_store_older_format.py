"""Reading an embedded store written by an older Oxigraph (its on-disk format, storage version
1, which pyoxigraph 0.5 upgrades only when it opens the store to write).

Measured before, CLI as a subprocess: ``export`` and ``serve`` said ``cannot open the Oxigraph
store (It is not possible to upgrade read-only Oxigraph instances to newer Oxigraph versions,
please open in read-write regular mode to upgrade.); is another process using it?``, which
points at a lock, not at the format, nor at ``scholarkg run`` (which upgrades it).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from scholarkg.errors import LoadError
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.store.embedded import EmbeddedStore
from store_readers import files, one_line, refused

FIXTURE = Path(__file__).parent / "fixtures" / "older-stores" / "oxigraph-0.4"
PYOXIGRAPH_SAYS = "It is not possible to upgrade read-only Oxigraph instances"
QUAD = '<urn:x:s> <urn:x:p> "written by pyoxigraph 0.4.11" <urn:x:g>'


def older(tmp_path: Path) -> Path:
    """A copy of the store pyoxigraph 0.4.11 wrote, at ``tmp_path/store``; pyoxigraph still
    fails to open it read-only as it did when it was captured."""
    path = tmp_path / "store"
    shutil.copytree(FIXTURE, path)
    with pytest.raises(RuntimeError, match=PYOXIGRAPH_SAYS):
        ox.Store.read_only(str(path))
    return path


def said(path: Path) -> str:
    return (
        f"{path}: the store's on-disk format is an older Oxigraph's, which this pyoxigraph "
        f"({ox.__version__}) reads once it has upgraded it in place: the next `scholarkg run` "
        "does (older Oxigraph versions cannot read it then)"
    )


def test_a_store_of_an_older_format_is_said_so_to_every_reader(tmp_path: Path) -> None:
    path = older(tmp_path)
    before = files(tmp_path)
    opens: dict[str, Callable[[], object]] = {
        "read-only": lambda: EmbeddedStore(path, read_only=True),
        "published": lambda: EmbeddedStore.published(path),
        "query worker": lambda: StoreSpec("oxigraph", str(path)).open(),
    }
    for how, opening in opens.items():
        with pytest.raises(LoadError) as exc:
            opening()
        assert one_line(exc) == said(path), how
    assert files(tmp_path) == before  # a reader upgraded nothing


def test_a_writer_upgrades_a_store_of_an_older_format(tmp_path: Path) -> None:
    path = older(tmp_path)
    EmbeddedStore(path).close()
    with EmbeddedStore(path, read_only=True) as store:
        assert store.dump_nquads().decode() == QUAD + " .\n"


@pytest.mark.parametrize("command", ["query text", "export published", "serve"])
def test_cli_readers_of_an_older_format_say_so_and_change_nothing(
    tmp_path: Path, command: str
) -> None:
    path = older(tmp_path)
    assert refused(tmp_path, path, command) == [f"error: {said(path)}"]
