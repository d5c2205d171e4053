"""``[schedules.*] parameters`` are checked against the flow's signature and schema when the
schedules are listed or served: a name the flow lacks, or a value of a type its schema refuses,
is one :class:`ConfigError` line naming what gave it (the file's line, the variable, the ``--set``
as typed), the schedule's key and the parameter. Before, Prefect took any name, and a typo failed
only when a worker ran the deployment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.errors import ConfigError

WEEKLY = """
[schedules.weekly]
flow = "harvest_arxiv"
cron = "0 4 * * 1"
parameters = {parameters}
"""


pytestmark = pytest.mark.usefixtures("clean_environment")  # tests/conftest.py


def _config(tmp_path: Path, parameters: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(WEEKLY.replace("{parameters}", parameters), encoding="utf-8")
    return path


def _listed(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["schedule", "list", *argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err.strip()


def test_an_unknown_parameter_name_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, '{ set_spc = "cs" }')
    assert _listed(["--config", str(config)], capsys) == (
        1,
        f"error: {config}:5: [schedules.weekly] parameters (flow harvest_arxiv): got an "
        "unexpected keyword argument 'set_spc'",
    )
    from scholarkg_flows.deployments import deployments_for

    with pytest.raises(ConfigError, match=rf"^{config}:5: \[schedules\.weekly\] parameters "):
        deployments_for(load_config(config))  # schedule serve: refused before serving


def test_a_parameter_of_a_table_is_named_by_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file's line, as for any key of the file it refuses (before: the table header's,
    and before that the file alone)."""
    config = tmp_path / "mine.toml"
    config.write_text(
        '# mine\n\n[schedules.weekly]\nflow = "harvest_arxiv"\ncron = "0 4 * * 1"\n\n'
        '[schedules.weekly.parameters]\nset_spc = "cs"\n',
        encoding="utf-8",
    )
    code, err = _listed(["--config", str(config)], capsys)
    assert (code, err.split(": [")[0]) == (1, f"error: {config}:8")


def test_a_value_of_the_wrong_type_names_the_parameter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, '{ again = "yes" }')
    code, err = _listed(["--config", str(config)], capsys)
    assert code == 1
    assert err.startswith(
        f"error: {config}:5: [schedules.weekly] parameters (flow harvest_arxiv): again: 'yes' is "
        "not of type 'boolean'"
    ), err
    assert "\n" not in err


def test_a_setting_the_run_would_refuse_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, '{ settings = ["arxiv.min_intervall=5"] }')
    code, err = _listed(["--config", str(config)], capsys)
    assert code == 1
    assert err.startswith(
        f"error: {config}:5: [schedules.weekly] parameters (flow harvest_arxiv): settings: "
        "'arxiv.min_intervall=5': [arxiv] min_intervall: unknown key"
    ), err


def test_parameters_given_by_set_or_the_environment_name_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    given = "schedules.daily-arxiv-harvest.parameters={ set_spc = 'cs' }"
    for option in ("--set", "--config-set"):  # the defaults' schedules, one changed
        code, err = _listed([option, given], capsys)
        assert (code, err.split(": [")[0]) == (1, f"error: {option} {given}")
        assert "[schedules.daily-arxiv-harvest] parameters" in err and "'set_spc'" in err
    from scholarkg_flows.deployments import deployments_for

    with pytest.raises(ConfigError, match=f"^--set {given}: "):  # schedule serve --set
        deployments_for(load_config(None, [given]), [given])
    config = _config(tmp_path, "{}")
    weekly = '{"flow": "load_snapshot", "cron": "0 4 * * 1", "parameters": {"pth": "x"}}'
    monkeypatch.setenv("SCHOLARKG_SCHEDULES", f'{{"weekly": {weekly}}}')
    code, err = _listed(["--config", str(config)], capsys)
    assert code == 1
    assert err.startswith(
        "error: environment SCHOLARKG_SCHEDULES: [schedules.weekly] parameters (flow "
        "load_snapshot): "
    ), err


def test_parameters_the_flow_takes_are_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, '{ set_spec = "math", again = true }')
    assert main(["schedule", "list", "--config", str(config)]) == 0
    assert "again=True, set_spec='math'" in capsys.readouterr().out


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """``scholarkg`` in a child process; a Prefect API it cannot reach, so a schedule it
    served would fail rather than start a server."""
    environment = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api"}
    return subprocess.run(
        [sys.executable, "-m", "scholarkg", *argv],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("option", ["--set", "--config-set"])
def test_serve_and_list_name_the_set_as_typed(option: str) -> None:
    """Both commands refuse a schedule's bad parameter before serving anything, naming the
    option as typed (before: ``schedule serve`` handed its ``--set`` values on as a flow's
    ``settings`` text, and named ``--config-set`` ``--set``)."""
    given = "schedules.daily-arxiv-harvest.parameters={ set_spc = 'cs' }"
    for command in ("list", "serve"):
        done = _cli("schedule", command, option, given)
        assert (done.returncode, done.stdout) == (1, ""), (command, done.stderr)
        assert done.stderr == (
            f"error: {option} {given}: [schedules.daily-arxiv-harvest] parameters (flow "
            "harvest_arxiv): got an unexpected keyword argument 'set_spc'\n"
        ), command


@pytest.mark.parametrize(
    ("written", "line"),
    [
        ('parameters = { set_spec = "cs", set_spc = "cs" }', 4),  # its inline table's line
        ('parameters.set_spec = "cs"\nparameters.set_spc = "cs"', 5),  # dotted keys
        ('parameters = { settings = [\n  "arxiv.min_interval=5",\n], set_spc = "cs" }', 6),
    ],
)
def test_a_bad_parameter_written_inline_is_named_at_its_own_line(
    tmp_path: Path, written: str, line: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """REPRODUCED: named at the line of ``parameters`` (4), not the bad parameter's."""
    config = tmp_path / "mine.toml"
    config.write_text(
        f'[schedules.weekly]\nflow = "harvest_arxiv"\ncron = "0 4 * * 1"\n{written}\n',
        encoding="utf-8",
    )
    code, err = _listed(["--config", str(config)], capsys)
    assert (code, err.split(": [")[0]) == (1, f"error: {config}:{line}"), err
    assert err.endswith("got an unexpected keyword argument 'set_spc'"), err


def test_a_bad_parameter_of_a_sub_table_is_named_at_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """REPRODUCED: named at the line of ``[schedules.weekly.parameters]`` (7), not the bad
    parameter's (9)."""
    config = tmp_path / "mine.toml"
    config.write_text(
        '# mine\n\n[schedules.weekly]\nflow = "harvest_arxiv"\ncron = "0 4 * * 1"\n\n'
        '[schedules.weekly.parameters]\nset_spec = "cs"\nagain = "yes"\n',
        encoding="utf-8",
    )
    code, err = _listed(["--config", str(config)], capsys)
    assert (code, err.split(": [")[0]) == (1, f"error: {config}:9")
    assert "again: 'yes' is not of type 'boolean'" in err


def test_schedule_serve_reads_the_config_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """REPRODUCED: ``schedule serve`` loaded the configuration twice, once to fail fast and
    again to serve (from ``--config`` as typed: ``--config ~/mine.toml`` was then not found).
    Prefect's ``serve`` is replaced by one that keeps what it is given: it would block."""
    import scholarkg_flows.deployments as deployments

    import scholarkg.config.loader as loader

    reads: list[Path] = []
    read_file = loader.read_file

    def counted(path: Path) -> dict[str, object]:
        reads.append(path)
        return read_file(path)

    served: list[object] = []
    monkeypatch.setattr(loader, "read_file", counted)
    monkeypatch.setattr(deployments, "serve", lambda *given: served.extend(given))
    monkeypatch.setenv("HOME", str(tmp_path))
    config = _config(tmp_path, '{ set_spec = "math" }')
    for given in (str(config), "~/mine.toml"):
        reads.clear()
        served.clear()
        assert main(["schedule", "serve", "--config", given]) == 0, capsys.readouterr().err
        assert reads == [config], given
        assert [getattr(d, "name", None) for d in served] == ["weekly"]
        assert served[0].parameters["config_path"] == str(config)  # type: ignore[attr-defined]
