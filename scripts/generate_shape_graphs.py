"""Generate ``tests/shape_examples/_graphs/``: one real graph of every kind the pipeline writes.

Every file is the library's own output, never written by hand:

* ``arxiv-*.ttl`` — arXiv record graphs: the transform
  (:func:`scholarkg.transform.arxiv.arxiv_graph`) of three real records: ``0704.0008`` from the
  Kaggle snapshot sample (every optional field), ``2104.12255`` and ``astro-ph/0601001`` from
  recorded API answers (one author; an old-style id with four authors and affiliations).
* ``profile-leonard-hussenot.ttl``, ``snapshot-leonard-hussenot.ttl``,
  ``person-leonard-hussenot.ttl`` — the build job (:func:`scholarkg.runs.build.build`, arXiv
  disabled) over the sample page ``examples/profiles/leonard-hussenot.txt`` into a fresh
  embedded store, read back from the store: the profile graph, its snapshot graph and the
  person graph of the profile's researcher. The triples the loader states about each graph
  itself (run, digest, times) are left out: they are not what the gate validates.

To make regeneration byte-stable, the page is named by its path relative to the repository
(the profile's slug hashes that location) and the raw archive is seeded with a fixed first
retrieval time (the snapshot's ``prov:generatedAtTime`` and the observations' dates). Only the
snapshot's ``dcterms:source`` (the page's ``file:`` IRI) depends on where the checkout lives.

Usage: ``python scripts/generate_shape_graphs.py [--output DIR]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from scholarkg.clients import archive_for
from scholarkg.config import Config, load_config
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.iris import Minter
from scholarkg.models import ArxivRecord
from scholarkg.output_file import NotWritten, write_output
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.transform.arxiv import arxiv_graph

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "tests" / "shape_examples" / "_graphs"
SAMPLE = Path("examples") / "profiles" / "leonard-hussenot.txt"  # relative to ROOT
FIXTURES = ROOT / "tests" / "fixtures" / "arxiv"
SNAPSHOT = FIXTURES / "kaggle" / "snapshot_sample_100.jsonl"
ATOM = FIXTURES / "atom"
FIRST_RETRIEVED = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
SCRIPT = "scripts/generate_shape_graphs.py"

PREFIXES = {
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "fabio": "http://purl.org/spar/fabio/",
    "pro": "http://purl.org/spar/pro/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "skg": "https://w3id.org/scholarkg/ontology#",
    "cat": "https://w3id.org/scholarkg/category/",
}

# (file name, arXiv id, where the record comes from)
ARXIV_RECORDS: tuple[tuple[str, str, str], ...] = (
    ("arxiv-0704.0008.ttl", "0704.0008", "snapshot"),
    ("arxiv-2104.12255.ttl", "2104.12255", "id_2104.12255v1_s0_m100_6ae69987ffe1.xml"),
    (
        "arxiv-astro-ph-0601001.ttl",
        "astro-ph/0601001",
        "id_astro-ph_0601001_s0_m100_3150dca9dc76.xml",
    ),
)


def turtle(triples: Iterable[tuple[Node, Node, Node]], header: Sequence[str]) -> str:
    """Header comment lines, then the triples as Turtle with the usual prefixes."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in triples:
        graph.add(triple)
    body = graph.serialize(format="turtle")
    return "".join(f"# {line}".rstrip() + "\n" for line in header) + "\n" + body


def arxiv_record(arxiv_id: str, origin: str) -> ArxivRecord:
    """The real record ``arxiv_id`` from the snapshot sample or a recorded API answer."""
    if origin == "snapshot":
        records = [r for r in read_snapshot(SNAPSHOT) if r.arxiv_id == arxiv_id]
    else:
        path = ATOM / origin
        feed = parse_feed(path.read_bytes(), source=str(path.relative_to(ROOT)))
        records = [r for r in feed.records if r.arxiv_id == arxiv_id]
    if len(records) != 1:
        raise SystemExit(f"{origin}: expected one record {arxiv_id}, found {len(records)}")
    return records[0]


def arxiv_files() -> dict[str, str]:
    minter = Minter()
    out = {}
    for name, arxiv_id, origin in ARXIV_RECORDS:
        record = arxiv_record(arxiv_id, origin)
        graph = arxiv_graph(record, minter)
        where = (
            str(SNAPSHOT.relative_to(ROOT))
            if origin == "snapshot"
            else str((ATOM / origin).relative_to(ROOT))
        )
        header = [
            f"The arXiv record graph <{graph.iri}>, generated by {SCRIPT}:",
            "scholarkg.transform.arxiv.arxiv_graph of the real record",
            f"{arxiv_id} read from {where}. Do not edit by hand.",
        ]
        out[name] = turtle(graph.graph, header)
    return out


def _config(directory: Path) -> Config:
    """A configuration whose data and store live in ``directory`` (a store named in the
    environment is ignored: the graphs come from a fresh store)."""
    os.environ.pop("SCHOLARKG_STORE", None)
    path = directory / "scholarkg.toml"
    path.write_text(
        "\n".join(
            [
                "[data]",
                f'dir = "{directory / "data"}"',
                "[store]",
                f'path = "{directory / "store"}"',
                "[profiles]",
                "sources = []",
                "[arxiv]",
                "enabled = false",
                "[publish]",
                "dumps = []",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return load_config(path)


def _graph_content(store: EmbeddedStore, iri: str) -> list[tuple[Node, Node, Node]]:
    """The graph's triples from the store, without those the loader states about the graph."""
    text = "".join(f"{s} {p} {o} .\n" for s, p, o in store.triples_in(iri) if s != f"<{iri}>")
    return list(Graph().parse(data=text, format="nt"))


def profile_files() -> dict[str, str]:
    """Build the sample page into a fresh store; its profile, snapshot and person graphs."""
    cwd = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="scholarkg-shape-graphs-") as tmp:
        config = _config(Path(tmp))
        archive_for(config).store(
            (ROOT / SAMPLE).read_bytes(),
            source=str((ROOT / SAMPLE).resolve()),
            retrieved_at=FIRST_RETRIEVED,
        )
        os.chdir(ROOT)
        try:
            ctx = build(config, [str(SAMPLE)])
        finally:
            os.chdir(cwd)
        report = ctx.report
        if report.outcome != "ok":
            raise SystemExit("\n".join(["the build did not succeed:", *report.summary_lines()]))
        with EmbeddedStore(config.store.path, read_only=True) as store:
            names = store.graph_names()
            profile = _one(names, "/graph/profile/", lambda g: "/snapshot/" not in g)
            snapshot = _one(names, "/graph/profile/", lambda g: "/snapshot/" in g)
            slug = profile.rsplit("/", 1)[-1]
            person = _one(names, f"/graph/person/{slug}", lambda g: True)
            contents = {iri: _graph_content(store, iri) for iri in (profile, snapshot, person)}
    how = [
        f"scholarkg.runs.build.build(config, [{str(SAMPLE)!r}]) with [arxiv] enabled = false,",
        "run from the repository root into a fresh store (raw archive seeded with the first",
        f"retrieval time {FIRST_RETRIEVED.isoformat()}), read back from the store without the",
        "loader's triples about the graph itself. Do not edit by hand.",
    ]
    kinds = {
        "profile-leonard-hussenot.ttl": (profile, "profile graph"),
        "snapshot-leonard-hussenot.ttl": (snapshot, "snapshot graph"),
        "person-leonard-hussenot.ttl": (person, "person graph (identity layer)"),
    }
    return {
        name: turtle(contents[iri], [f"The {kind} <{iri}>, generated by {SCRIPT}:", *how])
        for name, (iri, kind) in kinds.items()
    }


def _one(names: Iterable[str], marker: str, keep: Callable[[str], bool]) -> str:
    found = sorted(g for g in names if marker in g and keep(g))
    if len(found) != 1:
        raise SystemExit(f"expected one graph {marker}…, found {found}")
    return found[0]


def generate() -> dict[str, str]:
    """File name → Turtle text, for every file of ``_graphs``."""
    return {**arxiv_files(), **profile_files()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    try:
        args.output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where the folder goes: one line, no traceback
        raise SystemExit(f"error: {args.output}: not made: {exc.strerror or exc}") from None
    for name, text in sorted(generate().items()):
        try:
            write_output(text, str(args.output / name))
        except NotWritten as exc:  # a full disk, a folder where the file goes…
            raise SystemExit(f"error: {exc}") from None
        print(args.output / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
