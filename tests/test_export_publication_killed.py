"""A `scholarkg export` publication SIGKILLed after it renamed the new dump into place, before
its ``.sha256`` or ``data/void.ttl`` were written: the next run or export publishes again, so
the checksum and the description agree with the dump (before: the export left the publication
mark in place, and the next run, with nothing new, published nothing: the dump's checksum file
or ``void.ttl`` described the previous dump until a run changed something)."""

from __future__ import annotations

import hashlib
import re
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.load.manifest import store_state_dir
from scholarkg.load.written_around import mark_written_around
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore

HELPER = Path(__file__).parent / "helpers" / "killed_at.py"
BOUND = 300  # only catches a hang
SUM = re.compile(r'"([0-9a-f]{64})"\^\^xsd:hexBinary')
SIZE = re.compile(r'dcat:byteSize "?(\d+)')


def agreeing(config: Config) -> tuple[bool, bool]:
    """Whether the dump's ``.sha256`` and ``void.ttl`` (checksum and size) describe it."""
    dump = config.exports_dir / "scholarkg.nq"
    real = hashlib.sha256(dump.read_bytes()).hexdigest()
    sums = (config.exports_dir / "scholarkg.nq.sha256").read_text(encoding="utf-8")
    void = (config.data_dir / "void.ttl").read_text(encoding="utf-8")
    described = SUM.findall(void) == [real] and SIZE.findall(void) == [str(dump.stat().st_size)]
    return sums == f"{real}  scholarkg.nq\n", described


@pytest.mark.parametrize("then", ["run", "export"])
@pytest.mark.parametrize(
    ("where", "stale"),
    [
        ("scholarkg.dump_parts:write_atomic:.sha256", (False, False)),  # before the checksum
        ("scholarkg.publish:describe_dataset", (True, False)),  # before the description
    ],
)
def test_the_next_publication_repairs_a_killed_export(
    tmp_path: Path, where: str, stale: tuple[bool, bool], then: str
) -> None:
    config_path = write_config(tmp_path, [SAMPLE_PROFILE])
    config = load_config(config_path)
    build(config)
    assert agreeing(config) == (True, True)
    with EmbeddedStore(config.store.path) as store:  # as `serve --allow-updates` writes it
        graph = min(g for g in store.graph_names() if "/graph/person/" in g)
        nick = ox.NamedNode("http://xmlns.com/foaf/0.1/nick")
        store.native.add(ox.Quad(ox.NamedNode(graph), nick, ox.Literal("n"), ox.NamedNode(graph)))
    mark_written_around(store_state_dir(config))
    command = [sys.executable, str(HELPER), where, "export", "--config", str(config_path)]
    done = subprocess.run(command, capture_output=True, timeout=BOUND)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    assert agreeing(config) == stale  # the new dump is in place, not (all) its description
    if then == "run":
        assert build(config).report.published  # before: [] (nothing new to it)
    else:
        again = [sys.executable, "-m", "scholarkg.cli", "export", "--config", str(config_path)]
        assert subprocess.run(again, capture_output=True, timeout=BOUND).returncode == 0
    assert agreeing(config) == (True, True)
    assert b'"n"' in (config.exports_dir / "scholarkg.nq").read_bytes()
