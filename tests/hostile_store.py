"""A store built through the doors from hostile but legal text, for the output round-trip tests.

CONSTRUCTED: the profile page is the real sample (``examples/profiles/leonard-hussenot.txt``)
with its first paper's title, author line and abstract replaced; the snapshot lines are the
real Kaggle sample's first two, with every text field (title, abstract, comments, journal-ref,
DOI, authors and an affiliation) replaced. The text holds every quote and escape character,
markup, spreadsheet formulas, ``^^`` and ``@en``, U+2028/U+2029, a tab, non-BMP characters,
RTL marks and a long word: all of it text the doors promise to keep.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from building import build_store
from samples import ROOT, SAMPLE_PROFILE
from scholarkg.config import Config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.store.embedded import EmbeddedStore

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
HOSTILE = (
    "Q\"uo'te \\back \"\"\" ''' <a> & &amp; {x} `tick` \U0001f600 \U0001d400 \u200fRTL\u200e "
    '=cmd|\' /C calc\'!A0 <script>alert(1)</script> "x"^^<http://e/> "y"@en \\u0041 ' + "W" * 300
)
TITLE = "Title " + HOSTILE
# a title is stored without the bidi marks no reader sees (identity/invisible.py), the rest as is
STORED_TITLE = TITLE.replace("\u200f", "").replace("\u200e", "")
PROFILE_TITLE = "Profile " + HOSTILE
PROFILE_ABSTRACT = "Abstract\twith a tab\u2028a line separator\u2029and " + HOSTILE
AUTHOR = "Ann O'Br\"ien <b>x</b>"
AFFILIATION = 'Aff <script>x</script> & "Q" =1+1 \U0001f600'
DOI = '10.1000/a<b>"c{d}|e^f`g\\h#i?j%k'  # SICI-style DOIs hold <, > and #
FIRST_TITLE = "Gemma 2: Improving Open Language Models at a Practical Size"
FIRST_AUTHORS = "Gemma Team, Morgane Riviere, Shreya Pathak et al. · deepmind"
FIRST_ABSTRACT_START = "In this work, we introduce Gemma 2"


def _snapshot(path: Path) -> Path:
    first, second = SNAPSHOT.read_text(encoding="utf-8").splitlines()[:2]
    data = json.loads(first)
    data.update(
        title=TITLE,
        abstract="Abstract " + HOSTILE,
        comments="+Comment " + HOSTILE,
        doi=DOI,
        authors=f"{AUTHOR} and @Louis Theran",
        authors_parsed=[["O'Br\"ien <b>x</b>", "Ann", ""], ["Theran", "@Louis", "", AFFILIATION]],
    )
    data["journal-ref"] = "-J. Ref " + HOSTILE
    path.write_text(json.dumps(data) + "\n" + second + "\n", encoding="utf-8")
    return path


def _profile(path: Path) -> Path:
    page = SAMPLE_PROFILE.read_text(encoding="utf-8")
    start = page.index(FIRST_ABSTRACT_START)
    end = page.index("\n", start)
    page = page[:start] + PROFILE_ABSTRACT + page[end:]
    page = page.replace(FIRST_TITLE, PROFILE_TITLE, 1)
    page = page.replace(FIRST_AUTHORS, f'{AUTHOR}, =SUM(A1) et al. · <org>&"inria"</org>', 1)
    path.write_text(page, encoding="utf-8")
    return path


def build_hostile_store(directory: Path) -> Config:
    """The profile built, then the snapshot loaded, into one store under ``directory``."""
    config, report = build_store(directory, [_profile(directory / "page.txt")])
    assert report.dead == [] and report.quarantined == []
    context = load_snapshot(config, _snapshot(directory / "snapshot.jsonl"), workers=0)
    assert context.report.dead == [] and context.report.quarantined == []
    return config


def store_quads(config: Config) -> list[ox.Quad]:
    """Every quad of the store, read with SPARQL."""
    with EmbeddedStore(config.store.path, read_only=True) as store:
        rows = store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        assert isinstance(rows, ox.QuerySolutions)
        return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
