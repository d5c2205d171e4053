"""``scholarkg export``'s publication and the locks around it: the store's seal and the mark
of the last complete publication taken and put back, the run lock for a dump written under
``[data] dir/exports``, and a mistyped ``--output`` folder refused before anything is written."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scholarkg.config import Config


def check_folder(path: Path) -> None:
    """Refuse (:class:`ExportError`, one line, nothing written) an ``--output`` whose folder is
    not there or is not a folder, as ``cp`` does: a mistyped folder is not made. Before, the
    dump's write made it, and its missing parents, without a word. Only ``[data] dir/exports``,
    the default, is made by scholarkg."""
    from scholarkg.errors import ExportError
    from scholarkg.output_file import folder_problem

    problem = folder_problem(path)
    if problem is not None:
        raise ExportError(f"{path}: not written: {problem}")


@contextlib.contextmanager
def sealed_again(config: Config) -> Iterator[None]:
    """Around a publication of an embedded store (which compares every graph name the store
    holds with its manifest): its seal is taken before the store is opened and, the store
    closed in line with the manifest, put back, so the next run need not compare them again
    (see :mod:`scholarkg.store.seal`). Before, the next run did, after every such export."""
    from scholarkg.load.manifest import store_state_dir
    from scholarkg.store.seal import seal, take_seal

    if config.store.kind != "oxigraph":
        yield
        return
    path, state = Path(config.store.path), store_state_dir(config)
    take_seal(path, state)
    yield
    seal(path, state)


@contextlib.contextmanager
def marked_unpublished(config: Config) -> Iterator[None]:
    """Around a publication by ``scholarkg export``: the mark of the last complete publication
    (``published.json``) is taken away until it ends, then put back as it was, as a run's own
    publication does. Killed in between (the new dump renamed into place, its ``.sha256`` or
    ``void.ttl`` not yet written), the next run finds no mark and publishes everything again;
    before, the mark stayed and a run with nothing new published nothing, leaving the
    checksum or the description of the previous dump beside the new one."""
    from scholarkg.files import write_atomic
    from scholarkg.runs.close import PUBLISHED_MARK, publication_key, published_complete

    mark = config.state_dir / PUBLISHED_MARK
    recorded = mark.read_bytes() if published_complete(mark, publication_key(config)) else None
    mark.unlink(missing_ok=True)
    yield
    if recorded is not None:
        write_atomic(mark, recorded)


def into_exports(
    args: argparse.Namespace, config: Config
) -> contextlib.AbstractContextManager[object]:
    """The run lock, taken as a publication takes it, for a dump written under ``[data]
    dir/exports`` (a format not published, one ``--graph``, an ``--output`` there): it waits
    while a run holds the data directory, then refuses in one line, as a second run does
    (before: it wrote beside a run's publication of that folder, unlocked). A dump written
    elsewhere reads the store's checkpoint and takes no lock."""
    from scholarkg.files import absolute
    from scholarkg.runs.lock import RunLock

    target = absolute(Path(args.output)) if args.output else config.exports_dir
    if target.is_relative_to(absolute(config.exports_dir)):
        return RunLock(config.data_dir, "export")
    return contextlib.nullcontext()
