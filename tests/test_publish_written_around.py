"""An update noted by ``serve --allow-updates`` while a publication re-reads the store (a
SPARQL server, which a run and the server share) is left for the next publication: the mark
is removed only when no update was noted since the publication read it."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.load.manifest import store_state_dir
from scholarkg.load.written_around import MARK, mark_written_around, written_around
from scholarkg.runs.build import build

publish = importlib.import_module(
    "scholarkg.publish"
)  # the module (the package names the function)


def test_an_update_noted_during_the_reread_is_kept_for_the_next_publication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    build(config)
    state = store_state_dir(config)
    mark_written_around(state)  # an update before the run
    os.utime(state / MARK, ns=(1, 1))  # noted long ago: a later touch is another time
    reread = publish.reread

    def updated_meanwhile(*args: Any, **kwargs: Any) -> set[int]:
        changed = reread(*args, **kwargs)
        mark_written_around(state)  # the server notes another update, past the graphs read
        return changed

    monkeypatch.setattr(publish, "reread", updated_meanwhile)
    assert build(config).report.published  # it publishes what it read
    # before: the mark was removed, and the second update never published
    assert written_around(state)
    monkeypatch.undo()
    assert build(config).report.published  # the next run reads it
    assert not written_around(state)
    assert build(config).report.published == []  # once
