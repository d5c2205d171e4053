"""``scholarkg query --param`` values a hostile user gives, through the CLI in a subprocess over
a real store: every refusal is one short line naming the parameter, whatever the value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ("v2_store_fixtures",)

SRC = Path(__file__).resolve().parents[1] / "src"
HUGE = 100_000  # characters: under the 128 KiB one argument may hold
AD_HOC = "SELECT ?x WHERE { BIND(1 AS ?y) }"


def _query(store_path: Path, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "SCHOLARKG_STORE": str(store_path)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    argv = [sys.executable, "-m", "scholarkg", "query", *args]
    return subprocess.run(argv, capture_output=True, env=env, timeout=300, check=False)


def test_text_not_utf8_is_refused_naming_its_parameter(store_path: Path) -> None:
    """Before: ``error: 'a\\udcff': not valid text (…)``, the value alone, no parameter named."""
    done = _query(store_path, "--sparql", AD_HOC, "--param", b"x=a\xff")
    assert done.returncode == 1
    assert done.stdout == b""
    assert done.stderr.decode().splitlines() == [
        "error: parameter x: 'a\\udcff': not valid text (bytes that are not UTF-8, at 1)"
    ]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["coauthors", "--param", "researcher=" + '"' * HUGE], "takes a person's name, got"),
        (["coauthors", "--param", "person=<" + "a" * HUGE + ">"], "is not a usable IRI"),
        (["coauthors", "--param", "person=" + " " * HUGE + "x"], "expected an IRI"),
        (["coauthors", "--param", "researcher=<https://e.org/" + "a" * HUGE + ">"], "not an IRI"),
        (["coauthorship-network", "--param", "minPapers=1" + "}" * HUGE], "a whole number"),
        (["metric-history", "--param", "metric=" + "#" * HUGE], "takes one of"),
        (["--sparql", AD_HOC, "--param", "x=<" + ">" * HUGE], "is not a usable IRI"),
    ],
)
def test_a_huge_refused_value_is_shown_cut(store_path: Path, args: list[str], says: str) -> None:
    """A 100 000-character value refused: one line of a few hundred characters, saying how many
    more the value held (before: the whole value, a 100 KB error line)."""
    done = _query(store_path, *args)
    assert done.returncode == 1
    assert done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1, lines[:3]
    assert says in lines[0]
    assert len(lines[0]) < 600, lines[0][:600]
    assert " more characters]" in lines[0]
