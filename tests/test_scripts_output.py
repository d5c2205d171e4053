"""The generators in ``scripts/`` refuse an output they cannot write in one line, as ``scholarkg
export --output`` does: a folder not there, a file where the folder goes, a folder where the
file goes (before: a ``FileNotFoundError`` traceback, or a made folder for the shape graphs)."""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from samples import ROOT

# script, the option naming the file it writes
WRITERS = [
    ("generate_category_scheme.py", "--output"),
    ("generate_jsonld_context.py", "--output"),
    ("generate_ontology_docs.py", "--output"),
    ("generate_config_reference.py", "--toml"),
    ("generate_config_reference.py", "--markdown"),
]


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def others(script: str, option: str, tmp_path: Path) -> list[str]:
    """The script's other outputs sent where they harm nothing (the committed files stay)."""
    if script != "generate_config_reference.py":
        return []
    other = "--markdown" if option == "--toml" else "--toml"
    return [other, str(tmp_path / "other.out")]


@pytest.mark.parametrize(("script", "option"), WRITERS)
def test_a_missing_folder_is_one_line_nothing_made(
    script: str, option: str, tmp_path: Path
) -> None:
    target = tmp_path / "typo" / "deeper" / "out.txt"
    done = run(script, *others(script, option, tmp_path), option, str(target))
    assert (done.returncode, done.stdout) == (1, "")
    assert (
        done.stderr == f"error: {target}: not written: no folder {target.parent} (make it first)\n"
    )
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize(("script", "option"), WRITERS[:3])
def test_a_file_or_folder_in_the_way_is_one_line(script: str, option: str, tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("mine\n", encoding="utf-8")
    target = tmp_path / "notes" / "out.txt"
    done = run(script, option, str(target))
    assert (done.returncode, done.stderr) == (
        1,
        f"error: {target}: not written: {target.parent} is not a folder\n",
    )
    (tmp_path / "here").mkdir()
    done = run(script, option, str(tmp_path / "here"))
    assert (done.returncode, done.stderr) == (
        1,
        f"error: {tmp_path / 'here'}: not written: Is a directory\n",
    )
    assert (tmp_path / "notes").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here", "notes"]
    assert list((tmp_path / "here").iterdir()) == []


@pytest.mark.parametrize(("script", "option"), WRITERS[:3])
def test_a_folder_that_is_there_gets_the_file(script: str, option: str, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    done = run(script, option, str(target))
    assert (done.returncode, done.stderr) == (0, "")
    assert target.stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left


def test_shape_graphs_with_a_file_where_the_folder_goes_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("mine\n", encoding="utf-8")
    done = run("generate_shape_graphs.py", "--output", str(tmp_path / "notes"))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"error: {tmp_path / 'notes'}: not made: File exists\n"
    assert (tmp_path / "notes").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize(("script", "option"), WRITERS)
def test_a_named_pipe_is_written_into_not_replaced(
    script: str, option: str, tmp_path: Path
) -> None:
    """A pipe or a device (``--output /dev/stdout``, ``/dev/null``) takes the text as it is
    written, as ``scholarkg export --output`` does (before: the whole-or-nothing rename put a
    regular file in its place: the reader got nothing, and as root ``/dev/stdout`` or
    ``/dev/null`` became a file for every process of the machine)."""
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # held open: the script's open goes on
    try:
        fcntl.fcntl(reader, fcntl.F_SETPIPE_SZ, 1 << 20)  # room for the whole text, unread
        done = run(script, *others(script, option, tmp_path), option, str(fifo))
        assert (done.returncode, done.stderr) == (0, "")
        got = b""
        while chunk := os.read(reader, 1 << 16):
            got += chunk
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    alone = run(script, *others(script, option, tmp_path), option, str(tmp_path / "alone"))
    assert alone.returncode == 0
    assert got == (tmp_path / "alone").read_bytes() and len(got) > 100


def test_a_symlink_keeps_linking_and_its_file_is_written(tmp_path: Path) -> None:
    """``--output`` a link to a file elsewhere: the file it names is replaced, the link stays
    (before: the link itself was replaced with a file, and the file it named kept the old)."""
    (tmp_path / "site").mkdir()
    real = tmp_path / "site" / "context.jsonld"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "context.jsonld"
    link.symlink_to(real)
    done = run("generate_jsonld_context.py", "--output", str(link))
    assert (done.returncode, done.stderr) == (0, "")
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text(encoding="utf-8").startswith("{\n")
