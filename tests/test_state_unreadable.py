"""A state file that holds what scholarkg cannot read — an SQLite file that is no database,
``sources.json`` or a harvest checkpoint that is no such JSON — is one line naming the file and
what it holds, and is left as it is.

Measured before: with ``identity.sqlite``, ``scholarkg-manifest.sqlite`` or
``scholarkg-titles.sqlite`` holding other bytes, ``scholarkg run`` said only ``error: the
build_kg flow run ended Failed: file is not a database`` (no file named), and with
``sources.json`` so, ``…: Expecting value: line 1 column 1 (char 0)``; ``scholarkg arxiv
harvest`` over a broken checkpoint ended in a traceback (``JSONDecodeError``, or
``TypeError: Checkpoint.__init__() missing 3 required positional arguments``).

The files are constructed here: a store built by the library's build job, then one of its
state files overwritten with text (as a bad restore, an editor or another program leaves it).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from building import build_store, run_cli
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.errors import StateUnreadable
from scholarkg.harvest import HarvestJob, checkpoint_name
from scholarkg.load.manifest import store_state_dir
from scholarkg.runs.build import build
from scholarkg.sqlite_in import connect_state

NOT_A_DATABASE = b"these bytes are no SQLite database\n" * 4


def built(tmp_path: Path) -> Config:
    config, report = build_store(tmp_path, [SAMPLE_PROFILE])
    assert report.outcome == "ok", report.summary_lines()
    return config


def test_a_state_file_that_is_no_database_is_named_with_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "identity.sqlite"
    path.write_bytes(NOT_A_DATABASE)
    db = connect_state(path, "identity registry")
    with pytest.raises(StateUnreadable) as caught:
        db.execute("SELECT * FROM sqlite_master")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: cannot read the identity registry: file is not a database")
    assert path.read_bytes() == NOT_A_DATABASE


def test_other_sqlite_errors_stay_what_they_were(tmp_path: Path) -> None:
    db = connect_state(tmp_path / "x.sqlite", "identity registry")
    db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    db.execute("INSERT INTO t VALUES ('a')")
    with pytest.raises(sqlite3.IntegrityError):  # callers catch it (a slug taken, say)
        db.execute("INSERT INTO t VALUES ('a')")


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("identity.sqlite", "the identity registry"),
        ("scholarkg-manifest.sqlite", "the store's manifest"),
    ],
)
def test_a_run_over_a_registry_or_manifest_that_is_no_database_names_it(
    tmp_path: Path, name: str, what: str
) -> None:
    config = built(tmp_path)
    path = config.store.path / name
    path.write_bytes(NOT_A_DATABASE)
    with pytest.raises(StateUnreadable, match=f"^{path}: cannot read {what}: file is not a"):
        build(config)
    assert path.read_bytes() == NOT_A_DATABASE


@pytest.mark.parametrize(
    ("where", "what"),
    [
        (lambda c: c.store.path / "scholarkg-titles.sqlite", "the title index"),
        (lambda c: c.state_dir / "sources.json", "the state of the sources loaded"),
    ],
)
def test_a_run_over_an_unreadable_title_index_or_sources_file_names_it(
    tmp_path: Path, where: object, what: str
) -> None:
    config = built(tmp_path)
    assert callable(where)
    path: Path = where(config)
    path.write_bytes(NOT_A_DATABASE)
    page = tmp_path / "another.txt"  # a page not built before, so its papers are looked up
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"Hussenot", b"Hussenot-Other"))
    report = build(config, [str(page)]).report
    assert report.outcome == "failed"
    assert report.failures, report.summary_lines()
    for _source, message in report.failures:
        assert message.startswith(f"{path}: cannot read {what}: "), message
    assert path.read_bytes() == NOT_A_DATABASE


@pytest.mark.flow
def test_scholarkg_run_says_which_file_in_one_line(tmp_path: Path) -> None:
    config = built(tmp_path)
    registry = config.store.path / "identity.sqlite"
    registry.write_bytes(NOT_A_DATABASE)
    done = run_cli(tmp_path / "scholarkg.toml")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert f"{registry}: cannot read the identity registry: file is not a database" in line


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"key": ', "Expecting value"),  # cut short
        ('{"key": "arXiv set=cs"}', "missing 3 required positional arguments"),
        ("[1, 2]", "a JSON list, not an object"),
    ],
)
def test_a_harvest_checkpoint_that_is_no_checkpoint_names_it(
    tmp_path: Path, text: str, says: str
) -> None:
    from conftest import write_config

    config = load_config(write_config(tmp_path, []))
    path = store_state_dir(config) / checkpoint_name("arXiv set=cs")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    job = HarvestJob.of(config, "arXiv", "cs")
    with pytest.raises(StateUnreadable) as caught:
        job.start("2024-01-01")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: cannot read the checkpoint of harvest arXiv set=cs: ")
    assert says in message
    assert path.read_text(encoding="utf-8") == text
