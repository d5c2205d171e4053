"""BENCH-ONLY ABLATION: the pipeline with its identity step switched off.

Used only to measure what the identity step costs (issue 9): the same snapshot load with a
do-nothing identity resolver on the run context. Nothing is decided, so no person graph is
emitted, gated or loaded; the registry file is still opened and committed (empty). The store
such a run leaves has no persons: it is never a result, only a timing.

Everything that knows the run context's internals is in :func:`identity_disabled`, so it is the
one place to adapt if they move.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class NullIdentity:
    """Accepts every call the run makes on an identity resolver and decides nothing."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.conflicts: list[str] = []

    def add(self, paper: object) -> None:
        """Decide nothing about this paper's authors."""

    def add_many(self, papers: object) -> None:
        """Decide nothing about these papers' authors."""

    def restate(self, papers: object) -> None:
        """Decide and withdraw nothing."""

    def apply_overrides(self) -> list[str]:
        return []


@contextmanager
def identity_disabled() -> Iterator[None]:
    """Within the block, every run context hands out a :class:`NullIdentity`."""
    from scholarkg.runs.context import RunContext

    original = RunContext.__dict__["identity"]
    setattr(RunContext, "identity", property(lambda self: NullIdentity()))  # noqa: B010
    try:
        yield
    finally:
        setattr(RunContext, "identity", original)  # noqa: B010
