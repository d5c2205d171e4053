"""A stop asked for while a re-listed profile's restatement withdraws authorships undoes that
restatement (the registry as it was before it) and ends the run ``failed: interrupted`` within
a bounded number of decisions; the next run restates the page from the start and leaves the
registry and the store as one uninterrupted run does.

The input is CONSTRUCTED (tests/constructed.py's page in the sample's layout): PAPERS papers by
the profile's researcher and the same two co-authors, then the page re-listed with its second
half dropped and its last author gone from every paper left (every paper it still lists is
decided again, after the withdrawals); arXiv is off. The same for a snapshot load whose records
are re-issued with their last author gone (twelve real lines of the Kaggle sample, changed): a
stop in its second chunk's restatement undoes that chunk's, and the next load completes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import write_config
from constructed import Listed, profile_page, snapshot_line, snapshot_lines
from registry_tables import decisions
from scholarkg import lifecycle
from scholarkg.config import Config, load_config
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from stopped_runs import run_terminated_at
from store_contents import quads

PAPERS = 300
AUTHORS = ("Jane Doe", "John Roe", "Mary Major")
DAY = dt.date(2000, 1, 1)
KEPT = PAPERS // 2  # the papers the re-listed page still lists
CHUNKS: dict[str, Any] = {"workers": 0, "chunk_records": 4}  # three chunks, in this process


def page(kept: int, authors: tuple[str, ...]) -> bytes:
    listed = [
        Listed(f"Constructed paper number {n}", DAY + dt.timedelta(days=n), authors, code="LG")
        for n in range(kept)
    ]
    return profile_page("Jane Doe", listed, code="LG")


def built_once(directory: Path) -> Path:
    """A profile of PAPERS papers built; returns the config (the page is then re-listed)."""
    directory.mkdir()
    (directory / "jane.txt").write_bytes(page(PAPERS, AUTHORS))
    config = write_config(directory, [directory / "jane.txt"])
    assert build(load_config(config)).report.outcome == "ok"
    (directory / "jane.txt").write_bytes(page(KEPT, AUTHORS[:2]))
    return config


@pytest.fixture
def stop_cleared() -> Iterator[None]:
    yield
    lifecycle.STOP.clear()


def test_a_stop_in_a_restatement_that_withdraws_undoes_it_and_a_resumed_run_completes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_cleared: None
) -> None:
    whole = built_once(tmp_path / "whole")
    assert build(load_config(whole)).report.outcome == "ok"
    config = built_once(tmp_path / "stopped")
    before = decisions(tmp_path / "stopped")
    withdraw, decide = Registry.withdraw, IdentityResolver._decide
    after_stop: list[str] = []  # the papers decided once the stop was asked for

    def stop_at_withdrawal(self: Registry, nodes: Any) -> Any:
        lifecycle.STOP.set()  # as SIGTERM's handler does
        return withdraw(self, nodes)

    def counted(self: IdentityResolver, paper: Any, *args: Any) -> None:
        if lifecycle.STOP.is_set():
            after_stop.append(paper.paper)
        decide(self, paper, *args)

    with monkeypatch.context() as patched:
        patched.setattr(Registry, "withdraw", stop_at_withdrawal)
        patched.setattr(IdentityResolver, "_decide", counted)
        stopped = build(load_config(config)).report
    assert stopped.interrupted is not None, stopped.summary_lines()
    assert stopped.outcome == "failed"
    # before: every paper the page still lists was decided after the stop (KEPT of them)
    assert after_stop == []
    # the withdrawals undone with the rest: the registry as the first run left it
    assert decisions(tmp_path / "stopped") == before
    lifecycle.STOP.clear()
    resumed = build(load_config(config)).report
    assert resumed.outcome == "ok", resumed.summary_lines()
    assert decisions(tmp_path / "stopped") == decisions(tmp_path / "whole")
    assert quads(tmp_path / "stopped") == quads(tmp_path / "whole")


def test_sigterm_in_a_restatement_that_withdraws_ends_the_run_and_keeps_the_registry_before_it(
    tmp_path: Path,
) -> None:
    config = built_once(tmp_path / "run")
    before = decisions(tmp_path / "run")
    hook = "scholarkg.identity.registry:Registry.withdraw"  # SIGTERM there (the call goes on)
    run_terminated_at(hook, config)
    # before: the restatement went on to its end, its decisions kept (half the authorships
    # withdrawn, the rest decided again)
    assert decisions(tmp_path / "run") == before


def reissued(directory: Path, fewer: bool) -> Config:
    """Twelve real snapshot lines (CONSTRUCTED: tests/constructed.py), ``fewer``: each record
    re-issued with its last author gone (one author left alone)."""
    lines = []
    for arxiv_id in list(snapshot_lines())[:12]:
        parsed = snapshot_lines()[arxiv_id]["authors_parsed"]
        authors = [f"{given} {surname}".strip() for surname, given, *_ in parsed]  # type: ignore[attr-defined]
        cut = authors[:-1] if fewer and len(authors) > 1 else authors
        lines.append(snapshot_line(arxiv_id, authors=cut))
    (directory / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(write_config(directory, []))


def test_a_stop_in_a_snapshot_chunks_restatement_undoes_that_chunk_and_a_resumed_load_completes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_cleared: None
) -> None:
    runs: dict[str, Config] = {}
    for name in ("whole", "stopped"):
        (tmp_path / name).mkdir()
        config = reissued(tmp_path / name, fewer=False)
        assert load_snapshot(config, tmp_path / name / "s.jsonl", **CHUNKS).report.outcome == "ok"
        runs[name] = reissued(tmp_path / name, fewer=True)
    whole = load_snapshot(runs["whole"], tmp_path / "whole" / "s.jsonl", **CHUNKS).report
    assert whole.outcome == "ok", whole.summary_lines()
    withdraw, decide = Registry.withdraw, IdentityResolver._decide
    withdrawals: list[int] = []
    after_stop: list[str] = []  # the papers decided once the stop was asked for

    def stop_at_fourth(self: Registry, nodes: Any) -> Any:
        withdrawals.append(len(nodes))
        if len(withdrawals) == 4:  # in the second chunk
            lifecycle.STOP.set()  # as SIGTERM's handler does
        return withdraw(self, nodes)

    def counted(self: IdentityResolver, paper: Any, *args: Any) -> None:
        if lifecycle.STOP.is_set():
            after_stop.append(paper.paper)
        decide(self, paper, *args)

    path = tmp_path / "stopped" / "s.jsonl"
    with monkeypatch.context() as patched:
        patched.setattr(Registry, "withdraw", stop_at_fourth)
        patched.setattr(IdentityResolver, "_decide", counted)
        stopped = load_snapshot(runs["stopped"], path, **CHUNKS).report
    assert stopped.interrupted is not None, stopped.summary_lines()
    assert after_stop == []  # before: the rest of the chunk's papers were decided
    lifecycle.STOP.clear()
    resumed = load_snapshot(runs["stopped"], path, **CHUNKS).report
    assert resumed.outcome == "ok", resumed.summary_lines()
    assert decisions(tmp_path / "stopped") == decisions(tmp_path / "whole")
    assert quads(tmp_path / "stopped") == quads(tmp_path / "whole")
