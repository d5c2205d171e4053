"""Counts read from text others wrote (headers, XML attributes, file lines, config keys).

``str.isdigit`` accepts "²" and "٢", and ``int`` refuses the first and reads more than 4 300
digits not at all: a check with one and a read with the other raised out of every door that
met such a value. A count here is ASCII digits, and no more of them than a count needs.
"""

from __future__ import annotations

MAX_DIGITS = 18  # fits in 64 bits


def is_digits(text: str) -> bool:
    """Whether ``text`` is one or more ASCII digits (of any length)."""
    return text.isascii() and text.isdigit()


def count_of(text: str | None, *, digits: int = MAX_DIGITS) -> int | None:
    """``text`` as a whole number, or None: not ASCII digits, or more than ``digits`` of them."""
    if text is None or len(text) > digits or not is_digits(text):
        return None
    return int(text)
