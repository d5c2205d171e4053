"""Store change detection and the cache of aggregates (counts, top lists, the search index).

The workers of an embedded store read its current checkpoint (:mod:`scholarkg.store.served`),
which changes when a run or an update has ended; a store without one is read itself, and its
directory changes whenever the store does (RocksDB writes new files), so a fingerprint of its
file names, sizes and times does. Either is looked at most every ``interval`` seconds, and tells
the server when to reopen its workers and drop what it computed. It also versions every ETag.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from scholarkg.store import served

T = TypeVar("T")


class StoreWatcher:
    """Watches a store directory (or, for a remote store, rolls over every ``remote_ttl`` s)."""

    def __init__(self, path: Path | None, interval: float, remote_ttl: float = 600.0) -> None:
        self.path = path
        self.interval = interval
        self.remote_ttl = remote_ttl
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self.version, self.modified = self._fingerprint()

    def _fingerprint(self) -> tuple[str, dt.datetime]:
        if self.path is None:
            now = time.time()
            stamp = int(now // self.remote_ttl)
            return f"r{stamp}", dt.datetime.fromtimestamp(stamp * self.remote_ttl, dt.UTC)
        for _ in range(served.OPEN_ATTEMPTS):
            checkpoint = served.current(self.path)
            if checkpoint is None:
                break
            try:  # what the workers read: it changes when a run has ended
                stat = checkpoint.stat()
            except OSError:  # pruned as a newer one was taken: look again
                continue
            modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).replace(microsecond=0)
            return hashlib.sha256(str(checkpoint).encode()).hexdigest()[:16], modified
        digest = hashlib.sha256()
        newest = 0.0
        try:
            entries = sorted(os.scandir(self.path), key=lambda e: e.name)
        except OSError:
            entries = []
        for entry in entries:
            try:
                if entry.name == "LOCK" or not entry.is_file():
                    continue
                stat = entry.stat()
            except OSError:  # removed by a compaction while we looked
                continue
            digest.update(f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
            newest = max(newest, stat.st_mtime)
        modified = dt.datetime.fromtimestamp(newest or time.time(), dt.UTC).replace(microsecond=0)
        return digest.hexdigest()[:16], modified

    def changed(self, *, force: bool = False) -> bool:
        """True once per change of the store (checked at most every ``interval`` seconds)."""
        with self._lock:
            now = time.monotonic()
            if not force and now - self._checked < self.interval:
                return False
            self._checked = now
            version, modified = self._fingerprint()
            if version == self.version:
                return False
            self.version, self.modified = version, modified
            return True


class AggregateCache:
    """Values computed once per store version; one computation at a time per key."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.generation = 0

    def clear(self) -> None:
        with self._guard:
            self._values.clear()
            self.generation += 1

    def peek(self, key: str) -> Any:
        """The cached value of ``key``, or None."""
        return self._values.get(key)

    def put(self, key: str, value: Any, generation: int) -> None:
        """Keep ``value`` if the cache was not cleared since ``generation``."""
        with self._guard:
            if generation == self.generation:
                self._values[key] = value

    def get(self, key: str, compute: Callable[[], T]) -> T:
        if key in self._values:
            return self._values[key]  # type: ignore[no-any-return]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._values:
                return self._values[key]  # type: ignore[no-any-return]
            generation = self.generation
            value = compute()
            if generation == self.generation:
                self._values[key] = value
            return value


class ResultCache:
    """Serialized answers of slow queries, least recently used first out, within a byte
    budget; emptied when the store changes (their keys carry the store's version too)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self._size += size
            while self._size > self.max_bytes and self._items:
                _, (_, dropped) = self._items.popitem(last=False)
                self._size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


class Exhausted:
    """Queries a limit stopped on this version of the store: the time limit (with its value) or
    the memory limit. Asked again under a time limit no longer, or at all after the memory
    limit, they are refused at once instead of holding a worker until the limit stops them
    again (a whole-store pair query on a large store, a runaway). Emptied when the store
    changes (keys carry its version); the oldest entries go first past ``max_entries``. An
    entry keeps a digest of its key, never the key: a query's text and graph names take up to
    ``max_query_bytes`` and ``max_body_bytes`` (1 000 entries could hold over a gigabyte)."""

    def __init__(self, max_entries: int = 1000) -> None:
        self.max_entries = max_entries
        self._seen: OrderedDict[bytes, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def note(self, key: Hashable, limit: float, why: str) -> None:
        """``key`` was stopped: ``limit`` is the time limit it ran past (inf: memory)."""
        digest = _digest(key)
        with self._lock:
            if limit >= self._seen.get(digest, (0.0, ""))[0]:
                self._seen[digest] = (limit, why)
            while len(self._seen) > self.max_entries:
                self._seen.popitem(last=False)

    def refused(self, key: Hashable, limit: float) -> str | None:
        """Why ``key`` would be stopped again under time limit ``limit``, if it would."""
        digest = _digest(key)
        with self._lock:
            known = self._seen.get(digest)
        return known[1] if known is not None and known[0] >= limit else None

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


def _digest(key: Hashable) -> bytes:
    """A fixed-size stand-in for ``key``: the SHA-256 of its ``repr`` (the same for equal keys
    of strings, numbers, None and tuples of them)."""
    return hashlib.sha256(repr(key).encode("utf-8", "backslashreplace")).digest()
