"""Operator leftovers: what a careless or hostile operator's paths, settings and environment
once got from the read commands (a misleading line, a line too many, a line per failure).

Each case runs the real CLI in-process (``scholarkg.cli.main``) and asserts one line naming the
thing, and the exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from building import build_store
from cli_lines import error_line
from conftest import write_config
from loopback import free_port
from samples import SAMPLE_PROFILE
from scholarkg.cli import main


@pytest.mark.parametrize("named", ["./queries.rq", "queries.rq", "queries"])
def test_a_query_file_that_is_a_directory_is_said_to_be_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    named: str,
) -> None:
    """``scholarkg query ./queries.rq`` where it is a directory: exit 1, one line saying it is
    a directory (before: "no such query file or saved query", as if it were not there)."""
    config = str(write_config(tmp_path, []))
    (tmp_path / named).mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["query", named, "--config", config]) == 1
    assert error_line(capsys) == f"error: {named}: is a directory, not a query file"


@pytest.mark.parametrize("named", ["pipe.rq", "/dev/null"])
def test_a_query_file_that_is_a_pipe_or_a_device_is_said_to_be_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    named: str,
) -> None:
    """``scholarkg query pipe.rq`` (a named pipe) or ``/dev/null``: exit 1, one line saying it
    is no regular file, never a wait on the pipe (before: "no such query file or saved
    query", as if it were not there)."""
    config = str(write_config(tmp_path, []))
    monkeypatch.chdir(tmp_path)
    if named == "pipe.rq":
        os.mkfifo(tmp_path / named)
    assert main(["query", named, "--config", config]) == 1
    assert error_line(capsys) == (
        f"error: {named}: is no regular file (a pipe or a device), not a query file"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["query", "papers-per-year"],
        ["export", "--output", "out.nq"],
        ["serve", "--port", "0"],
    ],
)
def test_a_store_that_is_a_symlink_loop_is_said_by_every_read_command(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    """``--store`` a symlink loop (``a -> b -> a``): ``query``, ``export`` and ``serve`` say
    the loop in the line a run says it with, exit 1 (before: "no store here yet (run
    `scholarkg run` first)", which a run then refused)."""
    link = tmp_path / "store-link"
    (tmp_path / "other").symlink_to(link)
    link.symlink_to(tmp_path / "other")
    config = str(write_config(tmp_path, []))
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--config", config, "--store", str(link)]) == 1
    assert error_line(capsys) == (
        f"error: {link}: is a symbolic link to nothing (a loop, or its target is not there)"
    )
    assert not (tmp_path / "out.nq").exists() and not (tmp_path / "data").exists()


def test_a_sparql_server_down_is_one_error_line_naming_its_endpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``scholarkg query`` with the configured SPARQL server down: exit 1, one ``error:`` line
    naming the endpoint without its query string (which may hold a key) and without the
    password. Before: an unprefixed ``the store could not answer: QueryError: …`` line (the
    server's log line, the URL's key in it), then ``error: the store could not answer: it
    cannot be reached``, which named no endpoint."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    config = write_config(tmp_path, [], store={"kind": "sparql", "query_url": f"{url}?key=s3cr3t"})
    monkeypatch.setenv("SCHOLARKG_SPARQL_USER", "someone")
    monkeypatch.setenv("SCHOLARKG_SPARQL_PASSWORD", "pa55word")
    assert main(["query", "papers-per-year", "--config", str(config)]) == 1
    line = error_line(capsys)
    assert line == f"error: the SPARQL server at {url} cannot be reached; try again shortly"


@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["prune", "--keep", "1"]])
@pytest.mark.parametrize("which", ["data", "quarantine", "loop"])
def test_quarantine_of_a_data_dir_that_is_no_directory_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], which: str
) -> None:
    """``[data] dir`` a file or a symlink loop, or its quarantine folder a file: ``quarantine
    list`` and ``prune`` say so in one line naming it, exit 1 (before: ``…: 0 runs``, exit 0,
    as if nothing were quarantined)."""
    config = str(write_config(tmp_path, []))
    data = tmp_path / "data"
    if which == "data":
        data.write_text("", encoding="utf-8")
        said = f"[data] dir {data}: a file, not a directory"
    elif which == "loop":
        (tmp_path / "other").symlink_to(data)
        data.symlink_to(tmp_path / "other")
        said = f"[data] dir {data}: a symbolic link to nothing"
    else:
        data.mkdir()
        (data / "quarantine").write_text("", encoding="utf-8")
        said = f"the quarantine folder {data / 'quarantine'}: a file, not a directory"
    assert main(["quarantine", *command, "--config", config]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and err.startswith(f"error: {said}"), err


@pytest.mark.parametrize(
    "variable",
    [
        "SCHOLARKG_DATA__DIR",
        "SCHOLARKG_SERVE__HOST",
        "SCHOLARKG_STORE__PATH",
        "SCHOLARKG_STORE",
        "SCHOLARKG_HTTP__CONTACT",
        "scholarkg_report__summary_query",
    ],
)
def test_a_setting_of_only_white_space_in_the_environment_is_refused_naming_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    """``SCHOLARKG_DATA__DIR=" "`` (an unset shell variable quoted with a space, say): exit 1,
    one line naming the variable, nothing made. Before: taken as it is, a data directory named
    by a space in the working directory, a server address of a space."""
    config = str(write_config(tmp_path, []))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, " \t")
    for argv in (["quarantine", "list"], ["query", "--list"]):
        assert main([*argv, "--config", config]) == 1
        assert error_line(capsys) == (
            f"error: environment {variable}: only white space; unset it (or set it empty) to "
            "leave the key to the config file and the defaults"
        )
    assert sorted(os.listdir(tmp_path)) == ["scholarkg.toml"]


def test_an_empty_setting_in_the_environment_is_unset_and_blank_text_in_a_file_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty variable leaves the key to the file, as before; ``host = " "`` in the file is
    refused naming the file and key (before: taken as an address)."""
    config = write_config(tmp_path, [])
    monkeypatch.setenv("SCHOLARKG_DATA__DIR", "")
    assert main(["quarantine", "list", "--config", str(config)]) == 0
    assert capsys.readouterr().out.startswith(f"{tmp_path / 'data' / 'quarantine'}: 0 runs")
    config.write_text(config.read_text(encoding="utf-8") + '[serve]\nhost = " "\n', "utf-8")
    assert main(["quarantine", "list", "--config", str(config)]) == 1
    line = config.read_text(encoding="utf-8").splitlines().index('host = " "') + 1
    assert error_line(capsys) == (
        f"error: {config}:{line}: [serve] host must not be only white space, got ' '"
    )


def test_many_failing_profiles_are_named_up_to_twenty_then_counted(tmp_path: Path) -> None:
    """60 profiles that are no profile page: the summary names the first 20 failures, then
    one line counting the 40 more and naming the JSON report, which holds all 60 (before:
    one ``failed:`` line per profile, 1000 lines for 1000; the snapshot door's quarantined
    lines stop at 20 alike)."""
    pages = []
    for n in range(60):
        page = tmp_path / "pages" / f"p{n:02d}.txt"
        page.parent.mkdir(exist_ok=True)
        page.write_text(f"not a profile {n}\n", encoding="utf-8")
        pages.append(page)
    config, report = build_store(tmp_path, [*pages])
    lines = report.summary_lines()
    failed = [line for line in lines if line.startswith("failed: ")]
    assert len(failed) == 21  # in the order given
    assert all(failed[n].startswith(f"failed: {pages[n]}:1: ") for n in range(20)), failed
    written = report.json_path(config.reports_dir)
    assert failed[20:] == [f"failed: … and 40 more, every one in the run report {written}"]
    assert len(json.loads(written.read_text(encoding="utf-8"))["failures"]) == 60


COMMAND = [sys.executable, "-m", "scholarkg.cli"]
LATIN1 = os.fsdecode(b"caf\xe9")  # a name of bytes that are no UTF-8, as the file system gives it


def test_a_working_directory_not_utf8_refuses_only_the_paths_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a working directory named in Latin-1, ``query`` and ``quarantine list`` of a config
    naming its paths answer (the default ``[profiles] sources``, located there, is never
    read); without a config, ``query`` refuses the one path it opens, the store, in one line
    (a run still refuses each: test_operator_hostile). Before: every command refused at the
    config, naming ``[profiles] sources``, which ``query`` never reads."""
    config, report = build_store(tmp_path, [SAMPLE_PROFILE])
    assert report.succeeded
    folder = tmp_path / LATIN1
    folder.mkdir()
    monkeypatch.chdir(folder)
    named = ["--config", str(config.source)]
    assert main(["query", "papers-per-year", "--format", "csv", *named]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("year,papers") and len(out.splitlines()) > 1 and err == ""
    assert main(["quarantine", "list", *named]) == 0
    assert capsys.readouterr().err == ""
    assert main(["query", "papers-per-year"]) == 1
    assert error_line(capsys) == (
        f"error: {tmp_path}/caf\\xe9/data/store: a path that is not UTF-8 text, which the "
        "embedded store cannot open; rename it"
    )
    assert os.listdir(folder) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_stdout_that_refuses_writes_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """stdout on a full disk (``> /dev/full``): ``query --list``, ``query`` of an answer,
    ``quarantine list [--json]`` and ``profile parse`` end with exit 1 and one line naming
    stdout and the system's reason (before: an OSError traceback, ``No space left on
    device``)."""
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    named = ["--config", str(config.source)]
    for argv in (
        ["query", "--list", *named],
        ["query", "papers-per-year", "--format", "csv", *named],
        ["quarantine", "list", *named],
        ["quarantine", "list", "--json", *named],
        ["profile", "parse", str(SAMPLE_PROFILE)],
    ):
        with open("/dev/full", "w", encoding="utf-8") as full:
            done = subprocess.run(
                [*COMMAND, *argv], stdout=full, stderr=subprocess.PIPE, text=True, timeout=300
            )
        assert (done.returncode, done.stderr.splitlines()) == (
            1,
            ["error: stdout: cannot write the output: No space left on device"],
        ), argv


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://[::1/query", "an http(s) URL that cannot be read (Invalid IPv6 URL)"),
        ("http://h:99999/q", "an http(s) URL that cannot be read (Port out of range 0-65535)"),
        ("https://:80/q", "an http(s) URL without a host"),
    ],
)
def test_a_sparql_url_that_cannot_be_fetched_is_refused_with_the_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, why: str
) -> None:
    """``[store] query_url`` an http(s) URL no request can be made to: exit 1, one line naming
    the file, key and why, before any worker starts (before: ``http://[::1/query`` and a port
    out of range passed, and ``query`` ended in a ValueError traceback; no host was the
    store's "could not answer")."""
    config = write_config(tmp_path, [], store={"kind": "sparql", "query_url": url})
    assert main(["query", "papers-per-year", "--config", str(config)]) == 1
    lines = config.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("query_url ="))
    assert error_line(capsys) == (
        f"error: {config}:{line}: [store] query_url: is {why}, got {url!r}"
    )


def test_a_file_sink_that_is_a_symlink_loop_is_said_by_query(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``[store] kind = "files"`` at a symlink loop: ``query`` says the loop, as for an
    embedded store (before: "no file sink here yet")."""
    link = tmp_path / "sink-link"
    (tmp_path / "other").symlink_to(link)
    link.symlink_to(tmp_path / "other")
    config = write_config(tmp_path, [], store={"kind": "files", "path": str(link)})
    assert main(["query", "papers-per-year", "--config", str(config)]) == 1
    assert error_line(capsys) == (
        f"error: {link}: is a symbolic link to nothing (a loop, or its target is not there)"
    )


@pytest.mark.parametrize(
    ("section", "line"),
    [("data", 'dir = ""'), ("store", 'path = " "')],
)
def test_an_empty_path_in_a_config_file_is_refused_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], section: str, line: str
) -> None:
    """``[data] dir = ""`` (or only white space): exit 1, one line naming the file and key
    (before: the config's own folder, so ``quarantine list`` listed ``<folder>/quarantine``
    and a run would have written its data beside the config)."""
    config = tmp_path / "odd.toml"
    config.write_text(f"[{section}]\n{line}\n", encoding="utf-8")
    key = line.split(" ", 1)[0]
    assert main(["quarantine", "list", "--config", str(config)]) == 1
    assert error_line(capsys) == (
        f"error: {config}:2: [{section}] {key}: an empty path; leave the key out for its default"
    )


def test_two_thousand_unknown_parameters_are_one_short_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """2000 ``--param`` a query does not use (a script's loop): one line naming the first ten
    and how many more (before: all 2000 names in the line)."""
    argv = ["query", "--sparql", "SELECT * WHERE { ?s ?p ?o }"]
    argv += [f"--param=p{n}=1" for n in range(1, 2001)]
    assert main(argv) == 1
    assert error_line(capsys) == (
        "error: unknown parameter(s) p1, p2, p3, p4, p5, p6, p7, p8, p9, p10 and 1990 more for "
        "this query; its parameters: o, p, s"
    )


@pytest.mark.parametrize("store", ["ftp://host/store", "HTTPS://host/query", "s3://bucket/key"])
def test_a_store_option_that_is_a_url_is_refused_naming_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    store: str,
) -> None:
    """``--store ftp://host/store`` (or an http(s) URL): exit 1, one line saying --store names
    a directory, nothing made (before: "<cwd>/ftp:/host/store: no store here yet", a folder
    named ``ftp:`` in the working directory, which a run would have made)."""
    config = str(write_config(tmp_path, []))
    monkeypatch.chdir(tmp_path)
    for argv in (["query", "papers-per-year"], ["run"]):
        assert main([*argv, "--config", config, "--store", store]) == 1
        assert error_line(capsys) == (
            f"error: --store {store}: a URL; --store names a directory, as a path or a file: "
            "URL (a SPARQL server is [store] kind = 'sparql' with its URLs)"
        )
    assert sorted(os.listdir(tmp_path)) == ["scholarkg.toml"]


def test_a_public_url_that_is_no_http_url_is_refused_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``SCHOLARKG_SERVE__PUBLIC_URL="kg.example.org"`` (no scheme): one line naming the
    variable (before: taken, and the service description and VoID named
    ``kg.example.org/sparql``, no URL at all); empty is none, as before."""
    monkeypatch.setenv("SCHOLARKG_SERVE__PUBLIC_URL", "kg.example.org")
    assert main(["query", "--list"]) == 1
    assert error_line(capsys) == (
        "error: environment SCHOLARKG_SERVE__PUBLIC_URL: [serve] public_url must be an http(s) "
        "URL, got 'kg.example.org'"
    )
    monkeypatch.setenv("SCHOLARKG_SERVE__PUBLIC_URL", "")
    assert main(["query", "--list"]) == 0
