"""A symbolic link where a run's publication puts a dump or its checksum (``data/exports/``) is
replaced by the published file, never written through: the file it names, anywhere the run
user can write, stays as it was (before: a ``ttl``/``jsonld`` dump and its ``.sha256`` were
written into the file a link planted there named; the N-Quads dump already replaced it)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import write_config
from published import dumped, store_quads_but_void
from samples import SAMPLE_PROFILE, SECOND_PROFILE
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


def _planted_parts(exports: Path, outside: Path) -> dict[Path, bytes]:
    """``exports/parts`` made a link to ``outside``, a folder of files named as the parts and
    their state are (the user's own); returns them with their bytes."""
    outside.mkdir()
    files = {outside / n: f"the user's own {n}\n".encode() for n in ("part-00.nq", "parts.json")}
    for path, data in files.items():
        path.write_bytes(data)
    parts = exports / "parts"
    if parts.is_dir() and not parts.is_symlink():
        for found in parts.iterdir():
            found.unlink()
        parts.rmdir()
    exports.mkdir(parents=True, exist_ok=True)
    parts.symlink_to(outside, target_is_directory=True)
    return files


def test_a_link_where_the_dump_parts_go_is_replaced_never_followed(tmp_path: Path) -> None:
    """``data/exports/parts`` a link to a folder: the publication's parts go into a folder of
    their own at its place, the folder it named is left as it was (before: the parts and
    ``parts.json`` were written into it, over files of those names)."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq"]}))
    outside = tmp_path / "outside"
    files = _planted_parts(config.exports_dir, outside)

    report = build(config).report

    assert report.outcome == "ok", report.failures
    assert {p: p.read_bytes() for p in outside.iterdir()} == files
    parts = config.exports_dir / "parts"
    assert parts.is_dir() and not parts.is_symlink()
    assert (parts / "part-00.nq").is_file() and (parts / "parts.json").is_file()


def test_a_parts_link_to_a_file_is_replaced_too(tmp_path: Path) -> None:
    """``data/exports/parts`` a link to a file: replaced by the parts' folder, the file left as
    it was (before: the publication failed, ``…/parts: not published: File exists``)."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq"]}))
    victim = tmp_path / "outside.txt"
    victim.write_bytes(b"the user's own file\n")
    config.exports_dir.mkdir(parents=True)
    (config.exports_dir / "parts").symlink_to(victim)

    report = build(config).report

    assert report.outcome == "ok", report.failures
    assert victim.read_bytes() == b"the user's own file\n"
    parts = config.exports_dir / "parts"
    assert parts.is_dir() and not parts.is_symlink()
    assert (parts / "part-00.nq").is_file() and (parts / "parts.json").is_file()


def test_a_dropped_nquads_dump_leaves_the_folder_a_parts_link_names(tmp_path: Path) -> None:
    """The N-Quads dump dropped from ``[publish] dumps`` with ``data/exports/parts`` a link to a
    folder: the link goes, the files in the folder it named stay (before: those named as
    parts were removed)."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq"]}))
    assert build(config).report.outcome == "ok"
    outside = tmp_path / "outside"
    files = _planted_parts(config.exports_dir, outside)

    fewer = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["ttl"]}))
    report = build(fewer).report

    assert report.outcome == "ok", report.failures
    assert {p: p.read_bytes() for p in outside.iterdir()} == files
    assert not (config.exports_dir / "scholarkg.nq").exists()
    assert not (config.exports_dir / "parts").is_symlink()


def test_a_part_that_is_a_link_is_replaced_never_read_into_the_dump(tmp_path: Path) -> None:
    """Every ``part-NN.nq`` in a real ``data/exports/parts`` made a link to a file the run's user
    can read (a private one, ``/etc/passwd``): the publication writes those parts again from
    the manifest, replacing the links; the file they named stays as it was and none of it
    reaches the published dump (before: a part the run did not rewrite was read through the
    link into the dump)."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq"]}))
    assert build(config).report.outcome == "ok"
    secret = tmp_path / "private.txt"
    secret.write_bytes(b"a private line of the run's user\n")
    parts = config.exports_dir / "parts"
    linked = sorted(parts.glob("part-*.nq"))
    for part in linked:
        part.unlink()
        part.symlink_to(secret)

    report = build(config, [str(SECOND_PROFILE)]).report  # a new profile: publishes

    assert report.outcome == "ok", report.failures
    dump = config.exports_dir / "scholarkg.nq"
    assert b"private line" not in dump.read_bytes()  # before: in it, once a part
    assert dumped(dump) == store_quads_but_void(config.store.path)
    assert not any(p.is_symlink() for p in linked) and all(p.is_file() for p in linked)
    assert secret.read_bytes() == b"a private line of the run's user\n"


def test_a_link_at_data_exports_is_followed_as_a_mount_point(tmp_path: Path) -> None:
    """``data/exports`` a link to a folder elsewhere (a mount, the web server's folder for the
    dumps): the publication goes there, as into the folder itself."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq"]}))
    served = tmp_path / "www" / "dumps"
    served.mkdir(parents=True)
    config.data_dir.mkdir()
    config.exports_dir.symlink_to(served, target_is_directory=True)

    report = build(config).report

    assert report.outcome == "ok", report.failures
    assert config.exports_dir.is_symlink()
    assert dumped(served / "scholarkg.nq") == store_quads_but_void(config.store.path)
    assert (served / "scholarkg.nq.sha256").is_file() and (served / "parts").is_dir()


@pytest.mark.parametrize("where", ["state", "store"])
def test_a_link_at_data_exports_into_kept_files_is_refused_in_one_line(
    tmp_path: Path, where: str
) -> None:
    """``data/exports`` a link into the data directory's state or the store's directory: the
    publication is one line of the run's report naming it, nothing written there (before: the
    dumps, their checksums and ``parts/`` among the registry, the manifest, ``CURRENT``…)."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq"]}))
    assert build(config).report.outcome == "ok"
    shutil.rmtree(config.exports_dir)
    folder = config.state_dir if where == "state" else config.store.path
    config.exports_dir.symlink_to(folder, target_is_directory=True)

    report = build(config, [str(SECOND_PROFILE)]).report  # a new profile: publishes

    [(stage, line)] = report.failures
    assert stage == "after loading" and "\n" not in line
    assert line.startswith(f"{config.exports_dir}: not published: the link leads into the ")
    published = {"scholarkg.nq", "scholarkg.nq.sha256", "parts"}
    assert published.isdisjoint(p.name for p in folder.iterdir())  # before: all three there
    assert report.published == []
