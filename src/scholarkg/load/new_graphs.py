"""The graphs of a bulk segment that the store does not hold yet, written in one operation:
streamed into Oxigraph's ``bulk_load`` for the embedded store, or sent as SPARQL Update
requests of many graphs (up to :data:`REQUEST_BYTES` each) to a server or a file sink."""

from __future__ import annotations

from scholarkg.load.oxigraph_stream import OxigraphStream
from scholarkg.store.base import GraphStore
from scholarkg.store.embedded import EmbeddedStore

REQUEST_BYTES = 4 << 20  # per SPARQL Update request when the store is a server


class NewGraphs:
    """A segment's new graphs on their way into ``store``; :meth:`flush` ends the segment's
    operation (its graphs are in the store once it returns)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.native = store.native if isinstance(store, EmbeddedStore) else None
        self._stream: OxigraphStream | None = None
        self._requests: list[tuple[str, str]] = []
        self._request_bytes = 0

    def put(self, graphs: list[tuple[str, bytes]], written: tuple[bytes, ...]) -> None:
        """A graph and its report: ``graphs`` as (IRI, N-Triples) for a server, ``written``
        the same as N-Quads for the embedded store (an empty report is left out of both)."""
        if self.native is not None:
            if self._stream is None:
                self._stream = OxigraphStream(self.native)
            for part in written:  # the stream gathers pieces: no copy of the two joined
                if part:
                    self._stream.put(part)
            return
        for iri, data in graphs:
            text = data.decode("utf-8")
            self._requests.append((iri, text))
            self._request_bytes += len(text)  # characters, as counted before the split
            if self._request_bytes >= REQUEST_BYTES:
                self.send_requests()

    def flush(self) -> None:
        """The stream closed (its graphs loaded), the requests gathered sent."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        self.send_requests()

    def send_requests(self) -> None:
        if self._requests:
            self.store.replace_graphs(self._requests)
        self._requests, self._request_bytes = [], 0


__all__ = ["REQUEST_BYTES", "NewGraphs"]
