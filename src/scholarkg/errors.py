"""One exception tree for scholarkg; every message names its source."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholarkg.shown_text import shown

if TYPE_CHECKING:
    from scholarkg.runs.report import RunReport


_KEPT = 40  # the characters of a long URL query value an error line keeps
_LONG = re.compile(r"([?&][^=&#\s]+=)([^&#\s]{" + str(2 * _KEPT) + ",})")


def shown_source(source: str) -> str:
    """``source`` as one error line names it: a URL's query value of 80 characters or more (a
    resumptionToken of up to 8 KB) :func:`~scholarkg.shown_text.shown` cut to its first 40
    (``…[8152 more characters]``); the error's ``source`` keeps it whole, and the raw archive
    the URL asked for."""
    return _LONG.sub(lambda m: f"{m[1]}{shown(m[2], limit=_KEPT)}", source)


class ScholarKGError(Exception):
    """Base class of every error scholarkg raises on purpose."""


class ConfigError(ScholarKGError):
    """A configuration file or value is missing or invalid."""


class ExtractError(ScholarKGError):
    """A source could not be fetched or read (network, HTTP status, file access)."""

    def __init__(self, source: str, message: str, *, status: int | None = None) -> None:
        self.source = source
        self.status = status
        super().__init__(f"{shown_source(source)}: {message}")


class ParseError(ScholarKGError):
    """A source was fetched but its content is not what it should be."""

    def __init__(self, source: str, message: str, *, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.message = message  # without the location
        where = f"{shown_source(source)}:{line}" if line is not None else shown_source(source)
        super().__init__(f"{where}: {message}")


class ValidationFailed(ScholarKGError):
    """A graph did not conform to the SHACL shapes (violations found)."""

    def __init__(self, graph: str, report: Any, *, quarantined_to: Path | None = None) -> None:
        self.graph = graph
        self.report = report
        self.quarantined_to = quarantined_to
        super().__init__(f"{graph}: SHACL violations; graph quarantined to {quarantined_to}")


class LoadError(ScholarKGError):
    """The triple store refused, was unreachable or was locked."""


class WorkerLost(ScholarKGError):
    """A worker process of the run ended without a word (SIGKILL, the out-of-memory killer):
    its pool is unusable, so the run stops as a stopped run does; the next run redoes the
    chunks that were in flight."""


class WriteFailed(ScholarKGError, OSError):
    """A file could not be written: the disk is full, a quota or file-size limit was reached,
    or the file system failed the write. The message names the file and what it holds (and,
    for an SQLite file whose read failed, says it could not be read; ``verb``).

    It is an OSError too (with the errno of the write, when there was one), so the code that
    handles a failed write of a file handles this one the same way.
    """

    def __init__(
        self,
        path: Path | str,
        reason: str,
        *,
        what: str | None = None,
        errno: int = 0,
        verb: str = "write",
    ) -> None:
        self.path = Path(path)
        self.what = what
        self.message = f"{path}: cannot {verb}{f' the {what}' if what else ''}: {reason}"
        OSError.__init__(self, errno, self.message)

    def __str__(self) -> str:
        return self.message


class StateUnreadable(ScholarKGError):
    """A state file scholarkg keeps (the store's manifest, the identity registry, the title
    index, ``sources.json``, a harvest checkpoint…) holds what it cannot read: no SQLite
    database, a damaged one, or no such state. The message names the file and what it holds;
    the file is left as it is."""

    def __init__(self, path: Path | str, what: str, reason: str) -> None:
        self.path = Path(path)
        self.what = what
        super().__init__(
            f"{path}: cannot read the {what}: {reason}; restore it from a backup or move it "
            "away (it is not rebuilt behind your back)"
        )


class StateInUse(ScholarKGError):
    """A state file scholarkg keeps (an SQLite database: the identity registry…) that another
    process held locked longer than the wait for it (the ``sqlite3`` shell in exclusive locking
    mode, or holding a write transaction open), at its opening or at any later statement. The
    message names the file and what it holds; nothing this process wrote to it since its last
    commit is kept."""

    def __init__(self, path: Path | str, what: str, reason: str) -> None:
        self.path = Path(path)
        self.what = what
        self.reason = reason
        super().__init__(
            f"{path}: cannot use the {what}: {reason} (another process holds it locked, as the "
            "sqlite3 shell in exclusive locking mode does); run again once it lets go"
        )


class RunEnded(ScholarKGError):
    """A run that did not complete, as a Prefect flow run ends on it: the message is the run's
    one line (``build: failed: …``), ``report`` the run's :class:`RunReport` (written and
    counted as usual). Calling a flow (``build_kg(...)``) raises it; a ``return_state=True``
    caller gets it back from ``state.result(raise_on_failure=False)``."""

    def __init__(self, message: str, report: RunReport) -> None:
        self.report = report
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled with its report (result storage, Dask)
        return (type(self), (str(self), self.report))


class RunFailed(RunEnded):
    """The run failed (its store, a file it had to write, or every source): a Failed flow run."""


class RunStopped(RunEnded):
    """The run was stopped (a Cancel in Prefect, SIGTERM, Ctrl-C) and ended cleanly on what it
    had done: a Cancelled flow run."""


class ExportError(ScholarKGError):
    """A dump could not be read from the store or written to disk."""


class QueryError(ScholarKGError):
    """A SPARQL query could not be read or run."""


class LimitExceeded(ScholarKGError, ValueError):
    """A value, record, page or run went past a configured limit (``[limits]``, ``[http]``).

    The message names the limit and how to raise it. It is a ValueError too, so the readers
    that quarantine unreadable records quarantine an oversize one the same way.
    """

    def __init__(self, what: str, key: str, limit: float) -> None:
        self.key = key
        self.limit = limit
        shown = str(limit) if isinstance(limit, int) else f"{limit:g}"
        super().__init__(
            f"{what}: over {key} = {shown}; raise it in your config if this is genuine"
        )


class ShapesError(ConfigError):
    """The SHACL shapes cannot be used as written (a malformed shape or constraint)."""


class UnsupportedShape(ShapesError):
    """A shape uses a SHACL feature the engine does not implement (and no fallback is allowed)."""

    def __init__(self, shape: str, component: str, detail: str = "") -> None:
        self.shape = shape
        self.component = component
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"SHACL shape {shape}: {component} is not supported by the SHACL engine{extra}; "
            'set [shacl] fallback = "pyshacl" to validate such shapes with pySHACL'
        )


class ShaclRuntimeError(ScholarKGError):
    """A value the SHACL constraint cannot judge (pySHACL stops on it too), named with its shape."""


class QueryLimitError(QueryError):
    """A query was refused or stopped by a limit (size, nesting, SERVICE, time, memory, result
    size) or its worker failed; ``status`` is the HTTP status a server answers with, and
    ``retry_after`` the seconds after which the same request may succeed (only when the server
    was busy, never when a limit stopped the query: asked again, it would stop again)."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        limit: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.status = status
        self.limit = limit  # "time" or "memory": the limit that stopped it while it ran
        self.retry_after = retry_after
        super().__init__(message)


class StoreAnswerError(QueryLimitError):
    """The store could not answer a query: a SPARQL server down (``retry_after`` set), erring,
    too slow or unreadable, or the embedded engine failing. ``reason`` is why in a client's
    words; ``said``, the store's own words (for a log or the command line, never a client of
    the server: they may quote what a SPARQL server or SERVICE endpoint answered)."""

    def __init__(
        self, reason: str, *, said: str = "", status: int, retry_after: int | None = None
    ) -> None:
        self.reason = reason
        self.said = said
        again = "; try again shortly" if retry_after is not None else ""
        super().__init__(
            f"the store could not answer: {reason}{again}", status=status, retry_after=retry_after
        )
