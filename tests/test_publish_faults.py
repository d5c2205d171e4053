"""A publication by ``scholarkg export`` on a ``data/exports`` that fails under it, as an
operator meets it: the file system full in the middle of the dump, then read-only. Each ends
in one line naming the file, and the previous publication (the dumps, their checksums,
``void.ttl``) stays as it was and readable; with room again, the next export publishes the
same bytes. ``data/exports`` is a real tmpfs mounted on it (root, CAP_SYS_ADMIN: skipped
without it)."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from building import build_store
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.config import Config


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@contextlib.contextmanager
def on_tmpfs(folder: Path, size_kib: int) -> Iterator[None]:
    """``folder`` moved onto a tmpfs of ``size_kib`` KiB mounted at its place (its files
    copied in); unmounted after."""
    aside = folder.with_name(folder.name + ".aside")
    folder.rename(aside)
    folder.mkdir()
    mounted = _mount("-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(folder))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system: {mounted.stderr.strip()}")
    try:
        shutil.copytree(aside, folder, dirs_exist_ok=True)
        yield
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def remount(folder: Path, options: str) -> None:
    done = _mount("-o", f"remount,{options}", str(folder))
    assert done.returncode == 0, done.stderr


def published(config: Config) -> dict[str, str]:
    """The SHA-256 of every file a publication wrote (the dumps, checksums, parts, void.ttl;
    not ``parts.json``, which names the parts' files, new ones each time they are written);
    the dumps' checksum files checked against them."""
    exports = config.exports_dir
    files = [*exports.rglob("*"), config.data_dir / "void.ttl"]
    found = {
        str(p.relative_to(config.data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files
        if p.is_file() and p.name != "parts.json"
    }
    for dump in ("scholarkg.nq", "scholarkg.ttl"):
        assert (exports / f"{dump}.sha256").read_text() == f"{found[f'exports/{dump}']}  {dump}\n"
    return found


def export(config: Config, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["export", "--config", str(config.data_dir.parent / "scholarkg.toml")])
    return code, capsys.readouterr().err.splitlines()


def test_a_full_then_read_only_exports_folder_leaves_the_publication_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, report = build_store(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "ttl"]})
    assert report.outcome == "ok"
    exports = config.exports_dir
    before = published(config)
    used = sum(p.stat().st_size for p in exports.rglob("*") if p.is_file()) // 1024
    largest_part = max(p.stat().st_size for p in (exports / "parts").iterdir()) // 1024
    dump = (exports / "scholarkg.nq").stat().st_size // 1024
    room = largest_part + 128  # the parts are written again, not the whole dump beside them
    assert room < dump

    with on_tmpfs(exports, used + 64 + room):
        code, err = export(config, capsys)
        assert code == 1 and len(err) == 1, err
        assert err[0].startswith(f"error: {exports / 'scholarkg.nq'}: ")
        assert err[0].endswith("No space left on device"), err
        assert published(config) == before
        assert not [p for p in exports.rglob("*.part")]  # no temporary left

        remount(exports, "ro")
        code, err = export(config, capsys)
        assert code == 1 and len(err) == 1, err
        assert err[0].startswith(f"error: {exports / 'parts' / 'parts.json'}: not published: ")
        assert "Read-only file system" in err[0]
        assert published(config) == before

        remount(exports, f"rw,size={used * 3}k")
        code, err = export(config, capsys)
        assert (code, err) == (0, [])
        after = published(config)
        assert {k: v for k, v in after.items() if k != "void.ttl"} == {
            k: v for k, v in before.items() if k != "void.ttl"
        }  # void.ttl: its date is the publication's
