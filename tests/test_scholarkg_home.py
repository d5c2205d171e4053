"""``SCHOLARKG_HOME`` names the folder of scholarkg's data files; a value that names no such
folder is one line naming the variable and the path, never ignored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scholarkg.cli import main
from scholarkg.errors import ConfigError
from scholarkg.resources import queries_dir

CHECKOUT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [["query", "--list"], ["query", "papers-per-year"], ["export", "--output", "-"]],
)
def test_a_home_that_is_not_there_is_one_line(
    command: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    missing = tmp_path / "nonexistent"
    monkeypatch.setenv("SCHOLARKG_HOME", str(missing))
    monkeypatch.setenv("SCHOLARKG_STORE", str(tmp_path / "store"))
    assert main(command) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"error: SCHOLARKG_HOME={missing}: no such directory"]


def test_a_folder_that_is_no_home_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "queries").mkdir()
    monkeypatch.setenv("SCHOLARKG_HOME", str(tmp_path))
    with pytest.raises(ConfigError) as caught:
        queries_dir()
    assert str(caught.value).startswith(
        f"SCHOLARKG_HOME={tmp_path}: not a scholarkg home (no config/default.toml there"
    )


def test_a_home_is_where_the_data_files_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    for folder in ("config", "queries"):
        shutil.copytree(CHECKOUT / folder, home / folder)
    for extra in home.joinpath("queries").glob("*.rq"):
        if extra.stem != "papers-per-year":
            extra.unlink()
    monkeypatch.setenv("SCHOLARKG_HOME", str(home))
    assert queries_dir() == home / "queries"
    assert main(["query", "--list"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("papers-per-year ")
