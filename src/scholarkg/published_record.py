"""The record of the dumps publications wrote (:data:`OWNED`, in the state directory), read,
changed and replaced (a temporary file renamed over it) under a lock: a publication and an
export that change it at once each keep the other's change (before: each read it, then wrote
it whole, the last one putting back what the other had taken out)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from rdflib import Graph

from scholarkg.config import Config
from scholarkg.export import FORMATS, default_filename
from scholarkg.export_lock import exporting_to
from scholarkg.files import write_atomic
from scholarkg.void import DCAT

OWNED = "published-dumps.json"
"""In the state directory: the dump files (names in ``data/exports/``) publications wrote."""

DUMP_NAMES = frozenset(default_filename(fmt) for fmt in FORMATS)
"""The only names a publication writes, so the only ones it ever removes."""


def owned_dumps(config: Config) -> set[str]:
    """The dump files publications wrote and did not remove; without a record (older
    versions), those the last description (``data/void.ttl``) lists."""
    try:
        names = json.loads((config.state_dir / OWNED).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _described(config.data_dir / "void.ttl")
    except (OSError, ValueError):
        return set()
    return set(DUMP_NAMES.intersection(names)) if isinstance(names, list) else set()


def _described(void: Path) -> set[str]:
    try:
        urls = Graph().parse(void, format="turtle").objects(None, DCAT.downloadURL)
        found = {unquote(urlsplit(str(url)).path.rsplit("/", 1)[-1]) for url in urls}
    except (OSError, ValueError, SyntaxError):
        return set()
    return set(DUMP_NAMES & found)


def change_owned(config: Config, change: Callable[[set[str]], set[str]]) -> set[str]:
    """Replace the record of the dumps publications own with ``change`` of it, under the lock
    of its changes (another publication's or export's waits); returns the new record. Written
    only when it changes."""
    with exporting_to(config.state_dir / OWNED):
        owned = owned_dumps(config)
        names = change(set(owned))
        if names != owned or not (config.state_dir / OWNED).exists():
            text = json.dumps(sorted(names)) + "\n"
            write_atomic(config.state_dir / OWNED, text.encode("utf-8"))
        return names
