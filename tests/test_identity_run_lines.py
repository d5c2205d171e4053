"""A run's identity conflicts and events are kept in the registry as they are found, not in the
main process: what it holds of them is a page while the report reads them back, however many
the input gives (before: two lists kept whole across the run, growing with it).

The scenario is test_ambiguous_initials.py's, once per surname: ``D. Ritter`` beside a
co-author of both ``Debashish Ritter`` and ``Damian C. Ritter`` joins neither and is reported
as a conflict. Names and records are CONSTRUCTED.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import write_config
from constructed import snapshot_line
from paper_mentions import listed_paper
from scholarkg.config import load_config
from scholarkg.identity import run_lines
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.state_paths import registry_path

SURNAMES = [("Ritter", "V. N. White"), ("Walker", "Q. R. Black"), ("Mason", "J. K. Green")]
PAGE = 2  # fewer than the conflicts: the lines are read back in several pages


def _reads(db: sqlite3.Connection, statements: list[str]) -> None:
    db.set_trace_callback(statements.append)


def _page_reads(statements: list[str]) -> int:
    pages = [s for s in statements if "SELECT seq, line FROM run_lines" in s]
    assert all(s.endswith(f"LIMIT {PAGE}") for s in pages)
    return len(pages)


def test_conflicts_are_rows_of_the_registry_read_a_page_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_lines, "PAGE", PAGE)
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    for n, (surname, coauthor) in enumerate(SURNAMES):
        resolver.add(listed_paper(f"2101.0{n}001", f"Debashish {surname}", coauthor))
        resolver.add(listed_paper(f"2101.0{n}002", f"Damian C. {surname}", coauthor))
        resolver.add(listed_paper(f"2101.0{n}003", f"D. {surname}", coauthor))
    reg.commit()
    # on disk, in the registry's file: another connection reads them
    other = sqlite3.connect(tmp_path / "identity.sqlite")
    rows = other.execute("SELECT kind, line FROM run_lines ORDER BY seq").fetchall()
    assert [kind for kind, _ in rows] == ["conflict"] * len(SURNAMES)
    assert [line.split(" at ")[0] for _, line in rows] == [f"'D. {s}'" for s, _ in SURNAMES]
    statements: list[str] = []
    _reads(reg.db, statements)
    assert list(resolver.conflicts) == [line for _, line in rows]
    assert _page_reads(statements) == 2  # two lines, then one: a page at a time
    assert len(resolver.conflicts) == len(SURNAMES) and resolver.events == []
    # a resolver of the next run starts with none (a run killed before its report left them)
    assert IdentityResolver(reg).conflicts == []


def test_a_run_reports_its_conflicts_from_the_registry_and_clears_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_lines, "PAGE", PAGE)
    store = tmp_path / "store"
    store.mkdir()
    config = load_config(write_config(store, []))
    lines = [
        snapshot_line("0704.0002", new_id=f"9003.0{n}00{k}", authors=[author, coauthor])
        for n, (surname, coauthor) in enumerate(SURNAMES)
        for k, author in enumerate(
            (f"Debashish {surname}", f"Damian C. {surname}", f"D. {surname}")
        )
    ]
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_snapshot(config, snapshot, workers=0).report
    assert report.outcome == "ok"
    assert [c.split(" at ")[0] for c in report.identity_conflicts] == [
        f"'D. {s}'" for s, _ in SURNAMES
    ]
    db = sqlite3.connect(registry_path(config))
    assert db.execute("SELECT COUNT(*) FROM run_lines").fetchone() == (0,)  # reported, gone
