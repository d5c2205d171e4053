"""An embedded store at the data directory (or a part of it, or holding it) is one error line
naming what gave ``[store] path``: the ``--set`` (or a flow's ``settings``) as typed, the
environment variable, the config file's line, else the defaults; and what gave ``[data] dir``
when that was another. Before, the line always named the config file (or the defaults), even
for a path only ``--set`` or a variable gave, sending the user to a file that did not hold it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.errors import ConfigError

pytestmark = pytest.mark.usefixtures("clean_environment")  # tests/conftest.py


@pytest.fixture(autouse=True)
def in_tmp_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Paths are read from ``tmp_path``."""
    monkeypatch.chdir(tmp_path)


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_set_store_path_is_named_not_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    config = _config(tmp_path, f'[data]\ndir = "{data}"\n')
    given = f"store.path={data / 'raw'}"
    for option in ("--set", "--config-set"):
        line = _error(["quarantine", "list", "--config", str(config), option, given], capsys)
        assert line.startswith(f"error: {option} {given}: [store] path {data / 'raw'} is [data]")
        assert line.endswith(f"its own ([data] dir given by {config}:2)"), line
    with pytest.raises(ConfigError) as refused:
        load_config(config, [given], option="settings")  # a flow's settings parameter
    assert str(refused.value).startswith(f"settings {given}: [store] path")


def test_a_store_path_from_the_environment_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, '[store]\npath = "elsewhere"\n')
    for variable in ("SCHOLARKG_STORE__PATH", "SCHOLARKG_STORE"):
        monkeypatch.setenv(variable, "data")
        line = _error(["quarantine", "list", "--config", str(config)], capsys)
        assert line.startswith(f"error: environment {variable}: [store] path "), line
        monkeypatch.delenv(variable)


def test_a_store_path_the_file_writes_names_its_line(tmp_path: Path) -> None:
    config = _config(tmp_path, '# mine\n[store]\npath = "data"\n')
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    assert str(refused.value).startswith(f"{config}:3: [store] path {tmp_path / 'data'} is")


def test_a_data_dir_given_elsewhere_is_named_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file's store path is fine until ``--set data.dir`` (or a variable) puts the data
    directory under it: both are named."""
    config = _config(tmp_path, '[store]\npath = "kg"\n')
    line = _error(["quarantine", "list", "--config", str(config), "--set", "data.dir=kg"], capsys)
    assert line.startswith(f"error: {config}:2: [store] path {tmp_path / 'kg'} is [data] dir")
    assert line.endswith("; name a directory of its own ([data] dir given by --set data.dir=kg)")
    monkeypatch.setenv("SCHOLARKG_DATA__DIR", "kg/raw")
    line = _error(["quarantine", "list", "--config", str(config)], capsys)
    assert line.endswith("([data] dir given by environment SCHOLARKG_DATA__DIR)"), line
    monkeypatch.setenv("SCHOLARKG_DATA__DIR", "data/store")  # the default store path's
    line = _error(["quarantine", "list"], capsys)
    assert line.startswith("error: ") and "default.toml: [store] path" in line, line


def test_store_names_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--store`` wins over every other store path; a clash names it."""
    config = _config(tmp_path, '[store]\npath = "kg"\n')
    line = _error(["run", "--config", str(config), "--store", "data/state"], capsys)
    assert line.startswith("error: --store data/state: is [data] dir"), line


def test_a_flow_s_store_path_names_the_parameter(tmp_path: Path) -> None:
    """A deployment's ``store_path`` reaches the run with no ``--store`` typed: its refusal
    names the parameter (before: ``--store``)."""
    from scholarkg_flows.build_kg import load_run_config

    with pytest.raises(ConfigError) as refused:
        load_run_config(None, "data/state")
    assert str(refused.value).startswith("store_path data/state: is [data] dir"), refused.value
