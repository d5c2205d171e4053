"""A graph the gate rejects is kept in a folder whose name stays short whatever its IRI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from building import build_store
from constructed import Listed, profile_page
from scholarkg.identity.names import name_key
from scholarkg.iris import Minter
from scholarkg.runs import gating
from scholarkg.validate import Finding

NAME = "Александра Владимировна Преображенская"  # 6 percent-encoded bytes a letter in an IRI
NAME_MAX = 255  # bytes in one file name (ext4, APFS, NTFS …)


def folder_names(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "graphs").iterdir())


def test_long_iris_and_iris_alike_in_their_first_characters_get_short_distinct_folders(
    tmp_path: Path,
) -> None:
    minter = Minter()
    long_iri = str(minter.snapshot_graph(f"{name_key(NAME)}-0a1b2c3d", "ab" * 32))
    assert len(long_iri.encode()) > NAME_MAX
    base = "https://w3id.org/scholarkg/id/graph/profile/" + "a" * 70
    alike = [base + "-one", base + "-two"]
    for iri in [long_iri, *alike]:
        gating.quarantine_graph(tmp_path, iri, [("<a:s>", "<a:p>", "<a:o>")], [], "a source")
    names = folder_names(tmp_path)
    assert len(names) == 3 and all(len(n.encode()) < NAME_MAX for n in names)
    kept = {
        json.loads((tmp_path / "graphs" / n / "findings.json").read_text("utf-8"))["graph"]
        for n in names
    }
    assert kept == {long_iri, *alike}  # findings.json names the full IRI
    again = gating.quarantine_graph(tmp_path, alike[0], [], [], None)
    assert again.parent == tmp_path / "graphs" and len(folder_names(tmp_path)) == 3


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
    folders = list((config.quarantine_dir / "graphs").iterdir())
    assert len(folders) == len(report.rejected)
    assert all(len(f.name.encode()) < NAME_MAX for f in folders)
    kept = {json.loads((f / "findings.json").read_text("utf-8"))["graph"]: f for f in folders}
    assert set(kept) == set(report.rejected)  # findings.json names the full IRI
    assert json.loads((kept[snapshot[0]] / "findings.json").read_text("utf-8"))["source"] == str(
        page
    )
    assert (kept[snapshot[0]] / "graph.nt").read_text("utf-8")
    assert report.outcome == "partial" and report.papers == 1
