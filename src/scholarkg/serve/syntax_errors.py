"""A SPARQL syntax error as a client reads it: where it is, the line it is on, and, for a text
that starts with no query form, what it starts with instead."""

from __future__ import annotations

import re

from scholarkg.query_results import VISIBLE_CONTROLS
from scholarkg.serve.bidi import controls_named
from scholarkg.serve.guard import scan_query

_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


def explain_syntax_error(text: str, message: str) -> str:
    """A parser message with line and column, the line itself (each control character drawn
    as a visible one, each bidi control as a mark: :func:`_shown`) and a caret under the
    column; for a text that does not start with a query form, what it starts with instead."""
    found = _ERROR_AT.search(message)
    if scan_query(text).form is None:
        for number, line in enumerate(text.split("\n"), start=1):
            stripped = re.sub(r"#.*", "", line).strip()
            word = re.match(r"[A-Za-z_]+", stripped)
            if word and word.group(0).upper() not in ("PREFIX", "BASE"):
                column = line.index(word.group(0)) + 1
                return (
                    f"SPARQL syntax error at line {number}, column {column}: "
                    f"{word.group(0)!r} is not a query form; a query starts with SELECT, "
                    "CONSTRUCT, DESCRIBE or ASK (after any PREFIX and BASE)"
                )
    if not found:
        return f"SPARQL syntax error: {message}"
    line_no, column, rest = int(found.group(1)), int(found.group(2)), found.group(3).strip()
    lines = text.split("\n")  # as the parser counts them: not at U+2028, FF, CR…
    line = lines[min(line_no, len(lines)) - 1].removesuffix("\r")
    caret = " " * len(_shown(line[: max(column - 1, 0)])) + "^"  # under the column as shown
    return (
        f"SPARQL syntax error at line {line_no}, column {column}: {rest}\n{_shown(line)}\n{caret}"
    )


def _shown(line: str) -> str:
    """``line`` with each control character drawn as a visible one, as a table cell is, and
    each bidi control as a mark naming it (:func:`.bidi.controls_named`)."""
    return controls_named(line.translate(VISIBLE_CONTROLS))
