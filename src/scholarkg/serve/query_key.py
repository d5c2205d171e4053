"""The form a query is remembered by once a limit stopped it (:class:`~.cache.Exhausted`): its
text without comments and with each run of whitespace as one space, strings and IRIs as
written. A comment or a line break added to a stopped query does not make it a new one."""

from __future__ import annotations

import re

from scholarkg.serve.sparql_tokens import IRI_BODY, STRING_SOURCE

# what is kept as written (names, operators, strings, IRIs, a "<" comparing, a "\" escaping
# the next character of a name as in ex:a\#) or else a gap: whitespace and comments. One
# match per run of either: the text is read by the regular expression engine, not per token
_KEPT = rf"(?:[^\s#\"'<\\]++|{STRING_SOURCE}|<{IRI_BODY}>|<|\\[\s\S]?)++"
_PARTS = re.compile(rf"({_KEPT})|(?:\s++|#[^\r\n]*+)++")


def normal_form(text: str) -> str:
    """``text`` as :mod:`scholarkg.serve.sparql_tokens` reads it, comments and layout left out:
    each gap between kept runs is one space."""
    return " ".join(part for part in _PARTS.findall(text) if part).strip()
