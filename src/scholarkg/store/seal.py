"""A seal on an embedded store that a run closed with its manifest in line with it, so that
the next run knows nobody wrote the store in between.

Publishing compares every graph name the store holds with the manifest (graphs dropped or
added outside scholarkg): a pass over the whole store, 1.6 s of CPU at 250 000 graphs, even
after a one-record change. A run that ends with its publication complete closes the store and
seals it: the names and sizes of RocksDB's files (every write appends to a log or adds files,
and no file is rewritten under its name, so any write by another process breaks the seal;
modification times are not compared: RocksDB truncates its preallocated files when the last
reference to the store goes, which may be after the run closed it; a file noted and gone since
is left out, see :func:`take_seal`). The next run reads the
seal before it opens the store and removes it at once: killed before it seals again, its
successor compares every name as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

from scholarkg.files import write_atomic

SEAL = "closed-in-line.json"
"""Beside the store's manifest: the store's files when a run closed it in line with it."""

_ROCKSDB = re.compile(r"\d+\.(?:sst|log|blob)|MANIFEST-\d+|CURRENT|IDENTITY|OPTIONS-\d+")
"""The files that hold the store's data and state (not its info ``LOG``, not our SQLite)."""


def _files(store: Path) -> list[list[object]]:
    """The store's files and sizes; a file RocksDB removes while they are listed (its threads
    delete obsolete files after the store is closed) is left out, as a listing after would."""
    found = []
    with os.scandir(store) as entries:
        for entry in entries:
            if _ROCKSDB.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                try:
                    stat = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                found.append([entry.name, stat.st_size])
    return sorted(found)


def seal(store: Path, state_dir: Path) -> None:
    """Note the closed store's files: nothing wrote it since its manifest was last in line.
    Sealing is only a saving: where the files cannot be listed or the seal written, no seal
    is left (the next publication compares every name), and the run is not failed for it."""
    try:
        text = json.dumps({"files": _files(store)}) + "\n"
        write_atomic(state_dir / SEAL, text.encode("utf-8"))
    except OSError:  # WriteFailed too
        with contextlib.suppress(OSError):
            (state_dir / SEAL).unlink(missing_ok=True)


def take_seal(store: Path, state_dir: Path) -> bool:
    """Whether the store is as the last run sealed it (call before opening it): each of its
    files was noted, with the size it has. A file noted and gone since is one RocksDB removed
    once the store was closed (a compaction's output the close cut short: at 100k records the
    seal of a first load noted two); a writer cannot only remove files, for every open to
    write adds a MANIFEST, an OPTIONS file and a log. The seal is removed either way, until a
    run closes the store in line with its manifest again."""
    path = state_dir / SEAL
    try:
        noted = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        noted = None
    path.unlink(missing_ok=True)
    if not isinstance(noted, dict) or not isinstance(files := noted.get("files"), list):
        return False
    try:
        now = _files(store)
    except OSError:
        return False
    noted_files = {(f[0], f[1]) for f in files if isinstance(f, list) and len(f) == 2}
    return bool(now) and all((name, size) in noted_files for name, size in now)
