"""``scholarkg export --output PATH`` into the store's directory, its checkpoints or the data
directory's state is refused, nothing written: a dump there replaced the store's own files.

Measured before: ``scholarkg export --output data/store/CURRENT`` wrote the N-Quads dump over
RocksDB's ``CURRENT`` (exit 0, ``wrote data/store/CURRENT (3841 quads…)``), and the next
``scholarkg run`` failed; ``--output data/store/identity.sqlite`` replaced the identity
registry (``error: the build_kg flow run ended Failed: file is not a database``);
``--output data/state/sources.json`` replaced the state of the sources loaded.

The store is built here by the library's build job from the sample profile.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from building import build_store, rows
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.config import Config
from scholarkg.store.served import served_dir


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def built(tmp_path: Path) -> Config:
    config, report = build_store(tmp_path, [SAMPLE_PROFILE])
    assert report.outcome == "ok", report.summary_lines()
    return config


@pytest.mark.parametrize(
    ("where", "what"),
    [
        (lambda c: c.store.path / "CURRENT", "the store's directory"),
        (lambda c: c.store.path / "identity.sqlite", "the store's directory"),
        (lambda c: c.store.path / "more" / "dump.nq", "the store's directory"),
        (lambda c: c.store.path, "the store's directory"),
        (lambda c: served_dir(c.store.path) / "dump.nq", "the store's checkpoints"),
        (lambda c: c.state_dir / "sources.json", "the data directory's state"),
    ],
)
@pytest.mark.parametrize("fmt", ["nq", "ttl"])
def test_an_export_among_the_files_scholarkg_keeps_is_refused(
    built: Config,
    tmp_path: Path,
    where: object,
    what: str,
    fmt: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert callable(where)
    target: Path = where(built)
    before = tree(tmp_path)
    config = str(tmp_path / "scholarkg.toml")
    assert main(["export", "--config", config, "--format", fmt, "--output", str(target)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: {target}: not written: it lies in {what} ("), err
    assert err.count("\n") == 1
    assert tree(tmp_path) == before  # nothing written, nothing replaced
    assert int(rows(built, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]) > 0


def test_the_store_reached_through_a_relative_path_is_refused_too(
    built: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = str(tmp_path / "scholarkg.toml")
    before = tree(tmp_path)
    assert main(["export", "--config", config, "--output", "data/../store/./CURRENT"]) == 1
    assert tree(tmp_path) == before


def test_an_export_beside_them_is_written(
    built: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(tmp_path / "scholarkg.toml")
    for target in (tmp_path / "store-dump.nq", built.data_dir / "mine.nq"):
        assert main(["export", "--config", config, "--output", str(target)]) == 0
        assert target.stat().st_size > 0 and Path(f"{target}.sha256").exists()
    assert "wrote" in capsys.readouterr().out
