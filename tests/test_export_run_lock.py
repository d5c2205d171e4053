"""An export that writes under ``[data] dir/exports`` (a format not published, one ``--graph``,
an ``--output`` there) takes the run lock as a publication does: while a run holds the data
directory it waits its turn, then writes (before: it wrote there at once, beside a run's
publication of the same folder). An export written elsewhere reads the store's checkpoint
and does not wait. The run is held by a thread that lets go only once the export has found
the lock taken and waits (``lock.pause``), so the order does not depend on timing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.config import Config, load_config
from scholarkg.export import default_filename
from scholarkg.lifecycle import pause
from scholarkg.runs import lock
from scholarkg.runs.build import build
from scholarkg.runs.lock import RunLock
from scholarkg.store.embedded import EmbeddedStore

BOUND = 600.0  # only catches a hang


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Config]:
    path = write_config(tmp_path_factory.mktemp("export-lock"), [SAMPLE_PROFILE])
    config = load_config(path)
    build(config)
    return path, config


def a_person_graph(config: Config) -> str:
    with EmbeddedStore(config.store.path, read_only=True) as store:
        return next(g for g in sorted(store.graph_names()) if "/graph/person/" in g)


def export_beside_a_run(
    monkeypatch: pytest.MonkeyPatch, config: Config, args: list[str], target: Path
) -> tuple[list[str], list[bool]]:
    """Run ``scholarkg export ARGS`` while a run holds the data directory; the order in which
    they finished, and whether ``target`` was there each time the export waited."""
    order: list[str] = []
    seen: list[bool] = []
    held, go = threading.Event(), threading.Event()

    def pausing(seconds: float) -> None:  # the export, waiting its turn
        seen.append(target.exists())
        go.set()
        pause(seconds)

    monkeypatch.setattr(lock, "pause", pausing)

    def run() -> None:
        with RunLock(config.data_dir, "snapshot"):
            held.set()
            go.wait(BOUND)
            order.append("run")

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert held.wait(BOUND)
        target.unlink(missing_ok=True)
        assert main(args) == 0
        order.append("export")
    finally:
        go.set()
        thread.join(BOUND)
    return order, seen


@pytest.mark.parametrize("what", ["a format not published", "one graph", "--output there"])
def test_an_export_into_the_exports_folder_waits_for_the_run(
    built: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    path, config = built
    args = ["export", "--config", str(path)]
    if what == "a format not published":
        args += ["--format", "ttl"]
        target = config.exports_dir / "scholarkg.ttl"
    elif what == "one graph":
        graph = a_person_graph(config)
        args += ["--graph", graph]
        target = config.exports_dir / default_filename("nq", graph)
    else:
        target = config.exports_dir / "mine.trig"
        args += ["--format", "trig", "--output", str(target)]
    order, seen = export_beside_a_run(monkeypatch, config, args, target)
    assert order == ["run", "export"], order
    assert seen and not any(seen), seen  # nothing written while the run held the folder
    assert target.exists() and Path(f"{target}.sha256").exists()


def test_an_export_elsewhere_does_not_wait(
    built: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path, config = built
    target = tmp_path / "elsewhere.ttl"
    args = ["export", "--config", str(path), "--format", "ttl", "--output", str(target)]
    order, seen = export_beside_a_run(monkeypatch, config, args, target)
    assert order == ["export", "run"] and seen == [], (order, seen)
    assert target.exists()
