"""Paths to the sample data the tests use (all inside the repository)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PROFILE = ROOT / "examples" / "profiles" / "leonard-hussenot.txt"
SECOND_PROFILE = ROOT / "tests" / "fixtures" / "profiles" / "robert-dadashi.txt"
