"""``scholarkg arxiv fetch`` told an argument that is no arXiv id as typed, whole: 100 000
characters on one line, a line break making two (the second free to read ``failed: …`` as
anything), an escape sequence the terminal acts on. Now such an argument is shown quoted and
escaped, cut after 300 characters saying how many more it held; a plain one as before. None is
sent to arXiv, so no server is needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config

LONG = "1" * 100_000
TYPED = ["abc", LONG, "0704.0001\nfailed: made up", "x\x1b[2Jy"]
SHOWN = [
    "abc",
    f"'{'1' * 300}'…[99700 more characters]",
    r"'0704.0001\nfailed: made up'",
    r"'x\x1b[2Jy'",
]


def _fetch(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    config = write_config(tmp_path, [], arxiv={"enabled": True})
    return subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", "arxiv", "fetch", *args, *TYPED,
         "--config", str(config)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.parametrize("json", [False, True], ids=["load", "json"])
def test_ids_typed_are_told_on_one_line_each_cut_and_escaped(tmp_path: Path, json: bool) -> None:
    done = _fetch(tmp_path, *(["--json"] if json else []))
    assert done.returncode == 1, done.stderr
    told = done.stderr if json else done.stdout
    said = [line for line in told.splitlines() if "not an arXiv identifier" in line]
    reason = "not an arXiv identifier (not asked)"
    assert said == [f"{reason}: {s}" if json else f"failed: {s}: {reason}" for s in SHOWN]
    assert "\x1b" not in told and "\nfailed: made up" not in told
