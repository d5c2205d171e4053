"""The scholarkg command line, run in-process and as a real subprocess."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.cli import build_parser, main


def test_profile_parse_shows_only_what_the_page_states(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Constructed pages: one stating two metrics, one stating no subject code nor metric.
    Before, the summary printed ``novelty None%`` and ``(None → unknown)``."""
    config = str(write_config(tmp_path, []))
    page = tmp_path / "page.txt"
    page.write_text("Jane Doe\nLG\nh-index3\n12citations\n\n0 Papers\n", encoding="utf-8")
    assert main(["profile", "parse", str(page), "--config", config]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        "Jane Doe (LG → cs.LG)",
        "h-index 3, citations 12",
    ]
    page.write_text("Jane Doe\n\n0 Papers\n", encoding="utf-8")
    assert main(["profile", "parse", str(page), "--config", config]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        "Jane Doe (no subject code)",
        "no metrics stated",
    ]


def test_profile_parse_json(capsys: pytest.CaptureFixture[str], config_file: Path) -> None:
    assert (
        main(["profile", "parse", str(SAMPLE_PROFILE), "--json", "--config", str(config_file)]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "Léonard Hussenot" and len(data["papers"]) == 25
    assert data["papers"][0]["date"] == "2024-07-31" and data["metrics"]["citations"] == 11030


def test_malformed_profile_is_one_line_error_and_nonzero_exit(
    tmp_path: Path, config_file: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("\n\n<html><body>404</body></html>\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scholarkg.cli",
            "profile",
            "parse",
            str(bad),
            "--config",
            str(config_file),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: {bad}:3: looks like HTML, not a researcher profile page"
    assert "Traceback" not in done.stderr


def test_quarantined_paper_exits_nonzero_and_names_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"LGJul 19, 2024\n", b"LGFeb 30, 2024\n"))
    assert main(["profile", "parse", str(page), "--config", str(write_config(tmp_path, []))]) == 1
    err = capsys.readouterr().err
    assert f"quarantined: {page}:19: impossible date" in err


def test_missing_file_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], config_file: Path
) -> None:
    assert main(["profile", "parse", "/no/such/profile.txt", "--config", str(config_file)]) == 1
    assert "error: /no/such/profile.txt: cannot read profile file" in capsys.readouterr().err


@pytest.mark.parametrize("given", ["", "  "])
def test_profile_parse_of_an_empty_location_is_a_usage_error(
    given: str, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the working directory was read, 'error: : cannot read profile file: Is a
    directory' (no source named)."""
    with pytest.raises(SystemExit) as done:
        main(["profile", "parse", given, "--config", str(config_file)])
    assert done.value.code == 2
    assert "argument PATH_OR_URL: an empty location" in capsys.readouterr().err


@pytest.mark.parametrize("given", ["", "  "])
def test_export_to_an_empty_output_is_a_usage_error(
    given: str, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--output "$OUT"`` with OUT unset: before, the dump was written to [data]
    dir/exports as an export outside a publication, which took over the published dump's
    file (the description then no longer owned it), where stdout or a file was meant."""
    with pytest.raises(SystemExit) as done:
        main(["export", "--output", given, "--config", str(config_file)])
    assert done.value.code == 2
    assert "argument --output: an empty path" in capsys.readouterr().err


def test_bad_config_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[store]\nkind = 'postgres'\n", encoding="utf-8")
    assert main(["query", "papers-per-year", "--config", str(config)]) == 1
    assert "[store] kind must be one of" in capsys.readouterr().err


# What each command needs besides --config to reach its work (every command is here: a new one
# must say how it takes a bad config too).
_ARGUMENTS = {
    "scholarkg run": [],
    "scholarkg profile parse": ["examples/profiles/leonard-hussenot.txt"],
    "scholarkg query": ["--list"],
    "scholarkg export": [],
    "scholarkg serve": [],
    "scholarkg arxiv fetch": ["2104.12255"],
    "scholarkg arxiv harvest": [],
    "scholarkg arxiv load-snapshot": ["snapshot.json"],
    "scholarkg schedule serve": [],
    "scholarkg schedule list": [],
    "scholarkg quarantine list": [],
    "scholarkg quarantine prune": ["--keep", "1"],
}


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("[store\nkind = 'oxigraph'\n", " invalid TOML: Expected ']'"),
        ("[store]\nbogus = 1\n", "2: [store] bogus: unknown key"),
    ],
    ids=["unparsable", "unknown-key"],
)
def test_every_command_refuses_a_bad_config_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, problem: str
) -> None:
    """Each command fails on a config that does not parse or names an unknown key, with the
    same one line and exit code (before: ``query --list`` printed the list and exited 0)."""
    config = tmp_path / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    paths = _command_paths(build_parser(), "scholarkg")
    assert sorted(paths) == sorted(_ARGUMENTS)
    for path in paths:
        argv = [*path.split()[1:], *_ARGUMENTS[path], "--config", str(config)]
        assert main(argv) == 1, path
        captured = capsys.readouterr()
        assert captured.out == "", path
        assert captured.err.startswith(f"error: {config}:{problem}"), path
        assert captured.err.count("\n") == 1, path


def test_query_before_any_run_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], config_file: Path
) -> None:
    assert main(["query", "papers-per-year", "--config", str(config_file)]) == 1
    assert "no store here yet" in capsys.readouterr().err


def _command_paths(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
    """Every command path (``scholarkg arxiv fetch`` …) a parser accepts."""
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        return [prefix]
    return [
        path
        for name, sub in actions[0].choices.items()
        for path in _command_paths(sub, f"{prefix} {name}")
    ]


def test_query_text_that_is_not_utf8_is_a_one_line_error(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A .rq file or --sparql text of bytes that are not UTF-8 ended in a UnicodeDecodeError /
    UnicodeEncodeError traceback."""
    rq = tmp_path / "latin1.rq"
    rq.write_bytes('SELECT * WHERE { ?s ?p "é" }'.encode("latin-1"))
    assert main(["query", str(rq), "--config", str(config_file)]) == 1
    assert capsys.readouterr().err == f"error: {rq}: not UTF-8 text (byte 24)\n"
    sparql = b'SELECT * WHERE { ?s ?p "\xff" }'.decode("utf-8", "surrogateescape")  # as argv
    assert main(["query", "--sparql", sparql, "--config", str(config_file)]) == 1
    err = capsys.readouterr().err
    assert err == "error: --sparql: not valid text (bytes that are not UTF-8, at 24)\n"


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    paths = _command_paths(build_parser(), "scholarkg")
    assert "scholarkg arxiv load-snapshot" in paths and "scholarkg run" in paths
    for path in paths:
        assert f"`{path}" in readme, f"README does not document `{path}`"


def test_serve_command_answers_sparql_read_only(tmp_path: Path, config_file: Path) -> None:
    import re
    import signal

    import requests

    from scholarkg.config import load_config
    from scholarkg.runs.build import build
    from scholarkg.store.embedded import EmbeddedStore

    papers = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/scholarkg/ontology#Paper> }"
    config = load_config(config_file)
    build(config)
    with EmbeddedStore(config.store.path, read_only=True) as store:
        person_path = next(
            g for g in store.graph_names() if "/graph/person/leonard-hussenot" in g
        ).split("/graph/", 1)[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scholarkg.cli",
            "serve",
            "--port",
            "0",
            "--config",
            str(config_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+/)", first)
        assert match, first
        url = match.group(1)
        answer = requests.get(
            url + "sparql",
            params={"query": papers},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert answer.json()["results"]["bindings"][0]["n"]["value"] == "25"
        refused = requests.post(url + "update", data={"update": "CLEAR ALL"}, timeout=60)
        assert refused.status_code == 403
        person = requests.get(
            url + "id/" + person_path, headers={"Accept": "text/turtle"}, timeout=60
        )
        assert person.status_code == 200 and "Léonard Hussenot" in person.text
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=60) == 0


def test_export_writes_a_dump_that_round_trips(tmp_path: Path, config_file: Path) -> None:
    import hashlib

    import pyoxigraph as ox

    from rdf_sets import canonical
    from scholarkg.config import load_config
    from scholarkg.runs.build import build
    from scholarkg.store.embedded import EmbeddedStore

    config = load_config(config_file)
    build(config)
    with EmbeddedStore(config.store.path, read_only=True) as store:
        expected = canonical(store.native)
    out = tmp_path / "dump.nq"
    assert (
        main(["export", "--format", "nq", "--output", str(out), "--config", str(config_file)]) == 0
    )
    # blank nodes compared canonically (the dump labels them from content, the store at random)
    assert canonical(ox.parse(out.read_bytes(), format=ox.RdfFormat.N_QUADS)) == expected
    digest, name = (tmp_path / "dump.nq.sha256").read_text().split()
    assert (digest, name) == (hashlib.sha256(out.read_bytes()).hexdigest(), "dump.nq")


def test_export_of_a_store_that_is_not_there_publishes_nothing(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --store used to be created empty and published: its empty dump and VoID
    replaced the data directory's published ones (exit 0, "0 quads")."""
    from scholarkg.config import load_config
    from scholarkg.runs.build import build

    config = load_config(config_file)
    build(config)
    dump = config.exports_dir / "scholarkg.nq"
    published = dump.read_bytes()
    description = (config.data_dir / "void.ttl").read_bytes()
    typo = tmp_path / "stroe"
    assert main(["export", "--config", str(config_file), "--store", str(typo)]) == 1
    assert (
        capsys.readouterr().err == f"error: {typo}: no store here yet (run `scholarkg run` first)\n"
    )
    assert not typo.exists()
    assert dump.read_bytes() == published
    assert (config.data_dir / "void.ttl").read_bytes() == description


def test_schedule_list_shows_the_configured_deployments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[schedules.weekly]\nflow = "build_kg"\ncron = "0 6 * * 1"\ntimezone = "Europe/Paris"\n',
        encoding="utf-8",
    )
    assert main(["schedule", "list", "--config", str(config)]) == 0
    assert capsys.readouterr().out.strip() == "build_kg/weekly: cron '0 6 * * 1' (Europe/Paris)"
    config.write_text('[schedules.bad]\nflow = "nope"\ncron = "0 6 * * 1"\n', encoding="utf-8")
    assert main(["schedule", "list", "--config", str(config)]) == 1
    assert "flow must be one of" in capsys.readouterr().err


def test_serve_with_a_bad_or_busy_port_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from serve_fixtures import build_v2_store

    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", "99999"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "99999 is not a port (0-65535)" in err and "Traceback" not in err
    monkeypatch.setenv("SCHOLARKG_STORE", str(build_v2_store(tmp_path / "store")))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot serve on 127.0.0.1:{port}:") and "Traceback" not in err


def test_export_takes_a_graph_in_angle_brackets_as_the_summary_writes_it(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--graph "<…/graph/ontology>"``, pasted from a summary's ``left out: graph <…>`` line,
    was taken with its brackets: "graph <<…>> is not in the store"."""
    import pyoxigraph as ox

    from scholarkg.config import load_config
    from scholarkg.runs.build import build

    config = load_config(config_file)
    build(config)
    ontology = f"{config.iri_base}graph/ontology"
    written = []
    for given in (f"<{ontology}>", f" {ontology} "):
        out = tmp_path / f"ontology-{len(written)}.ttl"
        argv = ["export", "--format", "ttl", "--graph", given, "--output", str(out)]
        assert main([*argv, "--config", str(config_file)]) == 0
        written.append(out.read_bytes())
    assert written[0] == written[1]
    triples = list(ox.parse(written[0], format=ox.RdfFormat.TURTLE))
    assert len(triples) > 100
    capsys.readouterr()


@pytest.mark.parametrize("given", ["", "  ", "DIR"])
def test_every_command_refuses_a_config_path_that_names_no_file(
    given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--config ""`` (an unset variable, say) is a usage error, as ``--store ""`` is (before:
    the defaults were used without a word, their store and data directory under the working
    directory; then exit 1, 'error: --config: no file given', without the usage); a directory
    is one line that says so (before: 'invalid TOML: [Errno 21] Is a directory')."""
    monkeypatch.chdir(tmp_path)
    config = str(tmp_path) if given == "DIR" else given
    for path in _command_paths(build_parser(), "scholarkg"):
        argv = [*path.split()[1:], *_ARGUMENTS[path], "--config", config]
        if given == "DIR":
            assert main(argv) == 1, path
            captured = capsys.readouterr()
            expected = f"error: {tmp_path}: cannot read config file: Is a directory\n"
            assert (captured.out, captured.err) == ("", expected), path
            continue
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 2, path
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.startswith(f"usage: {path} "), path
        assert captured.err.splitlines()[-1] == (
            f"{path}: error: argument --config: no file given (an empty path)"
        ), path
    assert list(tmp_path.iterdir()) == []  # nothing made
