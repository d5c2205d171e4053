"""A `scholarkg export` SIGKILLed while it writes leaves its temporary files (the dump's and its
checksum's ``.part``); the next export to that path removes them, and only them: never a
user's file, one of a live writer, or one for another file (before: they stayed for good)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.runs.build import build

HELPER = Path(__file__).parent / "helpers" / "killed_at.py"
BOUND = 300  # only catches a hang


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_config(tmp_path_factory.mktemp("leftovers"), [SAMPLE_PROFILE])
    build(load_config(path))
    return path


def killed_at(where: str, *args: str) -> None:
    """``scholarkg *args``, SIGKILLed when ``where`` (module:function) is called."""
    done = subprocess.run(
        [sys.executable, str(HELPER), where, *args], capture_output=True, timeout=BOUND
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()


def export(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", "export", *args], capture_output=True,
        text=True, timeout=BOUND,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == "", done.stderr


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_next_export_removes_what_a_killed_one_left(config_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dump = out / "dump.trig"
    args = ("--format", "trig", "--output", str(dump), "--config", str(config_path))
    killed_at("scholarkg.export:file_sha256", "export", *args)  # the dump written, not renamed
    left = names(out)
    assert len(left) == 2, left
    assert re.fullmatch(r"\.dump\.trig\.\d+\.[a-z0-9_]{8}\.part", left[0]), left
    assert re.fullmatch(r"\.dump\.trig\.sha256\.\d+\.[a-z0-9_]{8}\.part", left[1]), left
    pid = left[0].split(".")[3]
    others = [
        f".dump.trig.{os.getpid()}.abcd1234.part",  # a live writer's (this process)
        f".other.trig.{pid}.abcd1234.part",  # another file's
        ".dump.trig.mine.part",  # the user's
        ".dump.trig.abcd1234.part",  # an older version's (no pid: nothing proves it gone)
        "dump.trig.part",
    ]
    for name in others:
        (out / name).write_text("keep\n", encoding="utf-8")
    export(*args)
    assert names(out) == sorted(["dump.trig", "dump.trig.sha256", *others])
    assert all((out / name).read_text(encoding="utf-8") == "keep\n" for name in others)


def test_the_next_publication_removes_what_a_killed_one_left(config_path: Path) -> None:
    exports = load_config(config_path).exports_dir
    killed_at("scholarkg.dump_parts:append", "export", "--config", str(config_path))
    left = [n for n in names(exports) if n.endswith(".part")]
    assert len(left) == 1 and left[0].startswith(".scholarkg.nq."), left
    export("--config", str(config_path))
    assert [n for n in names(exports) if n.endswith(".part")] == []
    assert {"scholarkg.nq", "scholarkg.nq.sha256"} <= set(names(exports))
