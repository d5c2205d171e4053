"""``--store`` given as an empty path, the working directory (``.``) or the root (``/``) is a
one-line error naming it, or the directory it means, never a traceback.

Measured before: ``scholarkg query --store . NAME``, ``--store ""`` and ``--store /`` (and
``export``) ended in ``ValueError: PosixPath('.') has an empty name``, a traceback, because the
path was kept as typed and the readers' checkpoint beside the store is named after it;
``SCHOLARKG_STORE=/`` or ``[store] path = "/"`` did the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.errors import ConfigError


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("command", [["query", "papers-per-year"], ["export"]])
def test_the_working_directory_as_the_store_is_that_directory(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    data = tmp_path.parent / f"{tmp_path.name}-data"  # not under the store (see below)
    monkeypatch.setenv("SCHOLARKG_DATA__DIR", str(data))
    assert main([*command, "--store", "."]) == 1
    line = one_error_line(capsys)
    assert line.startswith(f"error: {tmp_path.resolve()}: no store here yet"), line
    assert list(tmp_path.iterdir()) == []  # nothing made there


@pytest.mark.parametrize("command", [["query", "papers-per-year"], ["export"], ["run"]])
@pytest.mark.parametrize("given", ["", "  "])
def test_an_empty_store_path_is_refused(
    command: list[str],
    given: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as done:  # before: exit 1, after the config was read
        main([*command, "--store", given])
    assert done.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"scholarkg {command[0]}: error: argument --store: no directory given (an empty path)"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["query", "papers-per-year"], ["export"]])
def test_the_root_as_the_store_is_refused(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--store", "/"]) == 1
    line = one_error_line(capsys)
    assert line.startswith("error: --store /: must name a directory below /"), line


def test_the_root_as_the_configured_store_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "root-store.toml"
    mine.write_text('[store]\npath = "/"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"root-store.toml:2: \[store\] path must name a"):
        load_config(mine)
    monkeypatch.setenv("SCHOLARKG_STORE", "/")
    with pytest.raises(ConfigError, match=r"environment SCHOLARKG_STORE: \[store\] path must"):
        load_config(None)


def test_a_store_given_relative_is_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(None).with_store_path(Path("here/store"))
    assert config.store.path == tmp_path.resolve() / "here" / "store"


@pytest.mark.parametrize("store", ["data", "data/state", "data/raw", "."])
def test_a_store_that_is_the_data_directory_or_holds_it_is_refused_at_start(
    store: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``[data] dir`` is ``data`` (the default, under the working directory). Before, ``run
    --store data`` did all its work, then failed: "store directory holds other files: raw,
    run.lock", its outbox left there; as ``[store] path`` the same."""
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--store", store]) == 1
    line = one_error_line(capsys)
    assert line.startswith(f"error: --store {store}: "), line
    assert "[data] dir" in line and "name a directory of its own" in line
    assert list(tmp_path.iterdir()) == []  # nothing made
    (tmp_path / "scholarkg.toml").write_text(f'[store]\npath = "{store}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[store\] path .* name a directory of its own"):
        load_config(tmp_path / "scholarkg.toml")


def test_each_part_of_the_data_directory_is_written_once(tmp_path: Path) -> None:
    """The parts a store may not be (``DATA_PARTS``) are the parts the configuration names,
    each ``config.<part>_dir`` (before: two lists; ``changes``, where a run keeps its change
    set, had no property, its path written out by the run)."""
    from scholarkg.config.store_section import DATA_PARTS

    config = load_config().with_store_path(tmp_path / "store")
    named = {
        name.removesuffix("_dir")
        for name in dir(type(config))
        if name.endswith("_dir") and name != "data_dir"
    }
    assert named == set(DATA_PARTS)
    for part in DATA_PARTS:
        assert getattr(config, f"{part}_dir") == config.data_dir / part
        with pytest.raises(ConfigError, match="name a directory of its own"):
            config.with_store_path(config.data_dir / part)


def test_a_store_given_as_a_file_url_is_the_directory_it_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--store file:///srv/my%20store`` is ``/srv/my store``, as a file: URL is in the
    config's paths and for a profile (before: ``<cwd>/file:/srv/my%20store``); one of another
    host is one line."""
    from argparse import Namespace

    from scholarkg.cli.common import load

    monkeypatch.chdir(tmp_path)
    store = tmp_path / "my store"
    args = Namespace(config=None, store=f"file://{str(store).replace(' ', '%20')}")
    assert load(args).store.path == store
    assert main(["query", "papers-per-year", "--store", "file://example.org/s"]) == 1
    assert one_error_line(capsys) == (
        "error: --store file://example.org/s: a file: URL of another host (example.org); only "
        "local files are read"
    )
    assert list(tmp_path.iterdir()) == []
