"""The bench report's lines reported beside the aims but not judged: the identity decisions'
share (pipeline / naive persons - 1, CPU) from ``identity_cost.py`` or the ingest part."""

from __future__ import annotations

import sys

import pytest

from samples import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import report


def _split(low: float, middle: float) -> dict[str, object]:
    return {"share_cpu": {"min": low, "median": middle}, "share_wall": {"min": 9.0, "median": 9.0}}


def test_decisions_share_is_reported_from_identity_cost_before_the_ingest_split(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ingest = [{"n": 1_000}, {"n": 10_000, "pipeline_vs_naive_persons": _split(0.25, 0.35)}]
    cost = {"n": 5_000, "decisions": _split(0.2, 0.3)}
    assert report.reported({"ingest": ingest, "identity_cost": cost}) == {
        report.REPORTED: {"n": 5_000, "min": 0.2, "median": 0.3}
    }
    lines = report.reported({"ingest": ingest})
    assert lines == {report.REPORTED: {"n": 10_000, "min": 0.25, "median": 0.35}}
    report.print_reported(lines)
    out = capsys.readouterr().out
    assert "min 0.25, median 0.35 at N=10,000 (reported, not judged)" in out


def test_decisions_share_is_not_measured_without_the_naive_persons_split(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = report.reported({"ingest": [{"n": 10_000}]})
    assert lines == report.reported({}) == {report.REPORTED: None}
    report.print_reported(lines)
    assert "not measured (reported, not judged)" in capsys.readouterr().out
    # the aims stay as they were: the identity aim is judged on the whole step only
    assert report.REPORTED not in report.aims({})
