"""Graphs a store could not take: the outbox (for a later run) and the dead-letter folder.

* ``data/outbox/<run>/`` — validated graphs a locked, unreachable or interrupted load did not
  write, for the store they were meant for: the folder's ``store`` file names it (its key, see
  :func:`outbox_store_key`). The next run into that store loads them first, unless it produced
  a newer version of the same graph; a run into another store (another config sharing the data
  directory, ``--store``) leaves them. A folder written by an older version, which names no
  store, is taken by the next run whatever its store. Each run writes only its own folder, so
  concurrent or crashed runs never take each other's. A folder left with nothing to take (its
  store's name, temporary files of writes cut short) is removed by the next run into its store.
* ``data/dead-letter/<run>/`` — a graph the store refused on its own while the store itself
  kept working (say, a value it cannot hold): kept with the reason, reported, and never retried
  automatically, so it can never block later runs.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import asdict
from dataclasses import fields as dataclass_fields
from pathlib import Path

from scholarkg.config import StoreConfig
from scholarkg.files import absolute, file_name_for, remove_quietly, temp_target, write_atomic
from scholarkg.load.manifest import store_key
from scholarkg.load.payload import GraphPayload
from scholarkg.validate import Finding

STORE_FILE = "store"
"""In an outbox run folder: the key of the store its graphs are for (then a line naming it)."""


def _where(store: StoreConfig) -> str:
    """The directory (resolved) of an embedded store or a file sink, the query endpoint of a
    SPARQL server (a symlink loop as it is: the store's check names it)."""
    return str(store.query_url) if store.kind == "sparql" else str(absolute(Path(store.path)))


def outbox_store_key(store: StoreConfig) -> str:
    """The key (:func:`~scholarkg.load.manifest.store_key`) naming ``store`` in the outbox and
    the dump parts: its kind and where it is, resolved (one store written two ways, one key)."""
    return store_key(store.kind, _where(store))


def _folder_store(folder: Path) -> str | None:
    """The key of the store ``folder``'s graphs are for; None: written by an older version."""
    try:
        text = (folder / STORE_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return ""  # unreadable: taken by no run, left for a person to look at
    return text.split("\n", 1)[0].strip()


def _folder_where(folder: Path) -> str:
    """The store ``folder``'s graphs are for, as ``kind location`` ("" when not named)."""
    try:
        lines = (folder / STORE_FILE).read_text(encoding="utf-8").split("\n")
    except OSError:
        return ""
    return lines[1].strip() if len(lines) > 1 else ""


def _stem(iri: str) -> str:
    return file_name_for(iri, iri.split("/id/", 1)[-1])


def _write(folder: Path, payload: GraphPayload, extra: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stem = _stem(payload.iri)  # may hold dots (arXiv ids): never cut at a "suffix"
    write_atomic(folder / f"{stem}.nt", payload.data)
    fields = {f.name: getattr(payload, f.name) for f in dataclass_fields(payload)}
    record = {k: v for k, v in fields.items() if k not in ("data", "stats")}  # stats: recounted
    record["findings"] = [asdict(f) for f in payload.findings]
    record |= extra or {}
    text = json.dumps(record, ensure_ascii=False, indent=1)
    return write_atomic(folder / f"{stem}.json", text.encode("utf-8"))


def _own_temporary(name: str) -> bool:
    """Whether ``name`` is a temporary file of the outbox's own writes (a graph, its record, the
    store's name), left by a write cut short."""
    target = temp_target(name)
    return target is not None and (target == STORE_FILE or target.endswith((".json", ".nt")))


def _tidy(folder: Path) -> None:
    """Remove ``folder`` if it holds no graph: only its store's name and temporaries of writes
    cut short (anything else, the folder stays)."""
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return
    if not all(name == STORE_FILE or _own_temporary(name) for name in names):
        return
    remove_quietly(folder / n for n in sorted(names, key=lambda n: n == STORE_FILE))  # name last
    with contextlib.suppress(OSError):
        folder.rmdir()


def _read(record_path: Path) -> GraphPayload | None:
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        data = record_path.with_suffix(".nt").read_bytes()
    except (OSError, ValueError):
        return None
    findings = tuple(Finding(**f) for f in record.pop("findings", []))
    record.pop("reason", None)
    return GraphPayload(data=data, findings=findings, **record)


class Outbox:
    """The outbox of one data directory, as seen by run ``run_id`` loading into ``store``.

    ``store`` None (no store known) writes folders that name no store and takes every folder,
    as older versions did.
    """

    def __init__(self, data_dir: Path, run_id: str, store: StoreConfig | None = None) -> None:
        self.root = Path(data_dir) / "outbox"
        self.mine = self.root / run_id
        self.store = store
        self.store_key = None if store is None else outbox_store_key(store)

    def keep(self, payloads: Iterable[GraphPayload]) -> int:
        """Write graphs for a later run into the same store; returns how many."""
        count = 0
        for payload in payloads:
            if count == 0:
                self._name_store()
            _write(self.mine, payload)
            count += 1
        return count

    def _name_store(self) -> None:
        """Name the store in this run's folder before any graph is in it (a folder holding
        graphs but naming no store would be taken by a run into any store)."""
        if self.store is None or (self.mine / STORE_FILE).exists():
            return
        text = f"{self.store_key}\n{self.store.kind} {_where(self.store)}\n"
        write_atomic(self.mine / STORE_FILE, text.encode("utf-8"))

    def _for_this_store(self, folder: Path) -> bool:
        if self.store_key is None:
            return True
        named = _folder_store(folder)
        return named is None or named == self.store_key  # None: an older version's folder

    def pending(self) -> list[tuple[Path, GraphPayload]]:
        """What earlier runs kept for this store, oldest first (a newer copy of a graph wins).

        Folders kept for another store are left for a run into that one; folders written by
        older versions (naming no store) are taken, whatever this run's store. Folders of this
        store left with no graph are removed (:func:`_tidy`).
        """
        if not self.root.is_dir():
            return []
        found: dict[str, tuple[Path, GraphPayload]] = {}
        folders = sorted(
            (
                f
                for f in self.root.iterdir()
                if f.is_dir() and f != self.mine and self._for_this_store(f)
            ),
            key=lambda f: f.stat().st_mtime,
        )
        for folder in folders:
            records = sorted(folder.glob("*.json"))
            if not records:
                _tidy(folder)
            for record in records:
                payload = _read(record)
                if payload is not None:
                    found.pop(payload.iri, None)
                    found[payload.iri] = (record, payload)
        return list(found.values())

    def elsewhere(self) -> dict[str, int]:
        """Graphs earlier runs kept for other stores, by store (``kind location``, as each
        folder names it): they wait for a run into that store."""
        waiting: dict[str, int] = {}
        if self.store_key is None or not self.root.is_dir():
            return waiting
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir() or folder == self.mine or self._for_this_store(folder):
                continue
            count = sum(1 for _ in folder.glob("*.json"))
            if count:
                where = _folder_where(folder) or f"unreadable ({folder / STORE_FILE})"
                waiting[where] = waiting.get(where, 0) + count
        return waiting

    @staticmethod
    def settle(record: Path) -> None:
        """Remove a kept graph once a store holds it (or a newer version of it); its folder goes
        with the last graph (the store's name and temporaries of writes cut short with it)."""
        for path in (record, record.with_suffix(".nt")):
            path.unlink(missing_ok=True)
        _tidy(record.parent)

    def folder(self) -> Path:
        return self.mine


class DeadLetters:
    """Graphs a working store refused, with the reason."""

    def __init__(self, data_dir: Path, run_id: str) -> None:
        self.folder = Path(data_dir) / "dead-letter" / run_id
        self.count = 0

    def put(self, payload: GraphPayload, reason: str) -> Path:
        self.count += 1
        return _write(self.folder, payload, {"reason": reason})
