"""What a run left in a directory, written so that two runs can be compared: the store's quads
with what differs between equal runs written the same (:func:`quads`), the runs graphs name but
no record holds (:func:`unrecorded_runs`), the quads a store holds and the run reports. Shared
by the full-disk, killed-run and stopped-run tests (test_disk_full.py, killed_snapshot.py and
the tests beside them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox

_VARYING = (
    (re.compile(r'"[0-9T:.-]+Z"\^\^<http://www\.w3\.org/2001/XMLSchema#dateTime>'), "TIME"),
    (re.compile(r"/run/[0-9TZ]+-[0-9a-f]+"), "/run/RUN"),
    (re.compile(r'(#checksumValue>|#byteSize>|#contentDigest>) "[^"]*"'), r"\1 VALUE"),
    (re.compile(r"_:[0-9a-f]+"), "_:B"),
)


_COUNT = re.compile(r'"\d+"\^\^<http://www\.w3\.org/2001/XMLSchema#integer>')


def quads(directory: Path) -> list[str]:
    """The store's quads, what differs between two equal runs (times, run ids, paths, the
    dump's size and checksum, blank node labels, the counts in the record of the run that
    wrote the graphs: all of them or those the failed run left) written the same."""
    found = []
    for quad in ox.Store.read_only(str(directory / "store")):
        text = str(quad).replace(str(directory), "DIR")
        for pattern, same in _VARYING:
            text = pattern.sub(same, text)
        if text.endswith("/graph/run/RUN>"):  # the run's record counts what that run wrote
            text = _COUNT.sub("N", text)
        found.append(text)
    return sorted(found)


def served_quads(url: str, directory: Path) -> list[str]:
    """:func:`quads` of the SPARQL server at ``url`` (an ``oxigraph serve``: its Graph Store
    endpoint's N-Quads) that the run in ``directory`` wrote to."""
    import requests

    answer = requests.get(f"{url}/store", headers={"Accept": "application/n-quads"}, timeout=60)
    answer.raise_for_status()
    found = []
    for line in answer.text.splitlines():
        text = line.replace(str(directory), "DIR")
        for pattern, same in _VARYING:
            text = pattern.sub(same, text)
        if text.endswith("/graph/run/RUN> ."):
            text = _COUNT.sub("N", text)
        found.append(text.removesuffix(" ."))
    return sorted(found)


_NAMED_RUNS = (
    "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT DISTINCT ?run WHERE { GRAPH ?g { ?g prov:wasGeneratedBy ?run } "
    "FILTER NOT EXISTS { GRAPH ?r { ?run a skg:PipelineRun } } }"
)


def unrecorded_runs(store: Path) -> list[str]:
    """The runs that graphs of ``store`` name as their origin but that have no record there."""
    if not (store / "CURRENT").exists():
        return []
    rows = ox.Store.read_only(str(store)).query(_NAMED_RUNS)
    assert isinstance(rows, ox.QuerySolutions)
    return sorted(str(row["run"]) for row in rows)


def beside_run_records(found: list[str]) -> list[str]:
    """``found`` without the runs' records, numbers in the VoID graph (which counts them)
    written the same."""
    void = "<https://w3id.org/scholarkg/id/graph/void>"
    return sorted(
        re.sub(r"\d+", "N", text) if text.endswith(void) else text
        for text in found
        if not text.endswith("/graph/run/RUN>")
    )


def held_quads(store: Path) -> int:
    """The quads ``store`` holds (a store made but never written opens read-write only)."""
    if not (store / "CURRENT").exists():
        return 0
    try:
        return len(ox.Store.read_only(str(store)))
    except RuntimeError:
        return len(ox.Store(str(store)))


def reports(directory: Path) -> list[dict[str, object]]:
    """The run reports under ``directory``'s data, oldest first."""
    found = sorted((directory / "data" / "reports").glob("*.json"))
    return [json.loads(path.read_text(encoding="utf-8")) for path in found]
