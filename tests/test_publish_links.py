"""A symbolic link where a run's publication puts a dump or its checksum (``data/exports/``) is
replaced by the published file, never written through: the file it names, anywhere the run
user can write, stays as it was (before: a ``ttl``/``jsonld`` dump and its ``.sha256`` were
written into the file a link planted there named; the N-Quads dump already replaced it)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.runs.build import build


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "nq"])
def test_a_link_where_a_published_dump_goes_is_replaced_never_written_through(
    tmp_path: Path, fmt: str
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": [fmt]}))
    outside = tmp_path / "outside"
    outside.mkdir()
    victims = {name: outside / name for name in ("dump", "sums")}
    for victim in victims.values():
        victim.write_bytes(b"the user's own file\n")
    dump = config.exports_dir / f"scholarkg.{fmt}"
    sums = dump.with_name(dump.name + ".sha256")
    config.exports_dir.mkdir(parents=True)
    dump.symlink_to(victims["dump"])
    sums.symlink_to(victims["sums"])

    report = build(config).report

    assert report.outcome == "ok", report.failures
    for victim in victims.values():  # before (ttl, jsonld): the dump and its checksum
        assert victim.read_bytes() == b"the user's own file\n"
    assert sorted(outside.iterdir()) == sorted(victims.values())  # no checksum beside them
    assert not dump.is_symlink() and not sums.is_symlink()
    digest = hashlib.sha256(dump.read_bytes()).hexdigest()
    assert sums.read_text(encoding="utf-8") == f"{digest}  {dump.name}\n"
    assert report.published[0].path == str(dump)


@pytest.mark.parametrize("where", ["outside", "state"])
def test_scholarkg_export_of_a_published_format_replaces_a_link_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """``scholarkg export`` of a format ``[publish] dumps`` lists is a publication: a link at
    the dump's place is replaced as a run's publication replaces it, wherever it points
    (before: one outside was written through; one into the state was refused, though the
    publication no longer writes through it)."""
    config_path = write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "ttl"]})
    config = load_config(config_path)
    assert build(config).report.outcome == "ok"
    folder = tmp_path / "outside" if where == "outside" else config.state_dir
    folder.mkdir(exist_ok=True)
    victim = folder / "planted.json"
    victim.write_bytes(b"{}\n")
    dump = config.exports_dir / "scholarkg.ttl"
    dump.unlink()
    dump.symlink_to(victim)

    code = main(["export", "--format", "ttl", "--config", str(config_path)])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert f"wrote {dump} (" in out
    assert victim.read_bytes() == b"{}\n" and not victim.with_name("planted.json.sha256").exists()
    assert not dump.is_symlink()
