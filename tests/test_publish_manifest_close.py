"""A publication that fails keeps its own error when closing the store's manifest fails too
(before: ``finally: manifest.close()`` raised the close's error instead, the first one only its
context: a run's report said "Cannot operate on a closed database", not which dump was in the
way)."""

from __future__ import annotations

import importlib
import sqlite3
from pathlib import Path
from typing import ClassVar

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.load.manifest import Manifest
from scholarkg.runs.build import build

publish_module = importlib.import_module("scholarkg.publish")  # the package names its function


class ClosedUnderIt(Manifest):
    """The store's real manifest, its connection closed under it when it is closed: the
    rollback of :meth:`Manifest.close` then raises SQLite's own error."""

    raised: ClassVar[list[sqlite3.Error]] = []

    def close(self) -> None:
        self.db.close()
        try:
            super().close()
        except sqlite3.Error as exc:
            self.raised.append(exc)
            raise


def test_the_first_error_of_a_publication_wins_over_the_manifest_close_that_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    assert build(config).report.outcome == "ok"
    dump = config.exports_dir / "scholarkg.nq"
    dump.unlink()
    (dump / "inside").mkdir(parents=True)  # a folder where the dump goes: the first error
    real = publish_module.open_manifest

    def closed_under_it(config: Config) -> Manifest:
        manifest = real(config)
        manifest.__class__ = ClosedUnderIt
        return manifest

    monkeypatch.setattr(publish_module, "open_manifest", closed_under_it)
    report = build(config, [str(SECOND_PROFILE)]).report  # a new profile: publishes
    monkeypatch.undo()

    [(stage, line)] = report.failures
    assert stage == "after loading" and "\n" not in line
    assert line.startswith(f"{dump}: not published: "), line  # before: the close's error
    [closing] = ClosedUnderIt.raised  # the close did fail, after the dump
    assert isinstance(closing, sqlite3.ProgrammingError)
