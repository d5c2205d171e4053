"""The line of a config file that writes a key: tomllib gives no positions, so an unknown
key's or a bad value's error (``my.toml:12: [store] pth: unknown key``) finds it in the text
by a plain scan of table headers (``[[…]]`` too: a key under the n-th is at index n), ``key =``
lines and the keys of inline tables (``parameters = { set_spc = "cs" }``, across lines where an
array in it spans them); a quoted key's escapes are read as TOML reads them (``"caf\\u00e9"``).
Conservative: a line it cannot read for sure (a multi-line string) is passed over, and where it
finds no line it says none rather than guess."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from scholarkg.config.messages import Loc

TablePath = tuple[str | int, ...]  # where a table is: its keys, an index in each array of tables

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = r'"(?:[^"\\\n]|\\.)*"'  # a basic string: its escapes (\") read as one character
_NAMED = rf"""(?P<key>(?:{_BASIC}|'[^'\n]*'|[^\[\]"'\n])+)"""  # a header's key, quotes may hold ]
_HEADER = re.compile(rf"\s*\[(?!\[){_NAMED}\]\s*(?:#.*)?")
_ARRAY_HEADER = re.compile(rf"\s*\[\[{_NAMED}\]\]\s*(?:#.*)?")
_KEY = rf"""(?:{_BASIC}|'[^'\n]*'|[^=#\[\]"'\n{{}},])+?"""  # a quoted part may hold # or =
_ASSIGNMENT = re.compile(rf"\s*(?P<key>{_KEY})\s*=")
_MULTILINE = ('"""', "'''")


def key_path(text: str) -> tuple[str, ...] | None:
    """A TOML key as its parts (``store.path``, ``"a.b".c``, ``"caf\\u00e9"`` as ``café``), or
    None when it is not one read for sure (a stray character, an escape TOML refuses)."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if rest[0] == "'":  # a literal key: no escapes, a backslash is itself
            end = rest.find("'", 1)
            if end < 0:
                return None
            parts.append(rest[1:end])
            rest = rest[end + 1 :].lstrip()
        elif rest[0] == '"':
            quoted = re.match(_BASIC, rest)
            part = _basic_key(quoted.group()) if quoted else None
            if quoted is None or part is None:
                return None
            parts.append(part)
            rest = rest[quoted.end() :].lstrip()
        else:
            found = _BARE.match(rest)
            if found is None:
                return None
            parts.append(found.group())
            rest = rest[found.end() :].lstrip()
        if rest and not rest.startswith("."):
            return None
        rest = rest[1:].lstrip()
    return tuple(parts) or None


def _basic_key(quoted: str) -> str | None:
    """The key a basic string writes, its escapes read by TOML's own reader (``\\u0068`` is
    ``h``; before: a key holding an escape was never placed); None: an escape TOML refuses."""
    if "\\" not in quoted:
        return quoted[1:-1]
    try:
        [key] = tomllib.loads(f"{quoted} = 0")
    except tomllib.TOMLDecodeError:
        return None
    return key


def placed(path: Path, text: str, loc: Loc) -> str:
    """``path:12``, naming the line of ``path`` (its ``text``) that writes the key at ``loc``;
    ``path`` alone when it is not found for sure."""
    line = key_line(text, loc)
    return f"{path}" if line is None else f"{path}:{line}"


def key_line(text: str, loc: Loc) -> int | None:
    """The 1-based line of ``text`` where the key (or table) at ``loc`` is first written, or
    None when no line is found for sure; a location in a list (``loc`` holding an index) is
    the line of the key holding the list."""
    want = tuple(part if isinstance(part, int) else str(part) for part in loc)
    table: TablePath | None = ()
    arrays: dict[TablePath, int] = {}  # each array of tables (its path, indices in it): its length
    in_string: str | None = None
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):  # TOML's newline: \n or \r\n
        start, offset = offset, offset + len(line) + 1
        line = line.removesuffix("\r")
        if in_string is not None:  # inside a multi-line string: nothing here is a key
            if line.count(in_string) % 2:
                in_string = None
            continue
        header = _HEADER.fullmatch(line) or _ARRAY_HEADER.fullmatch(line)
        if header is not None:
            named = key_path(header.group("key"))
            table = None if named is None else _table(named, arrays, header.re is _ARRAY_HEADER)
            if table is not None and table[: len(want)] == want:
                return number
            continue
        assignment = _ASSIGNMENT.match(line)
        key = key_path(assignment.group("key")) if assignment else None
        if assignment is not None and table is not None and key is not None:
            full = (*table, *key)
            if full[: len(want)] == want:
                return number
            if want[: len(full)] == full:
                if isinstance(want[len(full)], int):  # an item of the list it is set to
                    return number
                # a key within the inline table it is set to
                inner = _inline_line(text, start + assignment.end(), want[len(full) :])
                if inner is not None:
                    return inner
        in_string = next((q for q in _MULTILINE if line.count(q) % 2), None)
    return None


def _table(named: tuple[str, ...], arrays: dict[TablePath, int], array: bool) -> TablePath:
    """The table a header names, an index after each array of tables on its way (its last
    element: ``[a.b]`` after ``[[a]]`` is ``a.<n>.b``); an array's header (``array``) adds an
    element to it, the table it begins."""
    path: list[str | int] = []
    for at, part in enumerate(named):
        path.append(part)
        length = arrays.get(tuple(path))
        if array and at == len(named) - 1:
            arrays[tuple(path)] = length = (length or 0) + 1
        if length:
            path.append(length - 1)
    return tuple(path)


_INLINE_KEY = re.compile(rf"\s*(?P<key>{_KEY})\s*=")


def _inline_line(text: str, at: int, want: TablePath) -> int | None:
    """The line of the key ``want`` within the inline table whose value starts at ``at`` of
    ``text`` (white space before it), or None (not an inline table, or not in it)."""
    at = _skip_blank(text, at)
    if text[at : at + 1] != "{":
        return None
    at += 1
    while at < len(text):
        found = _INLINE_KEY.match(text, at)
        key = key_path(found.group("key")) if found else None
        if found is None or key is None:
            return None
        if key == want[: len(key)]:
            if len(key) == len(want) or isinstance(want[len(key)], int):  # or in its list
                return text.count("\n", 0, found.start("key")) + 1
            return _inline_line(text, found.end(), want[len(key) :])
        at = _value_end(text, found.end())
        if text[at : at + 1] != ",":
            return None
        at += 1
    return None


def _skip_blank(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t":
        at += 1
    return at


def _value_end(text: str, at: int) -> int:
    """Where the value starting at ``at`` ends: at the ``,`` or ``}`` after it (outside
    strings, arrays and inline tables), or the end of ``text``."""
    depth = 0
    while at < len(text):
        char = text[at]
        if char in "\"'":
            at = _string_end(text, at)
            continue
        if char == "#":  # a comment, within an array that spans lines
            end = text.find("\n", at)
            at = len(text) if end < 0 else end
            continue
        if char in "[{":
            depth += 1
        elif char in "]}" and depth:
            depth -= 1
        elif char in ",}" and not depth:
            return at
        at += 1
    return at


def _string_end(text: str, at: int) -> int:
    """Just past the string that starts at ``at`` (basic or literal, one line or many)."""
    quote = text[at]
    if text.startswith(quote * 3, at):
        end = text.find(quote * 3, at + 3)
        if end < 0:
            return len(text)
        end += 3
        while text.startswith(quote, end):  # up to two quotes may end the string's text
            end += 1
        return end
    at += 1
    while at < len(text) and text[at] not in (quote, "\n"):
        at += 2 if quote == '"' and text[at] == "\\" else 1
    return at + 1
