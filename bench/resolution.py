"""Resolution of profile papers to arXiv (issue 10): requests, precision/recall, local rate.

* ``resolution-quality``: the labelled set (:mod:`resolution_set`) as profile pages of at most
  25 papers, each page built by ``scholarkg.runs.build.build`` in its own new store against the
  loopback replay server of ``tests/arxiv_replay.py`` (recorded arXiv answers). Requests are
  counted on the server per page; each paper's outcome is read from the store (its
  ``skg:Resolution``). Precision = right ids / papers resolved; recall = right ids / papers
  that should resolve (exact and near-miss).
* ``resolution-local``: profile pages listing records of a loaded snapshot store (titles, v1
  dates, first authors as the snapshot has them), resolved with arXiv off — the store's title
  index only, no request — timed over ``resolve_papers`` (profile papers per second).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import resolution_set
from constructed import Listed, profile_page  # tests/constructed.py
from ingest_steps import config_for
from measure import clocks
from scholarkg.extract.profile_page import parse_profile
from scholarkg.iris import title_key
from scholarkg.runs.build import build
from scholarkg.runs.profile_sources import resolve_papers
from scholarkg.store.embedded import EmbeddedStore

REPLAY = '[arxiv]\nenabled = true\napi_url = "{url}"\nmin_interval = 0.01\n'
REPLAY += "[http]\nmin_interval = 0.0\nmax_retries = 1\nbackoff_base = 0.01\n"
OUTCOMES = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
SELECT ?title ?state ?id WHERE {
  ?r a skg:Resolution ; skg:titleAsListed ?title ; skg:resolutionState ?state ;
     skg:resolvedPaper ?p .
  OPTIONAL { ?p skg:arxivId ?id }
}"""


def outcomes(store_dir: Path) -> dict[str, str | None]:
    """Folded listed title → the arXiv id it resolved to (None: not resolved)."""
    found: dict[str, str | None] = {}
    with EmbeddedStore(store_dir, read_only=True) as store:
        result = store.query(OUTCOMES)
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            state, ident = str(row["state"].value), row["id"]
            resolved = state in ("resolved", "overridden") and ident is not None
            found[title_key(str(row["title"].value))] = str(ident.value) if resolved else None
    return found


def quality(params: dict[str, Any]) -> dict[str, Any]:
    from arxiv_replay import ReplayServer  # tests/arxiv_replay.py

    work = Path(params["work"])
    shutil.rmtree(work, ignore_errors=True)
    cases = resolution_set.build()
    server = ReplayServer(assemble=True).start()
    runs: list[dict[str, Any]] = []
    answers: list[tuple[resolution_set.Case, str | None]] = []
    try:
        for kind, pages in resolution_set.pages(cases).items():
            for number, page in enumerate(pages):
                before = len(server.requests_to("/api/query"))
                run = work / f"{kind}-{number}"
                profile = run / "profile.txt"
                run.mkdir(parents=True)
                profile.write_bytes(profile_page("Quinn Tester", [c.paper for c in page]))
                config = config_for(
                    run, profiles=(profile,), sections=REPLAY.format(url=server.api_url)
                )
                with clocks() as measured:
                    report = build(config).report
                runs.append(
                    {
                        "kind": kind,
                        "papers": len(page),
                        "requests": len(server.requests_to("/api/query")) - before,
                        "states": dict(report.paper_states),
                        "wall_s": round(measured.wall, 3),
                    }
                )
                got = outcomes(Path(config.store.path))
                answers += [(c, got.get(title_key(c.paper.title))) for c in page]
    finally:
        server.stop()
    shutil.rmtree(work, ignore_errors=True)
    return {"pages": runs, **score(answers)}


def score(answers: list[tuple[resolution_set.Case, str | None]]) -> dict[str, Any]:
    """Precision and recall over the cases, and per kind what happened."""
    kinds: dict[str, Counter[str]] = {}
    for case, answer in answers:
        verdict = "not resolved" if answer is None else "wrong id"
        if answer is not None and answer == case.expected:
            verdict = "right id"
        kinds.setdefault(case.kind, Counter())[verdict] += 1
    right = sum(c["right id"] for c in kinds.values())
    resolved = right + sum(c["wrong id"] for c in kinds.values())
    should = sum(1 for c, _ in answers if c.expected is not None)
    return {
        "cases": {k: dict(v) for k, v in kinds.items()},
        "precision": round(right / resolved, 4) if resolved else 1.0,
        "recall": round(right / should, 4) if should else 1.0,
    }


def listed(line: dict[str, Any]) -> Listed:
    """How a profile lists a snapshot record: title, v1 date, first three authors."""
    created = line["versions"][0]["created"]
    date = dt.datetime.strptime(created, "%a, %d %b %Y %H:%M:%S %Z").date()
    names = [" ".join(p for p in (a[1], a[0]) if p) for a in line["authors_parsed"]]
    return Listed(" ".join(line["title"].split()), date, tuple(names[:3]), len(names) > 3)


def sample_lines(data: Path, count: int) -> list[dict[str, Any]]:
    """``count`` records spread over the file (no injected problems, at least one version)."""
    with data.open(encoding="utf-8") as handle:
        total = sum(1 for _ in handle)
    step = max(total // count, 1)
    picked = []
    with data.open(encoding="utf-8") as handle:
        for line in islice(handle, 0, None, step):
            item = json.loads(line)
            if item["versions"] and "injected problem" not in (item.get("comments") or ""):
                picked.append(item)
    return picked[:count]


def local_rate(params: dict[str, Any]) -> dict[str, Any]:
    config = config_for(Path(params["work"]))
    lines = sample_lines(Path(params["data"]), int(params.get("papers", 500)))
    profiles = []
    for start in range(0, len(lines), 25):
        page = profile_page("Quinn Tester", [listed(x) for x in lines[start : start + 25]])
        profiles.append(
            parse_profile(
                page,
                source=f"bench:{start}",
                retrieved_at=dt.datetime.now(dt.UTC),
                subject_codes=config.subject_codes,
            )
        )
    with clocks() as measured:
        enrichments = [resolve_papers(profile, config) for profile in profiles]
    states = Counter(v.state for e in enrichments for v in e.verdicts)
    expected = {title_key(listed(x).title): x["id"] for x in lines}
    right = sum(
        1
        for e in enrichments
        for v in e.verdicts
        if v.arxiv_id == expected[title_key(v.paper.title)]
    )
    papers = sum(len(p.papers) for p in profiles)
    return {
        "wall": measured.wall,
        "cpu": measured.cpu,
        "papers": papers,
        "profiles": len(profiles),
        "states": dict(states),
        "right_id": right,
        "requests": sum(sum(e.requests.values()) for e in enrichments),
        "papers_per_s": round(papers / measured.wall, 1),
    }


STEPS = {"resolution-quality": quality, "resolution-local": local_rate}
