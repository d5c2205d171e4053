"""``scholarkg run`` as a user runs it: one summary, one-line errors, no tracebacks, and an exit
code and a report that say what happened (a real Prefect API: started by the CLI itself for a
store that is down, the session's for the others, as ``PREFECT_API_URL`` names one: ~9 CPU-s
less each)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from building import run_cli, sparql_store
from conftest import write_config
from loopback import free_port
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.runs.state_paths import registry_path

BOUND = 300


@pytest.mark.flow
def test_a_store_that_is_down_is_one_line_and_a_report(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    config = write_config(
        tmp_path,
        [SAMPLE_PROFILE],
        store=sparql_store(dead),
    )
    done = run_cli(config)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    failed = [line for line in done.stdout.splitlines() if line.startswith("failed: store:")]
    assert len(failed) == 1 and "cannot connect" in failed[0]
    assert "outcome: failed" in done.stdout
    [report] = (tmp_path / "data" / "reports").glob("build-*.json")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["outcome"] == "failed" and data["kept"] > 0


@pytest.mark.flow
@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (b"<html><body>Not a profile</body></html>", "looks like HTML"),
        (b"\xfa\xff\xfe broken", "not UTF-8 text at byte 0 (0xfa)"),  # no byte-order mark
    ],
)
@pytest.mark.usefixtures("prefect_harness")
def test_bad_input_is_one_line_without_tracebacks(
    tmp_path: Path, content: bytes, says: str
) -> None:
    from prefect.settings import PREFECT_API_URL

    page = tmp_path / "page.txt"
    page.write_bytes(content)
    config = write_config(tmp_path, [page])
    done = run_cli(config, prefect_api=str(PREFECT_API_URL.value()))
    assert done.stderr.splitlines()[1:2] == [f"Prefect: reporting to {PREFECT_API_URL.value()}"]
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    [line] = [line for line in done.stdout.splitlines() if line.startswith("failed:")]
    assert str(page) in line and says in line


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_an_identity_registry_in_another_layout_is_one_line_and_left_as_it_is(
    tmp_path: Path,
) -> None:
    """A registry of another layout was read as if it were this one's (its old tables kept)."""
    from prefect.settings import PREFECT_API_URL

    config = write_config(tmp_path, [SAMPLE_PROFILE])
    path = registry_path(load_config(config))
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema', '2')")
        db.execute("CREATE TABLE persons (id INTEGER PRIMARY KEY, slug TEXT)")
    before = path.read_bytes()
    done = run_cli(config, prefect_api=str(PREFECT_API_URL.value()))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert str(path) in line and "layout 2" in line and "reads layout 4" in line
    assert path.read_bytes() == before  # nothing written into it


@pytest.mark.flow
@pytest.mark.parametrize(
    ("query", "says"),
    [("nope", "nope: no such query file or saved query"), ("fact-provenance", "needs parameter")],
)
def test_a_summary_query_it_cannot_show_stops_the_run_before_it_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], query: str, says: str
) -> None:
    """It was found after the run had loaded and published everything: the run ended ok,
    then 'error: nope: no such query…' and exit 1."""
    from scholarkg.cli import main

    config = write_config(tmp_path, [SAMPLE_PROFILE], report={"summary_query": query})
    assert main(["run", "--config", str(config)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: [report] summary_query: {query}") and says in line
    assert not (tmp_path / "store").exists() and not (tmp_path / "data" / "exports").exists()


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("", "an empty location (leave --profile out to build [profiles] sources alone)"),
        ("  ", "an empty location (leave --profile out to build [profiles] sources alone)"),
        ("file://example.org/p.txt", "file://example.org/p.txt: a file: URL of another host"),
    ],
)
def test_a_profile_that_names_nothing_here_is_a_usage_error(
    given: str,
    problem: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--profile ""`` (an unset variable) was the working directory: a whole run, then
    'failed: <cwd>: cannot read profile file: Is a directory', exit 1."""
    from scholarkg.cli import main

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as done:
        main(["run", "--profile", given, "--config", str(write_config(tmp_path, []))])
    assert done.value.code == 2
    assert f"argument --profile: {problem}" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scholarkg.toml"]  # nothing made


@pytest.mark.parametrize("kind", ["oxigraph", "files"])
@pytest.mark.parametrize("where", ["a-file", "a-file/store"])
def test_a_store_path_that_cannot_be_a_store_stops_the_run_before_prefect_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, where: str
) -> None:
    """Before: a temporary Prefect API was started and the run's flow failed, said as
    'error: the build_kg flow run ended Failed: …'; now the path is checked with the config."""
    from scholarkg.cli import main

    (tmp_path / "a-file").write_text("not a store\n")
    store = tmp_path / where
    config = write_config(tmp_path, [SAMPLE_PROFILE], store={"kind": kind, "path": str(store)})
    assert main(["run", "--config", str(config)]) == 1
    captured = capsys.readouterr()
    problem = {
        "a-file": "is a file, not a store directory",
        "a-file/store": f"cannot be a store directory: {tmp_path / 'a-file'} is a file",
    }[where]
    assert captured.err.splitlines() == [f"error: {store}: {problem}"]
    assert "Prefect" not in captured.out + captured.err
    assert not (tmp_path / "data").exists()


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_run_its_flow_refuses_on_a_config_error_says_that_error(tmp_path: Path) -> None:
    """The command read its config, then the flow read it again and refused it (the file was
    changed in between): the ConfigError's own line, exit 1 as for the other config errors.
    Before: ScholarKGError('the build_kg flow run ended Failed: <its line>')."""
    import argparse

    from scholarkg.cli import run
    from scholarkg.errors import ConfigError

    good = write_config(tmp_path, [SAMPLE_PROFILE])
    config = load_config(good)
    summary = run._summary_query(config)
    good.write_text("[store]\nbogus = 1\n", encoding="utf-8")  # changed after it was read
    args = argparse.Namespace(config=str(good), profile=None, verbose=False)
    with pytest.raises(ConfigError) as caught:
        run._start(args, config, summary)
    assert str(caught.value) == f"{good}:2: [store] bogus: unknown key"
    assert not (tmp_path / "store").exists()
