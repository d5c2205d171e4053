"""Retiring the dumps a publication no longer wants: each with its checksum, the N-Quads dump
with its parts (only the parts' own files, through the parts' folder held open)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from scholarkg.config import Config
from scholarkg.dump_parts import PART_NAMES
from scholarkg.export import default_filename
from scholarkg.files import remove_quietly, temp_target
from scholarkg.held_folder import HeldFolder


def retire(config: Config, names: Iterable[str]) -> None:
    """Remove these dumps with their checksums (the N-Quads dump: its parts too)."""
    for name in names:
        dump = config.exports_dir / name
        remove_quietly([dump.with_name(name + ".sha256"), dump])
        if name == default_filename("nq"):
            _retire_parts(config.exports_dir / "parts")


def _retire_parts(folder: Path) -> None:
    """Remove the dump parts, their state and a killed writer's temporaries for them, through
    the folder held open (a link swapped in for it meanwhile leads nowhere: before, the files
    named as parts where it pointed were removed), then the folder if nothing else is in it. A
    link at its place goes, never what it names."""
    try:
        held = HeldFolder(folder)
    except OSError:  # nothing there, or no folder: a link goes
        if folder.is_symlink():
            remove_quietly([folder])
        return
    with held:
        for name in held.names():
            if (temp_target(name) or name) in PART_NAMES:  # a user's part-64.nq stays
                held.remove(name)
    with contextlib.suppress(OSError):
        folder.rmdir()  # kept if anything else is in it


def retired(config: Config, owned: set[str], wanted: set[str]) -> set[str]:
    """The record once the dumps no longer wanted are removed: those wanted it still holds (a
    dump ``scholarkg export`` took meanwhile is the user's: not put back, which made a later
    publication remove the user's file) and those whose removal failed."""
    retired = owned - wanted
    retire(config, retired)
    return (owned & wanted) | {n for n in retired if (config.exports_dir / n).exists()}
