"""Where an export may not be written: among the files scholarkg keeps (the store's directory,
its checkpoints, the data directory's state), directly or through ``data/exports`` a link."""

from __future__ import annotations

from pathlib import Path

from scholarkg.config import Config
from scholarkg.errors import ExportError
from scholarkg.files import absolute
from scholarkg.store.served import served_dir


def refuse_among_kept_files(path: Path, config: Config) -> None:
    """Refuse an export ``path`` in the store's directory, its checkpoints or the data
    directory's state: its dump or checksum would replace a file of theirs (``CURRENT``, the
    identity registry…) or sit among them, where a store holds no other file."""
    found = _kept_folder_holding(path, config)
    if found is not None:
        what, folder = found
        raise ExportError(
            f"{path}: not written: it lies in {what} ({folder}), among files scholarkg "
            "keeps there; write the export elsewhere"
        )


def refuse_exports_link_among_kept_files(config: Config) -> None:
    """``data/exports`` a symbolic link is followed (a mount point, a web server's folder for
    the dumps); one that leads into the store's directory, its checkpoints or the data
    directory's state is refused, an :class:`ExportError` naming it, nothing published there
    (before: the dumps, their checksums and ``parts/`` were written among those files)."""
    exports = config.exports_dir
    found = _kept_folder_holding(exports, config) if exports.is_symlink() else None
    if found is not None:
        what, folder = found
        raise ExportError(
            f"{exports}: not published: the link leads into {what} ({folder}), among files "
            "scholarkg keeps there; point it elsewhere (the next run publishes again)"
        )


def _kept_folder_holding(path: Path, config: Config) -> tuple[str, Path] | None:
    """Which folder of files scholarkg keeps ``path`` lies in, its links resolved (what it
    is, the folder), if any."""
    target = absolute(path)
    kept = {
        "the store's directory": config.store.path,
        "the store's checkpoints": served_dir(config.store.path),
        "the data directory's state": config.state_dir,
    }
    for what, folder in kept.items():
        if target.is_relative_to(absolute(folder)):
            return what, folder
    return None
