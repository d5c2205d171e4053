"""A value a user gave (a ``--param``, a ``NAME=VALUE`` pair) as an error line quotes it: its
``repr`` (every quote, line break and character no reader sees escaped), cut after its first
:data:`SHOWN_VALUE_CHARS` characters with how many more it held, the marker
:mod:`scholarkg.shown_text` writes (``'aaa…a'…[99700 more characters]``), so a 100 KB value
is never a 100 KB error line. Imports nothing: the CLI's parser uses it."""

from __future__ import annotations

SHOWN_VALUE_CHARS = 300
"""The most characters of a value one error line quotes (before escaping)."""


def shown_value(value: str) -> str:
    """``value``'s ``repr``, of at most its first :data:`SHOWN_VALUE_CHARS` characters, with
    ``…[N more characters]`` after it when it held more."""
    if len(value) <= SHOWN_VALUE_CHARS:
        return repr(value)
    more = len(value) - SHOWN_VALUE_CHARS
    return f"{value[:SHOWN_VALUE_CHARS]!r}…[{more} more characters]"
