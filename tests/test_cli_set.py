"""``--set SECTION.KEY=VALUE``: one key over the config file and the environment, read as
TOML and checked as the file's value is; a malformed one is a usage error naming the option.
Before, no command took it: one key could be changed only by a file or a variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.cli import build_parser, main
from scholarkg.cli.common import load

pytestmark = pytest.mark.usefixtures("clean_environment")  # tests/conftest.py


def _listed_dir(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The quarantine folder ``quarantine list`` reads (the ``[data] dir`` it was given)."""
    assert main(["quarantine", "list", *argv]) == 0
    out = capsys.readouterr().out
    return out.split(":", 1)[0]


def test_set_wins_over_the_environment_the_file_and_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(f'[data]\ndir = "{tmp_path / "file"}"\n', encoding="utf-8")
    mine = ["--config", str(config)]
    assert _listed_dir(mine, capsys) == str(tmp_path / "file" / "quarantine")
    monkeypatch.setenv("SCHOLARKG_DATA__DIR", str(tmp_path / "env"))
    assert _listed_dir(mine, capsys) == str(tmp_path / "env" / "quarantine")
    given = [*mine, "--set", f"data.dir={tmp_path / 'a'}", "--set", f"data.dir={tmp_path / 'b'}"]
    assert _listed_dir(given, capsys) == str(tmp_path / "b" / "quarantine")  # the last wins
    monkeypatch.chdir(tmp_path)  # a relative path follows the working directory
    assert _listed_dir([*mine, "--set", "data.dir=rel"], capsys) == str(
        tmp_path / "rel" / "quarantine"
    )


def test_a_value_is_read_as_toml_else_as_text(tmp_path: Path) -> None:
    argv = [
        "query",
        "--list",
        "--set",
        "store.segment_quads=500000",
        "--set",
        "arxiv.enabled=false",
        "--set",
        'arxiv.harvest_sets=["cs", "math"]',
        "--set",
        "serve.host=0.0.0.0",
        "--set",
        "store.loader_abort_deadline=2.5",
        "--set",
        "store.kind = sparql",
        "--set",
        "store.query_url=http://127.0.0.1:9/query",
    ]
    config = load(build_parser().parse_args(argv), read_only=True)
    assert config.store.segment_quads == 500000
    assert config.arxiv.enabled is False
    assert config.arxiv.harvest_sets == ("cs", "math")
    assert config.serve.host == "0.0.0.0"
    assert config.store.loader_abort_deadline == 2.5
    assert config.store.kind == "sparql"


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        (
            "store.segment_quads",
            "'store.segment_quads': no '=': write SECTION.KEY=VALUE, e.g. "
            "store.segment_quads=500000",
        ),
        ("segment_quads=1", "'segment_quads=1': write SECTION.KEY=VALUE"),
        (
            "store.segment_quadz=1",
            "'store.segment_quadz=1': [store] segment_quadz: unknown key; did you mean "
            "`store.segment_quads`?",
        ),
        ("stroe.path=x", "'stroe.path=x': unknown section [stroe]; did you mean [store]?"),
        ("store.nope=1", "'store.nope=1': [store] nope: unknown key"),
        (
            "store.segment_quads=true",
            "'store.segment_quads=true': [store] segment_quads must be a valid integer, got "
            "true (a TOML bool)",
        ),
        (
            "arxiv.enabled=1",
            "'arxiv.enabled=1': [arxiv] enabled must be true or false, got 1 (a TOML int)",
        ),
        (
            "store.loader_abort_deadline=0",
            "'store.loader_abort_deadline=0': [store] loader_abort_deadline must be > 0, got 0",
        ),
        (
            "store.kind=postgres",
            "'store.kind=postgres': [store] kind must be one of 'oxigraph', 'sparql' or 'files'",
        ),
        (
            "store.password=x",
            "'store.password=x': [store] password: a secret is never read from the command "
            "line; set SCHOLARKG_SPARQL_PASSWORD in the environment",
        ),
        (
            "schedules.nightly={}",
            "'schedules.nightly={}': write schedules.NAME.KEY=VALUE, e.g. "
            "schedules.nightly-profiles.cron='0 4 * * *'",
        ),
        (
            "schedules.nightly.crn=x",
            "'schedules.nightly.crn=x': [schedules.nightly] crn: unknown key; did you mean "
            "`schedules.nightly.cron`?",
        ),
        (
            "schedules.nightly.cron=61 * * * *",
            "'schedules.nightly.cron=61 * * * *': [schedules.nightly] cron: minute '61' is not "
            "a cron value",
        ),
        (
            "subject_codes.QQ=5",
            "'subject_codes.QQ=5': [subject_codes] QQ must be a valid string, got 5",
        ),
    ],
)
@pytest.mark.parametrize("command", [["query", "--list"], ["quarantine", "list"], ["run"]])
def test_a_malformed_set_is_a_usage_error_naming_the_option(
    command: list[str], given: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--config", "/nonexistent/scholarkg.toml", "--set", given])
    assert done.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    prog = "scholarkg " + " ".join(c for c in command if not c.startswith("-"))
    assert lines[-1].startswith(f"{prog}: error: argument --set: {problem}"), lines[-1]


def test_a_value_a_whole_check_refuses_names_the_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A check the key's own type cannot make (a store at the root) names the ``--set`` that
    gave the value, not the file."""
    config = tmp_path / "mine.toml"
    config.write_text(f'[data]\ndir = "{tmp_path / "data"}"\n', encoding="utf-8")
    assert main(["quarantine", "list", "--config", str(config), "--set", "store.path=/"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --set store.path=/: [store] path must name a directory"), err


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_run_s_flow_reads_the_set_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The build_kg flow reads the config again: ``--set`` reaches it as its ``settings``
    (the run's data directory is the one --set gives, not the file's)."""
    from conftest import write_config

    config = write_config(tmp_path, [])
    given = tmp_path / "given"
    assert main(["run", "--config", str(config), "--set", f"data.dir={given}"]) == 0
    assert len(list((given / "reports").glob("build-*.json"))) == 1, capsys.readouterr()
    assert not (tmp_path / "data" / "reports").exists()


def test_set_gives_one_entry_of_a_table_section(capsys: pytest.CaptureFixture[str]) -> None:
    """``[subject_codes]``: one code over the file's and the defaults (in the case written);
    ``[schedules.NAME]``: one key of a schedule in force, the defaults' when the file has none
    (before: refused, ``[schedules] is one table``)."""
    argv = ["query", "--list", "--set", "subject_codes.QQ=cs.AI", "--set", "subject_codes.PHY=x"]
    config = load(build_parser().parse_args(argv), read_only=True)
    assert (config.subject_codes["QQ"], config.subject_codes["PHY"]) == ("cs.AI", "x")
    assert "qq" not in config.subject_codes and len(config.subject_codes) > 2
    later = ["--set", "schedules.nightly-profiles.cron=0 4 * * 1", "--config-set"]
    assert (
        main(["schedule", "list", *later, "schedules.nightly-profiles.timezone=Europe/Paris"]) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "build_kg/nightly-profiles: cron '0 4 * * 1' (Europe/Paris)"
    assert lines[1].startswith("harvest_arxiv/daily-arxiv-harvest: cron '30 4 * * *'")


def test_a_new_schedule_set_without_its_flow_names_the_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["schedule", "list", "--set", "schedules.weekly.cron=0 4 * * 1"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "error: --set schedules.weekly.cron=0 4 * * 1: [schedules.weekly] flow: missing"
