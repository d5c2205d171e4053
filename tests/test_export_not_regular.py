"""`scholarkg export --output` a named pipe or a device is written straight into (as `--output -`
writes stdout), never replaced: before, the dump's rename into place replaced it with a regular
file (run as root, ``--output /dev/null`` replaced the system's ``/dev/null``). A directory is
refused in one line before anything is written. The tests use a named pipe in a temporary
folder, never a real device."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.errors import ExportError
from scholarkg.export import export_dump
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore

BOUND = 60  # only catches a hang


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_config(tmp_path_factory.mktemp("not-regular"), [SAMPLE_PROFILE])
    build(load_config(path))
    return path


@pytest.mark.parametrize("fmt", ["nq", "jsonld"])
def test_a_named_pipe_is_written_into_not_replaced(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sink = tmp_path / "sink"
    with sink.open("wb") as into:
        reader = subprocess.Popen(["cat", str(fifo)], stdout=into)
    try:
        code = main(
            ["export", "--format", fmt, "--output", str(fifo), "--config", str(config_path)]
        )
        assert stat.S_ISFIFO(fifo.stat().st_mode)  # before: a regular file, the reader left waiting
        assert reader.wait(timeout=BOUND) == 0
    finally:
        if reader.poll() is None:
            reader.kill()
    data = sink.read_bytes()
    assert code == 0
    written = list(
        ox.parse(data, format=ox.RdfFormat.N_QUADS if fmt == "nq" else ox.RdfFormat.JSON_LD)
    )
    with EmbeddedStore(load_config(config_path).store.path, read_only=True) as store:
        quads = len(store.native)
    if fmt == "nq":
        assert len(written) == quads
    else:
        assert 0 < len(written) <= quads
    unit = "quads" if fmt == "nq" else "triples"
    assert capsys.readouterr().out == (
        f"wrote {fifo} ({len(written)} {unit}; not a regular file: no checksum file)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "sink"]


def test_a_directory_is_refused_before_anything_is_written(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["export", "--output", str(folder), "--config", str(config_path)]) == 1
    assert capsys.readouterr().err == (
        f"error: {folder}: not written: it is a directory, not a regular file to replace\n"
    )
    assert list(folder.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_missing_folder_is_refused_not_made(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As ``cp`` does: a mistyped folder is one line, nothing made (before: the dump's write
    made ``typo/deeper`` and wrote the dump and its checksum there without a word)."""
    target = tmp_path / "typo" / "deeper" / "dump.nq"
    assert main(["export", "--output", str(target), "--config", str(config_path)]) == 1
    assert capsys.readouterr() == (
        "",
        f"error: {target}: not written: no folder {target.parent} (make it first)\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_a_file_where_the_folder_goes_is_one_line(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes").write_text("mine\n", encoding="utf-8")
    for target in (tmp_path / "notes" / "dump.nq", tmp_path / "notes" / "a" / "dump.nq"):
        assert main(["export", "--output", str(target), "--config", str(config_path)]) == 1
        assert capsys.readouterr().err == (
            f"error: {target}: not written: {target.parent} is not a folder\n"
        )  # before: '[Errno 17] File exists' and '[Errno 20] Not a directory'
    assert (tmp_path / "notes").read_text(encoding="utf-8") == "mine\n"


def test_a_pipe_where_the_checksum_goes_is_not_replaced(config_path: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "dump.nq.sha256")
    with (
        EmbeddedStore(load_config(config_path).store.path, read_only=True) as store,
        pytest.raises(ExportError, match=r"dump\.nq\.sha256: not written: it is a pipe"),
    ):
        export_dump(store, tmp_path / "dump.nq", "nq")
    assert stat.S_ISFIFO((tmp_path / "dump.nq.sha256").stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.nq.sha256"]


def test_a_reader_that_goes_away_is_one_line(config_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "scholarkg.cli", "export", "--output", str(fifo)]
    export = subprocess.Popen(
        [*command, "--config", str(config_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        with fifo.open("rb") as pipe:
            assert pipe.read(100)  # then it closes
        out, err = export.communicate(timeout=BOUND)
    finally:
        if export.poll() is None:
            export.kill()
    assert export.returncode == 1 and out == b""
    assert err.decode().splitlines() == [f"error: {fifo}: export failed: Broken pipe"]


def test_a_pipe_no_reader_opens_ends_the_export(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Before: the open waited for a reader for ever (SIGTERM did not end it either)."""
    monkeypatch.setattr("scholarkg.cli.export_stream.READER_WAIT", 0.2)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["export", "--output", str(fifo), "--config", str(config_path)]) == 1
    assert capsys.readouterr() == (
        "",
        f"error: {fifo}: not written: no reader opened the pipe in 0.2 s\n",
    )
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_stop_ends_the_wait_for_a_reader(config_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    helper = Path(__file__).parent / "helpers" / "killed_at.py"  # SIGTERM as the wait begins
    done = subprocess.run(
        [sys.executable, str(helper), "scholarkg.cli.export_stream:opened", "export",
         "--output", str(fifo), "--config", str(config_path)],
        capture_output=True, text=True, timeout=BOUND, env={**os.environ, "KILLED_BY": "TERM"},
    )  # fmt: skip
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert done.stderr.splitlines() == [
        f"interrupted (SIGTERM): {fifo} got part of the dump at most"
    ]


def test_a_symlink_is_written_through_as_cp_does(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--output`` a symlink to a file: the file it names gets the dump (and its checksum
    beside it), the link stays. Before, the rename put a regular file in the link's place and
    left the file it named as it was."""
    kept = tmp_path / "kept"
    kept.mkdir()
    real = kept / "real.nq"
    real.write_bytes(b"old\n")
    link = tmp_path / "latest.nq"
    link.symlink_to(real)
    assert main(["export", "--output", str(link), "--config", str(config_path)]) == 0
    capsys.readouterr()
    assert link.is_symlink() and link.resolve() == real
    assert real.read_bytes() != b"old\n" and real.read_bytes().count(b"\n") > 1000
    checked = subprocess.run(
        ["sha256sum", "-c", "real.nq.sha256"], cwd=kept, capture_output=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept", "latest.nq"]


def test_a_symlink_to_a_missing_folder_is_refused_not_made(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--output`` a link to a file in a folder that is not there: one line, nothing made, as
    for the missing folder of a path given plainly (before: the folder and its parents were made
    and the dump written there)."""
    link = tmp_path / "latest.nq"
    named = tmp_path / "gone" / "deeper" / "real.nq"
    link.symlink_to(named)
    assert main(["export", "--output", str(link), "--config", str(config_path)]) == 1
    assert capsys.readouterr() == (
        "",
        f"error: {link}: not written: it links to {named}: "
        f"no folder {named.parent} (make it first)\n",
    )
    assert [p.name for p in tmp_path.iterdir()] == ["latest.nq"] and link.is_symlink()


def test_a_symlink_where_the_export_lock_goes_is_never_written_through(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A link planted at ``.<name>.lock`` (a shared folder) to a file the user holds: the export
    refuses in one line and the file is left as it was (before: the export's pid was written
    into it, truncated first: a link to the store's ``CURRENT`` broke the store)."""
    precious = tmp_path / "precious"
    precious.write_bytes(b"MANIFEST-000005\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".dump.nq.lock").symlink_to(precious)
    target = out / "dump.nq"
    assert main(["export", "--output", str(target), "--config", str(config_path)]) == 1
    assert capsys.readouterr() == (
        "",
        f"error: {target}: not written: {out / '.dump.nq.lock'}, where its export lock goes, "
        "is a symbolic link, which no export makes; remove it\n",
    )
    assert precious.read_bytes() == b"MANIFEST-000005\n"
    assert [p.name for p in out.iterdir()] == [".dump.nq.lock"]


def test_a_default_dump_that_links_among_kept_files_is_refused(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dump of ``[data] dir/exports`` that is a symlink is written through, as ``--output``'s
    is, so one naming a file of the state (or of the store) is refused as ``--output`` there is,
    the file left as it was (before: the dump replaced it, and a link to the store's
    ``CURRENT`` broke the store)."""
    config = load_config(config_path)
    planted = config.state_dir / "planted.json"
    planted.write_bytes(b"{}\n")
    config.exports_dir.mkdir(parents=True, exist_ok=True)
    link = config.exports_dir / "scholarkg.ttl"
    link.symlink_to(planted)
    try:
        code = main(["export", "--format", "ttl", "--config", str(config_path)])
        assert (code, capsys.readouterr()) == (
            1,
            (
                "",
                f"error: {link}: not written: it lies in the data directory's state "
                f"({config.state_dir}), among files scholarkg keeps there; "
                "write the export elsewhere\n",
            ),
        )
        assert planted.read_bytes() == b"{}\n" and link.is_symlink()
        assert not (config.state_dir / "planted.json.sha256").exists()
    finally:
        link.unlink()
        planted.unlink()
