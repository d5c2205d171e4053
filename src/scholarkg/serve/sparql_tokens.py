"""SPARQL's terminals as Oxigraph 0.5's parser reads them, shared by the guard's lexer
(:mod:`scholarkg.serve.guard_lexer`) and the form a stopped query is remembered by
(:mod:`scholarkg.serve.query_key`): names, IRIs, strings, comments, numbers, operators.

An IRI is ``<…>`` whose text, once its ``\\uXXXX``/``\\UXXXXXXXX`` escapes are decoded, is
free of spaces and ``<>"{}|^`\\``; a prefixed name takes ``\\'``, ``\\#``, ``%hh`` escapes; a
comment ends at CR or LF; a short string ends at its quote or at a line break.
"""

from __future__ import annotations

import re

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + r"\-0-9" + "\u00b7\u0300-\u036f\u203f\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = rf"(?:[{_CHARS}:]|{_PLX})"
PREFIX = re.compile(rf"[{_BASE}][{_CHARS}.]*+")  # then ":" for a prefixed name
PN_LOCAL = re.compile(rf"(?:(?:[{_CHARS_U}:0-9]|{_PLX}){_LOCAL}*+(?:\.+{_LOCAL}+)?)?")
COMMENT = re.compile(r"#[^\r\n]*")
BNODE = re.compile(rf"_:[{_CHARS_U}0-9][{_CHARS}]*")
VARIABLE = re.compile(rf"[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f\u2040]*")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
NUMBER = re.compile(r"[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?")
_IRI_CHAR = r"[^<>\"{}|^`\\\x00-\x20]"
IRI_BODY = rf"(?:{_IRI_CHAR}|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*"  # between < and >
IRI = re.compile(rf"<({IRI_BODY})>")
IRI_TEXT = re.compile(rf"{_IRI_CHAR}*")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# a string: a backslash takes the next character, whatever it is; a long string ends at its
# three quotes, a short one at its quote or before a line break; either at the text's end
_LONG = r"{q}{q}{q}(?:[^{q}\\]++|\\[\s\S]?|{q}(?!{q}{q}))*+(?:{q}{q}{q})?"
_SHORT = r"{q}(?:[^{q}\\\r\n]++|\\[\s\S]?)*+{q}?"
STRING_SOURCE = "|".join(form.format(q=q) for form in (_LONG, _SHORT) for q in "\"'")
STRING = re.compile(STRING_SOURCE)
OPERATOR = re.compile(r"\|\||&&|!=|<=|>=|\^\^|[!+\-*/|^=<>&]")


def comment_end(text: str, start: int) -> int:
    """Index just past the comment starting (with ``#``) at ``start``."""
    return COMMENT.match(text, start).end()  # type: ignore[union-attr]


def decode_escapes(text: str) -> str:
    """``text`` with its ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes decoded (an escape naming no
    character is kept)."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        valid = code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
        return chr(code) if valid else match.group(0)

    return _ESCAPE.sub(char, text)


def string_end(text: str, start: int) -> int:
    """Index just past the string literal starting at ``start``."""
    return STRING.match(text, start).end()  # type: ignore[union-attr]


def next_char(text: str, start: int) -> str:
    """The first character from ``start`` that is neither whitespace nor in a comment."""
    i = start
    while i < len(text):
        if text[i] == "#":
            i = comment_end(text, i)
        elif text[i] in " \t\r\n":
            i += 1
        else:
            return text[i]
    return ""
