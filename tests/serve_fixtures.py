"""The constructed v2-model store (tests/fixtures/serve/v2-sample.trig) on disk, for server and
saved-query tests that must not depend on the pipeline's output."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

FIXTURE = Path(__file__).parent / "fixtures" / "serve" / "v2-sample.trig"
BASE = "https://w3id.org/scholarkg/id/"
LEONARD = BASE + "person/leonard-hussenot"
RETIRED = BASE + "person/l-hussenot"
DADASHI = BASE + "person/robert-dadashi"
PAPER = BASE + "paper/arxiv/2104.12255"
GEMMA = BASE + "paper/listed/0a1b2c3d4e5f6071"
HOSTILE = BASE + "paper/arxiv/9999.00001"
JANE = BASE + "person/jane-roe"
DEEPMIND = BASE + "organization/deepmind"
GROUP = BASE + "group/gemma-team"
CS_LG = "https://w3id.org/scholarkg/category/cs.LG"


def build_v2_store(path: Path, extra_trig: str = "") -> Path:
    """Write the fixture (plus ``extra_trig``) into a new on-disk store at ``path``."""
    store = ox.Store(str(path))
    store.load(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG)
    if extra_trig:
        store.load(extra_trig.encode("utf-8"), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    return path
