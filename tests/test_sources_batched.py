"""A run writes ``data/state/sources.json`` once after loading, for all the pages it built
(before: the whole file once per page, 3 000 writes for 3 000 pages). A run SIGKILLed before
that write leaves the file as it was: the next run builds those pages again and the store
holds the same graphs."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from building import build_store, content, rebuild
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg import files, incremental
from scholarkg.config import load_config

THIRD_PROFILE = SECOND_PROFILE.with_name("arnaud-gotlieb.txt")
PAGES = [SAMPLE_PROFILE, SECOND_PROFILE, THIRD_PROFILE]
# a run whose write of the sources' states is its end (SIGKILL): after the store took the graphs
KILLED_AT_THE_WRITE = """
import os, signal, sys
from scholarkg import incremental
from scholarkg.config import load_config
from scholarkg.runs.build import build
incremental.SourceStates.put = lambda self, states: os.kill(os.getpid(), signal.SIGKILL)
build(load_config(sys.argv[1]))
"""


def written(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the versions of ``sources.json`` written."""
    sizes: list[int] = []

    def counted(path: Path, data: bytes, *args: object, **kwargs: object) -> None:
        if path.name == "sources.json":
            sizes.append(len(data))
        files.write_atomic(path, data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental, "write_atomic", counted)
    return sizes


def test_a_run_writes_the_states_of_the_pages_it_built_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = written(monkeypatch)
    config, report = build_store(tmp_path, PAGES)
    assert report.outcome == "ok", report.summary_lines()
    assert len(report.sources_built) == 3
    path = config.state_dir / "sources.json"
    assert sorted(json.loads(path.read_text(encoding="utf-8"))) == sorted(map(str, PAGES))
    assert sizes == [path.stat().st_size]  # before: 3 writes, growing
    again = rebuild(config)
    assert sorted(again.sources_unchanged) == sorted(map(str, PAGES))
    assert len(sizes) == 1  # nothing built: nothing written


def test_a_run_killed_before_the_write_leaves_the_pages_to_build_again(tmp_path: Path) -> None:
    config, report = build_store(tmp_path, PAGES[:1])
    assert report.outcome == "ok", report.summary_lines()
    path = config.state_dir / "sources.json"
    before = path.read_bytes()
    config_file = tmp_path / "scholarkg.toml"
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace(
            f'sources = ["{PAGES[0]}"]', "sources = [" + ", ".join(f'"{p}"' for p in PAGES) + "]"
        ),
        encoding="utf-8",
    )
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AT_THE_WRITE, str(config_file)],
        capture_output=True,
        timeout=600,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert path.read_bytes() == before  # the old file, whole
    config = load_config(config_file)
    held = content(config)  # the killed run loaded the two new pages
    after = rebuild(config)
    assert after.outcome == "ok", after.summary_lines()
    assert after.sources_unchanged == [str(PAGES[0])]
    assert sorted(after.sources_built) == sorted(map(str, PAGES[1:]))  # built again
    assert content(config) == held
    assert sorted(json.loads(path.read_text(encoding="utf-8"))) == sorted(map(str, PAGES))
