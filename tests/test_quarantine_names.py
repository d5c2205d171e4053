"""A graph the gate rejects is kept whatever its IRI: no file name is made of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from building import build_store
from constructed import Listed, profile_page
from scholarkg.identity.names import name_key
from scholarkg.iris import Minter
from scholarkg.quarantine_graphs import quarantine_graph, read_rejected
from scholarkg.runs import gating
from scholarkg.validate import Finding

NAME = "Александра Владимировна Преображенская"  # 6 percent-encoded bytes a letter in an IRI
NAME_MAX = 255  # bytes in one file name (ext4, APFS, NTFS …)


def test_long_iris_and_iris_alike_in_their_first_characters_are_kept_whole_and_apart(
    tmp_path: Path,
) -> None:
    """A rejected graph is a line of its run's file: no file is named after its IRI."""
    minter = Minter()
    long_iri = str(minter.snapshot_graph(f"{name_key(NAME)}-0a1b2c3d", "ab" * 32))
    assert len(long_iri.encode()) > NAME_MAX
    base = "https://w3id.org/scholarkg/id/graph/profile/" + "a" * 70
    alike = [base + "-one", base + "-two"]
    for iri in [long_iri, *alike]:
        quarantine_graph(tmp_path, "run", iri, [("<a:s>", "<a:p>", "<a:o>")], [], "a source")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 1 and all(len(p.name.encode()) < NAME_MAX for p in files)
    assert [g.graph for g in read_rejected(tmp_path).graphs] == [long_iri, *alike]


def test_a_run_quarantines_the_graph_of_a_long_cyrillic_name_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The graphs about the profile's snapshot (its IRI holds the name, percent-encoded) have a
    violation: they are quarantined rather than the run failing on a name too long to write."""
    page = tmp_path / "page.txt"
    page.write_bytes(profile_page(NAME, [Listed("A Paper", dt.date(2021, 3, 7), (NAME,))]))
    check = gating.check

    def with_a_violation(triples: object) -> tuple[Finding, ...]:
        found = check(triples)  # type: ignore[arg-type]
        snapshots = [s for s, _, _ in triples if "/snapshot/" in s]  # type: ignore[attr-defined]
        if not snapshots:
            return found
        bad = Finding("Violation", snapshots[0][1:-1], None, "constructed", "urn:x:shape")
        return (*found, bad)

    monkeypatch.setattr(gating, "check", with_a_violation)
    config, report = build_store(tmp_path, [page])
    snapshot = [iri for iri in report.rejected if "/snapshot/" in iri]
    assert snapshot and len(snapshot[0].encode()) > NAME_MAX
    rejected = read_rejected(config.quarantine_dir)
    kept = {g.graph: g for g in rejected.graphs}
    assert set(kept) == set(report.rejected) and rejected.notes == []
    assert kept[snapshot[0]].source == str(page) and kept[snapshot[0]].ntriples
    assert report.outcome == "partial" and report.papers == 1


def test_person_graphs_the_gate_rejects_are_kept_in_the_runs_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The identity step's rejected person graphs go where every rejected graph goes: the
    run's graphs file, each with its findings, all of them read back."""
    page = tmp_path / "page.txt"
    authors = (NAME, "Jane Doe", "John Roe")
    page.write_bytes(profile_page(NAME, [Listed("A Paper", dt.date(2021, 3, 7), authors)]))
    check = gating.check

    def with_a_violation(triples: object) -> tuple[Finding, ...]:
        found = check(triples)  # type: ignore[arg-type]
        people = {s for s, _, _ in triples if "/person/" in s}  # type: ignore[attr-defined]
        bad = [Finding("Violation", s[1:-1], None, "constructed", "urn:x:s") for s in people]
        return (*found, *bad)

    monkeypatch.setattr(gating, "check", with_a_violation)
    config, report = build_store(tmp_path, [page])
    persons = [iri for iri in report.rejected if "/person/" in iri]
    assert len(persons) == len(authors)
    rejected = read_rejected(config.quarantine_dir)
    assert sorted(g.graph for g in rejected.graphs) == sorted(report.rejected)
    assert all(g.findings for g in rejected.graphs) and rejected.notes == []
    assert len(list(config.quarantine_dir.glob("graphs/*/*"))) == 1
