"""``scholarkg export --output`` a device or a named pipe: the dump written straight into it,
a pipe opened once a reader has it (never waited on for ever)."""

from __future__ import annotations

import argparse
import errno
import os
import time
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from scholarkg.config import Config


READER_WAIT = 60.0  # seconds a named pipe may stay without a reader before the export ends


def opened(path: Path) -> BinaryIO:
    """``path`` opened to write; a named pipe once a reader has opened it too, waiting
    :data:`READER_WAIT` seconds at most (and no longer than a stop request): before, the open
    waited for ever, and SIGTERM did not end it."""
    from scholarkg.errors import ExportError
    from scholarkg.export import not_regular
    from scholarkg.lifecycle import pause

    if not_regular(path) != "a pipe":
        return path.open("wb")
    deadline = time.monotonic() + READER_WAIT
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO while no reader has it
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            if time.monotonic() >= deadline:
                # the caller names the path
                raise ExportError(
                    f"not written: no reader opened the pipe in {READER_WAIT:g} s"
                ) from None
            pause(0.05)
            continue
        os.set_blocking(fd, True)
        return os.fdopen(fd, "wb")


def stream_into(args: argparse.Namespace, config: Config, path: Path) -> int:
    """``--output`` a device or a named pipe (``/dev/null``): the dump is written straight into
    it, as ``--output -`` writes to stdout, without a checksum file (nothing can stand beside
    it); a rename would replace it with a regular file."""
    from scholarkg.errors import ExportError
    from scholarkg.export import default_prefixes, write_dump
    from scholarkg.export_places import refuse_among_kept_files

    refuse_among_kept_files(path, config)
    with closing(config.store.open_published()) as store:
        prefixes = default_prefixes(config.iri_base)
        try:
            with opened(path) as out:
                count = write_dump(store, out, args.format, args.graph, prefixes=prefixes)
        except OSError as exc:  # opening or closing (the last bytes flushed)
            raise ExportError(f"{path}: export failed: {exc.strerror or exc}") from exc
        except ExportError as exc:
            raise ExportError(f"{path}: {exc}") from exc
    unit = "quads" if args.format in ("nq", "trig") else "triples"
    print(f"wrote {path} ({count} {unit}; not a regular file: no checksum file)")
    return 0
