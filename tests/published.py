"""What a publication is checked against, shared by the publication tests (test_publish.py,
test_publish_mark.py, test_publish_seal.py and those beside them): the store's quads but its
VoID description's, the N-Quads dump's quads, the VoID statistics and void.ttl's checksum of
the dump; :func:`load`, a snapshot load that published what the store holds; the sample
snapshot (:data:`SNAPSHOT`, 100 real Kaggle lines) and :func:`changed_snapshot`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal

from rdf_sets import canonical
from scholarkg.config import Config
from scholarkg.iris import Minter
from scholarkg.load.manifest import open_manifest
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.void_statistics import dataset_statistics, description_graph_iri, manifest_statistics

VOID_GRAPH = str(description_graph_iri(Minter().base))
SNAPSHOT = Path(__file__).parent / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"


def store_quads_but_void(path: Path) -> set[str]:
    """The quads of the store at ``path`` but those of its VoID graph (the dump never holds its
    own description), canonical."""
    with EmbeddedStore(path, read_only=True) as store:
        return canonical(q for q in store.native if q.graph_name != ox.NamedNode(VOID_GRAPH))


def dumped(path: Path) -> set[str]:
    """The quads of the N-Quads file at ``path``, canonical."""
    return canonical(ox.parse(path=path, format=ox.RdfFormat.N_QUADS))


def held_but_void(config: Config) -> set[str]:
    """:func:`store_quads_but_void` of ``config``'s store."""
    return store_quads_but_void(config.store.path)


def dump_of(config: Config) -> set[str]:
    """:func:`dumped` of ``config``'s N-Quads dump."""
    return dumped(config.exports_dir / "scholarkg.nq")


def statistics_agree(config: Config) -> None:
    """The manifest's VoID statistics are what aggregate queries over the store count."""
    minter = Minter(config.iri_base)
    manifest = open_manifest(config)
    try:
        with EmbeddedStore(config.store.path, read_only=True) as store:
            assert manifest_statistics(store, minter, manifest.contents) == dataset_statistics(
                store, minter
            )
    finally:
        manifest.close()


def description(config: Config) -> Graph:
    """void.ttl, parsed."""
    return Graph().parse(config.data_dir / "void.ttl")


def describes_the_dump(config: Config) -> bool:
    """void.ttl names the N-Quads dump's checksum and the dataset's triples as they are now."""
    dump = config.exports_dir / "scholarkg.nq"
    digest = hashlib.sha256(dump.read_bytes()).hexdigest()
    void = description(config)
    checksums = {str(v) for v in void.objects(None, None) if isinstance(v, Literal)}
    return digest in checksums


def changed_snapshot(tmp_path: Path, n: int) -> Path:
    """The sample snapshot with record ``n``'s title changed."""
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines(keepends=True)
    item = json.loads(lines[n])
    item["title"] += " (revised)"
    lines[n] = json.dumps(item, ensure_ascii=False) + "\n"
    path = tmp_path / f"changed-{n}.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def load(config: Config, path: Path) -> None:
    """Load the snapshot at ``path`` (chunks of 40, no workers): it published, the dump holds
    the store's quads and the statistics agree."""
    report = load_snapshot(config, path, chunk_records=40, workers=0).report
    assert report.published
    assert dump_of(config) == held_but_void(config)
    statistics_agree(config)
