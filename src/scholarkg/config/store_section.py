"""Where the data and the graph live: ``[data]`` and ``[store]``, and where no store may be."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from pydantic import SecretStr, field_validator

from scholarkg.config.fields import (
    OptionalHttpUrl,
    Section,
    seconds,
    setting,
)
from scholarkg.config.network import MIB
from scholarkg.files import absolute
from scholarkg.load.loader_thread import ABORT_DEADLINE, IDLE_DEADLINE

if TYPE_CHECKING:
    from scholarkg.store.base import GraphStore

StoreKind = Literal["oxigraph", "sparql", "files"]
SparqlServer = Literal["oxigraph", "fuseki", "graphdb", "virtuoso", "generic"]
ReplaceVia = Literal["put", "update"]


def store_path_problem(path: Path) -> str | None:
    """Why ``path`` can be no store's directory (None: it can): the root, as a store's readers
    keep their checkpoint beside it (``<name>.served``)."""
    whole = absolute(path)
    if whole.parent == whole:
        return (
            f"must name a directory below {whole}, got {str(path)!r} (readers keep a checkpoint "
            "beside the store)"
        )
    return None


# The directories under [data] dir: each is ``Config.<part>_dir``, and no store may be one.
DataPart = Literal["raw", "quarantine", "reports", "state", "exports", "changes"]
DATA_PARTS: tuple[DataPart, ...] = get_args(DataPart)


def store_and_data_problem(store: Path, data: Path) -> str | None:
    """Why an embedded store at ``store`` cannot live beside the data directory ``data``
    (None: it can): the data directory itself, one of its parts, or a directory that holds it
    (the store's directory holds only the store; a run would do all its work, then find it
    holding its lock file and raw archive)."""
    store, data = absolute(store), absolute(data)
    if store == data or store in (data / part for part in DATA_PARTS):
        return f"is [data] dir {data} or a part of it; name a directory of its own"
    if store in data.parents:
        return f"holds [data] dir {data}; name a directory of its own"
    return None


class DataConfig(Section):
    """``[data]``: the working data of every run."""

    dir: Path = setting(
        Path("data"), "raw archive, quarantine, staging, state and run reports", relative=True
    )


class StoreConfig(Section):
    """``[store]``: where the graph is loaded. Credentials come only from the environment."""

    kind: StoreKind = setting(
        "oxigraph",
        "oxigraph (embedded, on disk), sparql (any SPARQL 1.1 server) or files (N-Triples)",
    )
    path: Path = setting(
        Path("data/store"),
        "the store directory of kind oxigraph and files (--store wins)",
        env="SCHOLARKG_STORE",
        relative=True,
    )
    query_url: OptionalHttpUrl = setting(
        None, "kind sparql: the SPARQL query endpoint", env="SCHOLARKG_SPARQL_QUERY_URL"
    )
    update_url: OptionalHttpUrl = setting(
        None, "kind sparql: the SPARQL Update endpoint", env="SCHOLARKG_SPARQL_UPDATE_URL"
    )
    store_url: OptionalHttpUrl = setting(
        None, "kind sparql: the Graph Store Protocol endpoint", env="SCHOLARKG_SPARQL_STORE_URL"
    )
    server: SparqlServer = setting(
        "oxigraph",
        "kind sparql: the server, which decides how the union of graphs is asked for",
        env="SCHOLARKG_SPARQL_SERVER",
    )
    replace_via: ReplaceVia = setting(
        "put",
        "kind sparql: a graph is replaced by a Graph Store PUT or a DROP + INSERT DATA update",
        env="SCHOLARKG_SPARQL_REPLACE_VIA",
    )
    segment_quads: int = setting(
        250_000,
        "snapshot loads: quads per bulk store operation and manifest commit; larger "
        "segments cost the embedded store less compaction (CPU) and its bulk load more memory, "
        "and a stopped run redoes one segment",
        ge=1_000,
    )
    loader_idle_deadline: float = seconds(
        IDLE_DEADLINE,
        "snapshot loads: seconds the run waits on its loader thread while it takes no chunk and "
        "ends no segment (a store operation that never returns) before failing in one line",
        gt=0,
    )
    loader_abort_deadline: float = seconds(
        ABORT_DEADLINE,
        "snapshot loads: seconds a stopped or failed run waits for its loader thread to end the "
        "chunk it is writing before saying, in one line, that it did not end",
        gt=0,
    )
    check_writes: bool = setting(
        True,
        "kind sparql: each write the server acknowledges is read back with one query (a server "
        "or proxy that drops writes fails the run); false where the query endpoint lags behind "
        "the writes (a read replica)",
    )
    connect_timeout: float = seconds(10.0, "kind sparql: seconds to connect to the server", gt=0)
    read_timeout: float = seconds(
        120.0, "kind sparql: seconds to wait for each part of an answer", gt=0
    )
    request_deadline: float = seconds(
        1800.0,
        "kind sparql: seconds a whole request may take, however it is answered (a server that "
        "sends its answer a byte at a time passes every read timeout); an export's answer, "
        "streamed: seconds for its headers, then for each MiB of it",
        gt=0,
    )
    max_answer_bytes: int = setting(
        1024 * MIB,
        "kind sparql: largest answer read from the server, after decompression (1 GiB); "
        "larger: refused, naming the store and this key (an export's answer is streamed, "
        "never held whole: this caps one row of it)",
        gt=0,
    )
    user: SecretStr | None = setting(
        None, "kind sparql: HTTP basic-auth user", env="SCHOLARKG_SPARQL_USER", secret=True
    )
    password: SecretStr | None = setting(
        None, "kind sparql: HTTP basic-auth password", env="SCHOLARKG_SPARQL_PASSWORD", secret=True
    )

    @field_validator("path")
    @classmethod
    def _below_the_root(cls, value: Path) -> Path:
        problem = store_path_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    def open_published(self) -> GraphStore:
        """Open this store to read what the last run left: an embedded store's checkpoint,
        never the store a run may be writing (any other kind: :meth:`open` read-only)."""
        if self.kind == "oxigraph":
            from scholarkg.store.embedded import EmbeddedStore

            return EmbeddedStore.published(self.path)
        return self.open(read_only=True)

    def open(self, *, read_only: bool = False) -> GraphStore:
        """Open this store (for ``read_only``, a SPARQL store gets no write endpoints)."""
        from scholarkg.store.factory import open_store

        return open_store(
            self.kind,
            path=self.path,
            read_only=read_only,
            query_url=self.query_url,
            update_url=self.update_url,
            store_url=self.store_url,
            user=None if self.user is None else self.user.get_secret_value(),
            password=None if self.password is None else self.password.get_secret_value(),
            server=self.server,
            replace_via=self.replace_via,
            timeouts=(self.connect_timeout, self.read_timeout, self.request_deadline),
            max_answer_bytes=self.max_answer_bytes,
            check_writes=self.check_writes,
        )
