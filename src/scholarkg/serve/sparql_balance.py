"""Whether a query's brackets pair up: a syntax error found without the engine's parser.

Every text Oxigraph parses as a query (SPARQL 1.1, and 1.2's ``<<( … )>>`` and ``{| … |}``)
pairs each ``(``, ``[`` and ``{`` with its closer, nested; a bracket inside an IRI, a string,
a comment or a prefixed name's escape (``ex:a\\(``) is none, and the guard's lexer reads those
as the engine does (:mod:`.guard_lexer`). So a text whose brackets do not pair is refused by
the engine too, and saying so needs no parse: the ``HEAD`` of a query, never run, answers the
400 its ``GET`` would (:mod:`.sparql_head`; before: 200, or 304 to ``If-None-Match: *``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

_OPENER = {")": "(", "]": "[", "}": "{"}


@dataclass
class Pairing:
    """The brackets of one text as the lexer meets them: those still open (as many as the
    lexer's own levels) and the first closer that closed none or another kind."""

    opened: list[tuple[str, int]] = field(default_factory=list)  # each bracket, its index
    wrong: tuple[str, int, tuple[str, int] | None] | None = None  # closer, index, opener

    def open(self, char: str, at: int) -> None:
        self.opened.append((char, at))

    def close(self, char: str, at: int) -> None:
        last = self.opened.pop() if self.opened else None
        if self.wrong is None and (last is None or last[0] != _OPENER[char]):
            self.wrong = (char, at, last)

    def unpaired(self, text: str) -> str | None:
        """The syntax error of the first bracket that closes none or another kind, else of
        the last one never closed; None when every bracket of ``text`` pairs."""
        if self.wrong is not None:
            char, at, last = self.wrong
            if last is None:
                return f"{_where(text, at)}: {char!r} closes no bracket"
            return f"{_where(text, at)}: {char!r} closes the {last[0]!r} at {_place(text, last[1])}"
        if self.opened:
            char, at = self.opened[-1]
            return f"{_where(text, at)}: {char!r} is never closed"
        return None


def _where(text: str, at: int) -> str:
    return f"SPARQL syntax error at {_place(text, at)}"


def _place(text: str, at: int) -> str:
    """Line and column of index ``at``, counted as the engine counts them (from 1, lines at LF)."""
    line_start = text.rfind("\n", 0, at) + 1
    return f"line {text.count(chr(10), 0, at) + 1}, column {at - line_start + 1}"
