"""The CLI on a terminal that cannot show every character (``PYTHONIOENCODING=ascii``, a C
locale without UTF-8 mode): data formats are still UTF-8, as their specifications say, and
text for people shows what it cannot encode as escapes; never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from serve_fixtures import build_v2_store

NAMES = "SELECT ?n WHERE { GRAPH ?g { ?s <http://xmlns.com/foaf/0.1/name> ?n } } ORDER BY ?n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_v2_store(tmp_path_factory.mktemp("encoding") / "store")


def query(store: Path, fmt: str, encoding: str | None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    if encoding is not None:
        env["PYTHONIOENCODING"] = encoding
    command = [sys.executable, "-m", "scholarkg.cli", "query", "--store", str(store)]
    return subprocess.run(
        [*command, "--sparql", NAMES, "--format", fmt],
        capture_output=True,
        env=env,
        cwd=store.parent,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_data_formats_are_utf8_whatever_the_terminal(store: Path, fmt: str) -> None:
    utf8, ascii_ = query(store, fmt, "utf-8"), query(store, fmt, "ascii")
    assert utf8.returncode == 0, utf8.stderr
    assert "é".encode() in utf8.stdout  # the store holds a name the terminal cannot show
    assert (ascii_.returncode, ascii_.stdout, ascii_.stderr) == (0, utf8.stdout, b"")


def test_a_table_and_json_for_people_are_utf8_too_and_messages_escape(
    store: Path, tmp_path: Path
) -> None:
    """stdout is UTF-8 (a ``--json`` answer with \\xe9 in it would not be JSON); an error
    message naming a character the terminal cannot show escapes it."""
    utf8, ascii_ = query(store, "table", "utf-8"), query(store, "table", "ascii")
    assert (ascii_.returncode, ascii_.stdout, ascii_.stderr) == (0, utf8.stdout, b"")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    missing = tmp_path / "Léonard.toml"
    refused = subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", "run", "--config", str(missing)],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert refused.returncode in (1, 2) and b"Traceback" not in refused.stderr
    assert b"L\\xe9onard.toml" in refused.stderr and refused.stderr.isascii()
