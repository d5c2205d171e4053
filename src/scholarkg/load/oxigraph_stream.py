"""N-Quads bytes into one running ``bulk_load`` of an embedded Oxigraph store, from a queue."""

from __future__ import annotations

import io
import queue
import threading

import pyoxigraph as ox

from scholarkg.errors import LoadError

PIECE_BYTES = 1 << 20  # per read of the store's bulk_load


class _QueueReader(io.RawIOBase):
    """A binary stream over byte chunks put on a queue (``None`` ends it)."""

    def __init__(self, chunks: queue.Queue[bytes | None]) -> None:
        self.chunks = chunks
        self.view = memoryview(b"")
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.view:
            if self.ended:
                return 0
            item = self.chunks.get()
            if item is None:
                self.ended = True
                return 0
            self.view = memoryview(item)
        size = min(len(buffer), len(self.view))
        buffer[:size] = self.view[:size]
        self.view = self.view[size:]
        return size


class OxigraphStream:
    """One running ``bulk_load`` fed with N-Quads bytes.

    Graphs are gathered into pieces of ``PIECE_BYTES`` before they reach the queue: the
    ``bulk_load`` thread takes the GIL to read each piece, so one graph (a few KB) per read
    made it wait on the Python threads thousands of times per segment, and the loader wait on it.
    """

    def __init__(self, store: ox.Store) -> None:
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self._piece: list[bytes] = []
        self._piece_bytes = 0
        reader = io.BufferedReader(_QueueReader(self.chunks), PIECE_BYTES)

        def load() -> None:
            try:
                store.bulk_load(reader, format=ox.RdfFormat.N_QUADS)
            except BaseException as exc:  # re-raised in the loader thread
                self.error = exc

        self.thread = threading.Thread(target=load, name="oxigraph-bulk-load", daemon=True)
        self.thread.start()

    def put(self, data: bytes) -> None:
        """Add whole N-Quads lines (handed on once a piece is full)."""
        self._piece.append(data)
        self._piece_bytes += len(data)
        if self._piece_bytes >= PIECE_BYTES:
            self._hand_on()

    def _hand_on(self) -> None:
        if self._piece:
            piece = b"".join(self._piece)
            self._piece, self._piece_bytes = [], 0
            self._enqueue(piece)

    def _enqueue(self, item: bytes | None) -> None:
        while True:
            if self.error is not None or not self.thread.is_alive():
                raise LoadError(f"bulk load stopped: {self.error}")
            try:
                self.chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        self._hand_on()
        self._enqueue(None)
        self.thread.join()
        if self.error is not None:
            raise LoadError(f"bulk load failed: {self.error}") from self.error
