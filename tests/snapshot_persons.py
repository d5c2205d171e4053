"""Snapshot papers loaded into a store of their own and the persons their authors became: what
the fold, name-rule and spelling tests (test_fold_letters_build.py, test_name_review.py,
test_name_spellings_build.py and those beside them) write, load and read. Inputs are
CONSTRUCTED (tests/constructed.py): the real snapshot line of 0704.0002 under new ids and
authors."""

from __future__ import annotations

from pathlib import Path

from building import rows
from conftest import write_config
from constructed import snapshot_line
from one_author import MINTER, P, authorships
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot


def snapshot_of(tmp_path: Path, *papers: tuple[str, list[str]]) -> Path:
    """A snapshot file in ``tmp_path`` with a line per ``(arxiv id, authors)`` paper."""
    path = tmp_path / f"s{len(papers)}-{papers[0][0]}.jsonl"
    lines = [snapshot_line("0704.0002", new_id=i, authors=a) for i, a in papers]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def store_config(directory: Path) -> Config:
    """The config of a store in ``directory`` (made if missing) with no profile pages."""
    directory.mkdir(parents=True, exist_ok=True)
    return load_config(write_config(directory, []))


def author_at(config: Config, arxiv_id: str, position: int) -> str:
    """The one person given the authorship at ``position`` of the paper."""
    [person] = authorships(config, arxiv_id)[str(position)]
    return person


def identity_events(config: Config, path: Path) -> list[str]:
    """Load the snapshot at ``path`` (it must load ``ok``): the identity events it reported."""
    report = load_snapshot(config, path, workers=0).report
    assert report.outcome == "ok"
    return report.identity_events


def partition(config: Config, papers: tuple[tuple[str, list[str]], ...]) -> set[frozenset[str]]:
    """The authorships of ``papers`` (``<id>#<position>``) grouped by the person given them."""
    held: dict[str, set[str]] = {}
    for arxiv_id, authors in papers:
        for position in range(1, len(authors) + 1):
            who = author_at(config, arxiv_id, position)
            held.setdefault(who, set()).add(f"{arxiv_id}#{position}")
    return {frozenset(nodes) for nodes in held.values()}


def load_papers(tmp_path: Path, *papers: list[str]) -> tuple[Config, list[str]]:
    """The papers (author lists) as snapshot lines 9003.00031, …, loaded into a new store in
    ``tmp_path``: its config, and the run's identity conflicts."""
    store = tmp_path / "store"
    store.mkdir()
    config = load_config(write_config(store, []))
    lines = [
        snapshot_line("0704.0002", new_id=f"9003.{31 + i:05d}", authors=authors)
        for i, authors in enumerate(papers)
    ]
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_snapshot(config, snapshot, workers=0).report
    assert report.outcome == "ok"
    return config, list(report.identity_conflicts)


def store_with(tmp_path: Path, *papers: list[str]) -> Config:
    """:func:`load_papers`' store."""
    return load_papers(tmp_path, *papers)[0]


def rule_of(config: Config, arxiv_id: str, position: int) -> str:
    """The identity rule that gave the authorship at ``position`` of the paper its person."""
    iri = MINTER.authorship(MINTER.paper_by_arxiv(arxiv_id), position)
    [rule] = rows(config, P + f"SELECT ?r WHERE {{ <{iri}> skg:identityRule ?r }}")
    return str(rule["r"])
