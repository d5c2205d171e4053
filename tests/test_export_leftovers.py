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
    left = names(out)  # and the lock file of exports to dump.trig (no longer locked)
    assert len(left) == 3 and left[1] == ".dump.trig.lock", left
    assert re.fullmatch(r"\.dump\.trig\.\d+\.[a-z0-9_]{8}\.part", left[0]), left
    assert re.fullmatch(r"\.dump\.trig\.sha256\.\d+\.[a-z0-9_]{8}\.part", left[2]), left
    pid = left[0].split(".")[3]
    others = [
        f".dump.trig.{os.getpid()}.abcd1234.part",  # a live writer's (this process)
        f".other.trig.{pid}.abcd1234.part",  # another file's
        ".dump.trig.mine.part",  # the user's
        ".dump.trig.abcd1234.part",  # an older version's, but its dump.trig is not there
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


# an older version's writer: its temporaries named without a pid, the checksum's made first,
# then the dump's, held open while it writes (it waits there until it is killed)
OLD_WRITER = """
import os, sys, time
folder = sys.argv[1]
sums = os.open(os.path.join(folder, ".dump.trig.sha256.k2m9x_4q.part"), os.O_CREAT | os.O_WRONLY)
os.close(sums)
dump = open(os.path.join(folder, ".dump.trig.a8z3c0de.part"), "wb")
dump.write(b"<urn:a> <urn:b> <urn:c> .")
dump.flush()
print("writing", flush=True)
time.sleep(600)
"""
UNNAMED = [".dump.trig.a8z3c0de.part", ".dump.trig.sha256.k2m9x_4q.part"]


def test_an_older_versions_temporaries_go_once_proved_stale(
    config_path: Path, tmp_path: Path
) -> None:
    """Named without a pid, an older version's temporaries were kept for good. Now they go once
    every one is older than the file it was to replace and no process holds one open: kept
    while their writer lives, removed once it is SIGKILLed; a user's file stays."""
    out = tmp_path / "out"
    out.mkdir()
    dump = out / "dump.trig"
    args = ("--format", "trig", "--output", str(dump), "--config", str(config_path))
    export(*args)
    writer = subprocess.Popen(
        [sys.executable, "-c", OLD_WRITER, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
        before = dump.stat().st_mtime_ns - 60 * 10**9  # last written before the dump was
        for name in UNNAMED:
            os.utime(out / name, ns=(before, before))
        mine = [".dump.trig.mine.part", ".other.trig.b7y2d1ef.part"]  # the user's; not ours
        for name in mine:
            (out / name).write_text("keep\n", encoding="utf-8")
            os.utime(out / name, ns=(before, before))
        export(*args)  # the writer holds the dump's open: neither is proved stale
        assert names(out) == sorted(["dump.trig", "dump.trig.sha256", *UNNAMED, *mine])
    finally:
        writer.kill()  # SIGKILL: nothing of its own removes them
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    export(*args)
    assert names(out) == sorted(["dump.trig", "dump.trig.sha256", *mine])
    assert all((out / name).read_text(encoding="utf-8") == "keep\n" for name in mine)


def test_an_older_versions_temporary_newer_than_its_file_stays(tmp_path: Path) -> None:
    """One written after the file it was to replace may be a live writer's (between two of
    its writes, nothing open): it stays, and so do the others beside it."""
    from scholarkg.files import remove_stale_temps

    dump, sums = tmp_path / "dump.nq", tmp_path / "dump.nq.sha256"
    for path in (dump, sums):
        path.write_text("done\n", encoding="utf-8")
    then = dump.stat().st_mtime_ns
    old, new = tmp_path / ".dump.nq.sha256.q1w2e3r4.part", tmp_path / ".dump.nq.t5y6u7i8.part"
    for path, at in ((old, then - 10**9), (new, then + 10**9)):
        path.write_text("part\n", encoding="utf-8")
        os.utime(path, ns=(at, at))
    assert remove_stale_temps([dump, sums]) == []
    os.utime(new, ns=(then - 10**9, then - 10**9))
    assert remove_stale_temps([dump, sums]) == [old, new]  # in name order
    assert names(tmp_path) == ["dump.nq", "dump.nq.sha256"]
