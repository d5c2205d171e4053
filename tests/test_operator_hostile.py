"""A careless or hostile operator at the command line: paths, configs and environments that
once ended in a traceback, a wrong exit code or a run that did its work and then failed.

Each case runs the real CLI (``scholarkg.cli.main`` in-process, or ``python -m scholarkg.cli``
where the process's own streams or environment are the point) and asserts one line naming the
source, the README's exit code, and that nothing was written where it should not be."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from building import build_store
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.cli import main

LATIN1 = os.fsdecode(b"caf\xe9")  # a name of bytes that are no UTF-8, as the file system gives it


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith(("error:", "scholarkg "))]
    assert len(lines) == 1, err
    return lines[-1]


def test_a_profile_whose_name_is_not_utf8_is_a_usage_error_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scholarkg run --profile café.txt`` (Latin-1 bytes) and its ``file:`` URL
    (``%E9``): exit 2 naming the option and the path as bytes (``\\xe9``), no data directory
    made. Before: the run started Prefect, whose flow-run parameters (JSON) could not hold the
    name: a UnicodeEncodeError traceback."""
    page = tmp_path / f"{LATIN1}.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config = str(write_config(tmp_path, []))
    for given in (str(page), f"file://{os.fsdecode(tmp_path)}/caf%E9.txt"):
        with pytest.raises(SystemExit) as ended:
            main(["run", "--config", config, "--profile", given])
        assert ended.value.code == 2
        line = _error_line(capsys)
        assert line.startswith("scholarkg run: error: argument --profile: ")
        assert "not UTF-8" in line
    assert "caf\\xe9" in line or "caf%E9" in line
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("option", ["--config", "--store"])
def test_a_config_or_store_whose_name_is_not_utf8_is_one_line_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    """``--config café.toml`` or ``--store café``: exit 1, ``error: --config …caf\\xe9…: a
    path that is not UTF-8 …``, before Prefect starts and before anything is made. Before: a
    traceback from Prefect (the flow run's parameters are JSON)."""
    config = write_config(tmp_path, [SAMPLE_PROFILE])
    if option == "--config":
        named = tmp_path / f"{LATIN1}.toml"
        config.rename(named)
        argv = ["run", "--config", str(named)]
    else:
        argv = ["run", "--config", str(config), "--store", str(tmp_path / LATIN1)]
    assert main(argv) == 1
    line = _error_line(capsys)
    assert line.startswith(f"error: {option} ") and "caf\\xe9" in line and "not UTF-8" in line
    assert not (tmp_path / "data").exists() and not (tmp_path / LATIN1).exists()


def test_a_data_directory_under_a_folder_not_utf8_is_refused_by_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A config kept in a folder named in Latin-1, the working directory, given as
    ``--config scholarkg.toml``: its relative ``[data] dir`` and ``[store] path`` follow it
    there. ``run`` and ``arxiv load-snapshot`` refuse it in one line naming
    the key and the path, exit 1, nothing made. Before: ``run`` ended in a traceback from
    Prefect and ``load-snapshot`` in one from the manifest's store key, after making the
    data directory."""
    folder = tmp_path / LATIN1
    folder.mkdir()
    config = folder / "scholarkg.toml"
    config.write_text(
        f'[arxiv]\nenabled = false\n[profiles]\nsources = ["{SAMPLE_PROFILE}"]\n',
        encoding="utf-8",
    )
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text("", encoding="utf-8")
    monkeypatch.chdir(folder)
    for argv in (
        ["run", "--config", config.name],
        ["arxiv", "load-snapshot", str(snapshot), "--config", config.name],
        ["profile", "parse", str(SAMPLE_PROFILE), "--config", config.name],
    ):
        assert main(argv) == 1, argv
        line = _error_line(capsys)
        assert line.startswith("error: ") and "[data] dir" in line and "not UTF-8" in line
        assert "caf\\xe9" in line
    assert os.listdir(folder) == ["scholarkg.toml"]


def test_profile_parse_of_a_name_not_utf8_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scholarkg profile parse café.txt`` (Latin-1): exit 1, one line naming it, nothing
    archived. Before: the page was read and archived, then writing the archive's log line
    failed with a UnicodeEncodeError traceback."""
    page = tmp_path / f"{LATIN1}.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config = str(write_config(tmp_path, []))
    assert main(["profile", "parse", str(page), "--config", config]) == 1
    line = _error_line(capsys)
    assert line.startswith("error: ") and "caf\\xe9.txt" in line and "not UTF-8" in line
    assert not (tmp_path / "data" / "raw").exists()


@pytest.mark.parametrize(
    ("section", "key", "value", "bound"),
    [
        ("serve", "workers", 100_000, 256),
        ("runner", "max_workers", 100_000, 256),
        ("serve", "memory_limit_mb", 10**20, 10**9),
    ],
)
def test_workers_or_a_memory_limit_past_what_can_start_are_refused_with_the_config(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    section: str,
    key: str,
    value: int,
    bound: int,
) -> None:
    """``workers = 100000`` (a typo of 10) and a memory limit past what the kernel's limit
    holds: every command refuses the config in one line naming the file, section, key and the
    bound, exit 1. Before: the config loaded; ``scholarkg serve`` started 100 000 worker
    processes at once and answered nothing while it tried, and ``scholarkg query`` said its
    worker stopped as it started, ``if [serve] memory_limit_mb = … is too low …, raise it``."""
    config = tmp_path / "hostile.toml"
    config.write_text(f"[{section}]\n{key} = {value}\n", encoding="utf-8")
    assert main(["query", "--list", "--config", str(config)]) == 1
    assert _error_line(capsys) == (
        f"error: {config}:2: [{section}] {key} must be <= {bound}, got {value}"
    )


NO_SUCH_USER = "~scholarkg-no-such-user"


@pytest.mark.parametrize(
    ("argv", "env", "start"),
    [
        (["--config", f"{NO_SUCH_USER}/c.toml"], {}, f"error: --config {NO_SUCH_USER}/c.toml: "),
        (["--store", NO_SUCH_USER], {}, f"error: --store {NO_SUCH_USER}: "),
        ([], {"SCHOLARKG_STORE__PATH": f"{NO_SUCH_USER}/s"}, "error: environment "),
        ([], {"SCHOLARKG_HOME": NO_SUCH_USER}, f"error: SCHOLARKG_HOME={NO_SUCH_USER}: "),
    ],
)
def test_a_home_directory_of_no_user_is_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env: dict[str, str],
    start: str,
) -> None:
    """``~nosuchuser/…`` as ``--config``, ``--store``, a config path or ``SCHOLARKG_HOME``:
    exit 1, one line naming the option or variable and ``names no home directory``. Before: a
    RuntimeError traceback, ``Could not determine home directory``."""
    monkeypatch.chdir(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["query", "papers-per-year", *argv]) == 1
    line = _error_line(capsys)
    assert line.startswith(start) and f"{NO_SUCH_USER} names no home directory" in line
    assert os.listdir(tmp_path) == []


def _cli(argv: list[str], closing: int, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``python -m scholarkg.cli argv`` started with file descriptor ``closing`` (1: stdout,
    2: stderr) closed, as ``>&-`` or ``2>&-`` starts it; the other stream captured."""
    return subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", *argv],
        stdin=subprocess.DEVNULL,
        stdout=None if closing == 1 else subprocess.PIPE,
        stderr=None if closing == 2 else subprocess.PIPE,
        preexec_fn=lambda: os.close(closing),
        cwd=cwd,
        timeout=300,  # only catches a hang
        check=False,
    )


def test_an_error_with_stderr_closed_never_reaches_stdout(tmp_path: Path) -> None:
    """``scholarkg query --list --config bad.toml 2>&- > answer``: exit 1 and nothing in the
    answer. Before: ``print(..., file=sys.stderr)`` with no stderr (None) printed to stdout,
    so the ``error: …`` line landed in the data the caller kept."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[http\n", encoding="utf-8")
    done = _cli(["query", "--list", "--config", str(bad)], 2, tmp_path)
    assert (done.returncode, done.stdout) == (1, b"")


@pytest.mark.parametrize(
    "argv",
    [["query", "papers-per-year", "--format", "json"], ["export", "--output", "-"]],
    ids=["query", "export"],
)
def test_an_answer_or_dump_with_stdout_closed_runs_as_it_would(
    tmp_path: Path, argv: list[str]
) -> None:
    """``scholarkg query … >&-`` and ``scholarkg export --output - >&-`` run as they would,
    showing nothing there: exit 0, nothing on stderr (as README says of ``run >&-``). Before:
    an AttributeError traceback (``'NoneType' object has no attribute 'write'`` /
    ``'buffer'``), exit 1."""
    config = build_store(tmp_path, [SAMPLE_PROFILE])[0].source
    done = _cli([*argv, "--config", str(config)], 1, tmp_path)
    assert (done.returncode, done.stderr) == (0, b"")


@pytest.mark.parametrize("host", ["", " "])
def test_an_empty_host_is_a_usage_error_not_every_interface(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    """``scholarkg serve --host "$HOST"`` with the variable unset: exit 2 naming --host, no
    server. Before: the server listened on every interface (``http://0.0.0.0:…``), where the
    default ([serve] host) is loopback."""
    config = str(write_config(tmp_path, []))
    with pytest.raises(SystemExit) as ended:
        main(["serve", "--host", host, "--port", "0", "--config", config])
    assert ended.value.code == 2
    line = _error_line(capsys)
    assert line.startswith("scholarkg serve: error: argument --host: an empty host")


@pytest.mark.parametrize("target", ["loop", "missing"])
def test_a_store_that_is_a_symlink_to_nothing_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    """``--store`` a symlink loop (``a -> b -> a``) or a link to a folder not there:
    ``arxiv load-snapshot`` says so in one line naming it, exit 1, nothing made. Before: the
    check passed it as a store to create, and the loop ended in a RuntimeError traceback
    (``Symlink loop from …``) when the run named its store."""
    link = tmp_path / "store-link"
    if target == "loop":
        (tmp_path / "other").symlink_to(link)
        link.symlink_to(tmp_path / "other")
    else:
        link.symlink_to(tmp_path / "not-there")
    config = str(write_config(tmp_path, []))
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text("", encoding="utf-8")
    argv = ["arxiv", "load-snapshot", str(snapshot), "--config", config, "--store", str(link)]
    assert main(argv) == 1
    assert _error_line(capsys) == (
        f"error: {link}: is a symbolic link to nothing (a loop, or its target is not there)"
    )
    assert not (tmp_path / "not-there").exists() and not (tmp_path / "data").exists()


def test_an_export_output_that_is_a_symlink_loop_is_refused_and_the_links_stay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export --output a`` where ``a -> b -> a``: exit 1 in one line naming it, both links
    as they were, nothing written, as ``cp`` refuses. Before: the dump replaced the link
    ``a`` (README: an ``--output`` symlink is written through and stays)."""
    config = build_store(tmp_path, [SAMPLE_PROFILE])[0].source
    link, other = tmp_path / "a.nq", tmp_path / "b.nq"
    other.symlink_to(link)
    link.symlink_to(other)
    assert main(["export", "--config", str(config), "--output", str(link)]) == 1
    line = _error_line(capsys)
    assert line.startswith(f"error: {link}: not written: ") and "loop" in line
    assert link.is_symlink() and other.is_symlink()
    assert not (tmp_path / "a.nq.sha256").exists()


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["export", "--output", f"{NO_SUCH_USER}/dump.nq"], "scholarkg export: error: "),
        (
            ["arxiv", "load-snapshot", f"{NO_SUCH_USER}/s.jsonl"],
            "scholarkg arxiv load-snapshot: error: ",
        ),
    ],
)
def test_a_home_directory_of_no_user_as_an_argument_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], start: str
) -> None:
    """``~nosuchuser/…`` as an export's ``--output`` or a snapshot file: exit 2, one line
    saying it names no home directory, nothing written (before: ``~scholarkg-no-such-user``
    was taken as a folder of that name in the working directory)."""
    config = str(write_config(tmp_path, []))
    with pytest.raises(SystemExit) as ended:
        main([*argv, "--config", config])
    assert ended.value.code == 2
    line = _error_line(capsys)
    assert line.startswith(start) and f"{NO_SUCH_USER} names no home directory" in line
    assert not (tmp_path / "data").exists()


def test_profile_parse_of_a_home_directory_of_no_user_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scholarkg profile parse ~nosuchuser/p.txt``: exit 1, one line saying it names no home
    directory (before: 'no such file' for a path in the working directory it never named)."""
    config = str(write_config(tmp_path, []))
    assert main(["profile", "parse", f"{NO_SUCH_USER}/p.txt", "--config", config]) == 1
    line = _error_line(capsys)
    assert line.startswith("error: ") and f"{NO_SUCH_USER} names no home directory" in line
