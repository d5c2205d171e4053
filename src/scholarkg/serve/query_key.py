"""The form a query is remembered by once a limit stopped it (:class:`~.cache.Exhausted`): its
text without comments and with each run of whitespace as one space, strings and IRIs as
written. A comment or a line break added to a stopped query does not make it a new one."""

from __future__ import annotations

import re

from scholarkg.serve.sparql_tokens import IRI, comment_end, string_end

_PLAIN = re.compile(r"[^\s#\"'<\\]+")  # text that needs no care
_SPACE = re.compile(r"\s+")


def normal_form(text: str) -> str:
    """``text`` as :mod:`scholarkg.serve.sparql_tokens` reads it, comments and layout left out."""
    out: list[str] = []
    i, n = 0, len(text)

    def gap() -> None:
        if out and out[-1] != " ":
            out.append(" ")

    while i < n:
        char = text[i]
        if match := _PLAIN.match(text, i):
            out.append(match.group())
            i = match.end()
        elif char.isspace():
            gap()
            i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
        elif char == "#":
            gap()
            i = comment_end(text, i)
        elif char in "\"'":
            end = string_end(text, i)
            out.append(text[i:end])
            i = end
        elif char == "<" and (match := IRI.match(text, i)):
            out.append(match.group())
            i = match.end()
        else:  # "<" comparing, or "\" escaping the next character of a name (as in ex:a\#)
            out.append(text[i : i + 2] if char == "\\" else char)
            i += 2 if char == "\\" else 1
    return "".join(out).strip()
