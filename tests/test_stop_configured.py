"""A stop asked for while the identity step names new persons (slug settling) or applies
``[people.split]`` / ``[people.merge]`` ends it there, undoing what that part had written (before:
both ran to their end, a stop seen only at the first person-graph batch), and the next run
leaves the registry and the store as one uninterrupted run does.

Input: the first twelve real Kaggle lines (tests/constructed.py), chunks of four, in this
process; two merges and one split of their authorships by position. SIGTERM itself is sent at
the first configured merge in a ``load-snapshot`` process (tests/helpers/killed_at.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from building import content
from conftest import write_config
from constructed import snapshot_line, snapshot_lines
from killed_snapshot import BOUND, KILLED_AT
from registry_tables import decisions
from scholarkg import lifecycle
from scholarkg.config import Config, load_config
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.runs.arxiv_snapshot import load_snapshot

CHUNKS: dict[str, Any] = {"workers": 0, "chunk_records": 4}
OVERRIDES = {
    "people.merge": {"0704.0002#1": "0704.0003#1", "0704.0004#1": "0704.0005#1"},
    "people.split": {"0704.0013#1": "dohoon-choi-b"},
}
OWNERS: dict[str, type] = {"IdentityResolver": IdentityResolver, "Registry": Registry}


def made(directory: Path) -> Config:
    directory.mkdir()
    lines = [snapshot_line(arxiv_id) for arxiv_id in list(snapshot_lines())[:12]]
    (directory / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(write_config(directory, [], **OVERRIDES))


def loaded(config: Config, directory: Path) -> None:
    report = load_snapshot(config, directory / "s.jsonl", **CHUNKS).report
    assert report.outcome == "ok", report.summary_lines()
    assert not report.config_errors


@pytest.fixture
def whole(tmp_path: Path) -> Path:
    loaded(made(tmp_path / "whole"), tmp_path / "whole")
    return tmp_path / "whole"


@pytest.fixture
def stop_cleared() -> Iterator[None]:
    yield
    lifecycle.STOP.clear()


def resumed_as_whole(config: Config, directory: Path, whole: Path) -> None:
    """The next run completes the stopped one: the registry and the data graphs (but the
    provenance each states about itself) as one uninterrupted run leaves them."""
    loaded(config, directory)
    assert decisions(directory) == decisions(whole)
    assert content(config) == content(load_config(whole / "scholarkg.toml"))


def stopped_then_resumed(
    directory: Path, whole: Path, patched: pytest.MonkeyPatch, patches: dict[str, Any]
) -> None:
    config = made(directory)
    with patched.context() as patching:
        for name, replacement in patches.items():
            owner, _, attribute = name.partition(".")
            patching.setattr(OWNERS[owner], attribute, replacement)
        report = load_snapshot(config, directory / "s.jsonl", **CHUNKS).report
    assert report.interrupted is not None, report.summary_lines()
    assert report.outcome == "failed"
    lifecycle.STOP.clear()
    resumed_as_whole(config, directory, whole)


def test_a_stop_in_a_configured_merge_undoes_the_overrides_and_the_next_run_applies_them(
    tmp_path: Path, whole: Path, monkeypatch: pytest.MonkeyPatch, stop_cleared: None
) -> None:
    merge = IdentityResolver._merge
    after_stop: list[tuple[Any, ...]] = []  # configured merges made once the stop was asked for

    def stop_at_first(self: IdentityResolver, *args: Any) -> int:
        if args[2] == "config-merge":
            if lifecycle.STOP.is_set():
                after_stop.append(args)
            lifecycle.STOP.set()  # as SIGTERM's handler does
        return merge(self, *args)

    patches = {"IdentityResolver._merge": stop_at_first}
    stopped_then_resumed(tmp_path / "stopped", whole, monkeypatch, patches)
    assert after_stop == []  # before: the second merge was made after the stop


def test_a_stop_in_slug_settling_undoes_its_renames_and_the_next_run_makes_them(
    tmp_path: Path, whole: Path, monkeypatch: pytest.MonkeyPatch, stop_cleared: None
) -> None:
    settle, take = Registry.settle_slugs, Registry._take_slug
    after_stop: list[tuple[Any, ...]] = []  # renames made once the stop was asked for

    def stop_first(self: Registry, **kwargs: Any) -> dict[str, str]:
        lifecycle.STOP.set()  # as SIGTERM's handler does, as the settling begins
        return settle(self, **kwargs)

    def counted(self: Registry, *args: Any) -> None:
        if lifecycle.STOP.is_set():
            after_stop.append(args)
        take(self, *args)

    patches = {"Registry.settle_slugs": stop_first, "Registry._take_slug": counted}
    stopped_then_resumed(tmp_path / "stopped", whole, monkeypatch, patches)
    assert after_stop == []  # before: every new person was renamed after the stop


def test_sigterm_at_a_configured_merge_ends_the_run_and_the_next_completes_it(
    tmp_path: Path, whole: Path
) -> None:
    directory = tmp_path / "stopped"
    config = made(directory)
    hook = "scholarkg.identity.resolver:IdentityResolver._merge:config-merge"
    stopped = subprocess.run(
        [sys.executable, str(KILLED_AT), hook, "arxiv", "load-snapshot",
         str(directory / "s.jsonl"), "--batch-size", "4",
         "--config", str(directory / "scholarkg.toml")],
        capture_output=True, text=True, timeout=BOUND, env={**os.environ, "KILLED_BY": "TERM"},
    )  # fmt: skip
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stdout + stopped.stderr
    assert "failed: interrupted" in stopped.stdout, stopped.stdout
    assert "Traceback" not in stopped.stderr + stopped.stdout, stopped.stderr
    resumed_as_whole(config, directory, whole)
