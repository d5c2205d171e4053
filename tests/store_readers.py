"""The readers of a store run as the CLI runs them (:data:`READERS`, :func:`cli`) and what an
unfinished or older store makes them do (:func:`refused`: one error, no file changed;
:func:`files`, :func:`one_line`): shared by test_store_unfinished.py and
test_store_older_format.py."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from scholarkg.errors import LoadError

BOUND = 300  # seconds; only catches a hang


def files(root: Path) -> dict[str, str]:
    """Every file under ``root`` (the config left out) with its SHA-256, and every directory."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        for p in sorted(root.rglob("*"))
        if p.name != "scholarkg.toml"
    }


def one_line(exc: pytest.ExceptionInfo[LoadError]) -> str:
    """The error's text, checked to be one line."""
    text = str(exc.value)
    assert "\n" not in text
    return text


def cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``scholarkg <args> --config <config>`` run in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=config.parent,
        timeout=BOUND,
        check=False,
    )


READERS = {
    "query saved": ["query", "metric-history"],
    "query text": ["query", "--sparql", "SELECT * WHERE { ?s ?p ?o }"],
    "export turtle": ["export", "--format", "ttl"],
    "export to stdout": ["export", "--output", "-"],
    "export to a file": ["export", "--output", "dump.nq"],
    "export published": ["export"],
    "serve": ["serve", "--port", "0"],
}


def refused(tmp_path: Path, path: Path, command: str) -> list[str]:
    """The error lines of the reader ``command`` (of :data:`READERS`) on the store at ``path``
    (data under ``tmp_path``): it exits 1, prints nothing else and changes no file."""
    config = tmp_path / "scholarkg.toml"
    config.write_text(
        f'[data]\ndir = "{tmp_path / "data"}"\n[store]\npath = "{path}"\n', encoding="utf-8"
    )
    before = files(tmp_path)
    done = cli(config, *READERS[command])
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    assert files(tmp_path) == before
    return done.stderr.splitlines()
