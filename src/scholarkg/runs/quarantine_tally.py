"""A run report's quarantined records, in memory that does not grow with their number.

Every quarantined record is kept in the quarantine folder with its reason (nothing is lost
there); the report counts them all, counts them by kind of reason, and keeps the first
:data:`EXAMPLES` as examples (``source:line: reason``), so a snapshot of a million bad lines
makes neither the run's memory nor its JSON report a million lines long.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, overload

EXAMPLES = 100  # records the report names; the rest are counted
REASON_KINDS = 50  # kinds of reason counted apart; the rest counted together
OTHER = "(other reasons)"
KIND_CHARS = 80


_SPECIFIC = re.compile(r"\S*\d\S*")  # a word with a digit: an id, a line, a size, a version


def reason_kind(told: str) -> str:
    """The kind of reason of ``source:line: reason``: the reason up to its first colon, each
    word with a digit in it written ``…`` (``not JSON``, ``duplicate of arXiv id … at line …``),
    at most :data:`KIND_CHARS` long (before, each id or line named made a kind of its own)."""
    reason = told.split(": ", 1)[1] if ": " in told else told
    return _SPECIFIC.sub("…", reason.split(":", 1)[0].strip())[:KIND_CHARS]


class QuarantineTally:
    """Counts and the first examples of a run's quarantined records; reads like the list it
    replaced (``len``, iteration and slices over the examples, ``+=`` a list of them)."""

    def __init__(self, told: Iterable[str] = ()) -> None:
        self.count = 0
        self.examples: list[str] = []
        self.reasons: Counter[str] = Counter()
        self += told

    def __iadd__(self, told: Iterable[str]) -> QuarantineTally:
        for item in told:
            self.count += 1
            if len(self.examples) < EXAMPLES:
                self.examples.append(item)
            kind = reason_kind(item)
            if kind not in self.reasons and len(self.reasons) >= REASON_KINDS:
                kind = OTHER
            self.reasons[kind] += 1
        return self

    @property
    def more(self) -> int:
        """How many are counted but not among the examples."""
        return self.count - len(self.examples)

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.examples)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self.examples[index]

    def __eq__(self, other: object) -> bool:
        """Equal to a list of every record it counted (the examples are all of them)."""
        if isinstance(other, QuarantineTally):
            return (self.count, self.examples) == (other.count, other.examples)
        if isinstance(other, list):
            return self.more == 0 and self.examples == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"QuarantineTally(count={self.count}, examples={self.examples!r})"

    @classmethod
    def read(cls, data: dict[str, Any]) -> QuarantineTally:
        """The tally a JSON report (:meth:`as_json`; older: a list of every one) wrote."""
        tally = cls(data.get("quarantined") or ())
        if isinstance(data.get("quarantined_count"), int):
            tally.count = max(tally.count, data["quarantined_count"])
        reasons = data.get("quarantined_reasons")
        if isinstance(reasons, dict):
            tally.reasons = Counter(  # hand-edited counts that are no whole numbers: left out
                {str(k): v for k, v in reasons.items() if type(v) is int and v >= 0}
            )
        return tally

    def as_json(self) -> dict[str, Any]:
        """What the JSON report says of them (``quarantined`` stays the list of examples)."""
        return {
            "quarantined": list(self.examples),
            "quarantined_count": self.count,
            "quarantined_more": self.more,
            "quarantined_reasons": dict(self.reasons.most_common()),
        }
