"""A graph's SHACL report in the store (``<graph>/shacl-report``) is a SHACL validation report
as the spec writes one: every ``sh:ValidationResult`` names exactly one
``sh:sourceConstraintComponent`` (it named none, so integrators could not tell a missing value
from a wrong one, and a skipped chunk's findings could not be read back whole).

Inputs are real snapshot lines (tests/constructed.py ``snapshot_line``) with one field changed:
no abstract (an info), a DOI whose registrant is too short (a warning)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from constructed import snapshot_line
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot

RESULTS = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?result ?severity (COUNT(?component) AS ?components) (SAMPLE(?component) AS ?c)
WHERE { ?result a sh:ValidationResult ; sh:resultSeverity ?severity .
        OPTIONAL { ?result sh:sourceConstraintComponent ?component } }
GROUP BY ?result ?severity
"""


def changed(arxiv_id: str, **fields: str) -> str:
    data = json.loads(snapshot_line(arxiv_id))
    data.update(fields)
    return json.dumps(data)


@pytest.mark.parametrize("workers", [0, 2])
def test_every_result_names_its_constraint_component(tmp_path: Path, workers: int) -> None:
    path = tmp_path / "snapshot.jsonl"
    lines = [changed("0704.0003", abstract=""), changed("0704.0004", doi="10.12/abc")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config(write_config(tmp_path, []))
    report = load_snapshot(config, path, workers=workers).report
    assert report.severity_counts() == {"Warning": 1, "Info": 1}
    found = rows(config, RESULTS)
    assert len(found) == 2
    assert all(r["components"] == "1" for r in found), found
    told = {f["component"] for f in report.findings}
    assert {r["c"] for r in found} == told and all(
        c and c.startswith("http://www.w3.org/ns/shacl#") and c.endswith("ConstraintComponent")
        for c in told
    )
