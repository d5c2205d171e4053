"""Real texts from the arXiv fixtures (titles, author lists) to check rewritten rules against."""

from __future__ import annotations

import json
import re
from html import unescape

from samples import ROOT

ARXIV = ROOT / "tests" / "fixtures" / "arxiv"
_ELEMENT = r"<(?:\w+:)?{0}\b[^>]*>(.*?)</(?:\w+:)?{0}>"


def _elements(name: str) -> list[str]:
    found = []
    pattern = re.compile(_ELEMENT.format(name), re.DOTALL)
    for path in sorted(ARXIV.rglob("*.xml")):
        found += [unescape(t) for t in pattern.findall(path.read_text(encoding="utf-8"))]
    return found


def _snapshot(field: str) -> list[str]:
    lines = (ARXIV / "kaggle" / "snapshot_sample_100.jsonl").read_text(encoding="utf-8")
    return [str(json.loads(line)[field]) for line in lines.splitlines()]


def titles() -> list[str]:
    """Every title the fixtures hold (Atom, OAI-PMH, the snapshot sample) and every line of
    the profile fixtures (titles as profiles list them), as written."""
    profiles = ROOT / "tests" / "fixtures" / "profiles"
    lines = [line for p in sorted(profiles.glob("*.txt")) for line in p.read_text().splitlines()]
    return sorted(set(_elements("title") + _snapshot("title") + lines))


def author_strings() -> list[str]:
    """Every free-text author list and name the fixtures hold, as written."""
    found = _elements("authors") + _elements("name") + _elements("creator")
    return sorted(set(found + _snapshot("authors")))
