"""The line of a config file that writes a key: tomllib gives no positions, so an unknown
key's error (``my.toml:12: [store] pth: unknown key``) finds it in the text by a plain scan of
table headers and ``key =`` lines. Conservative: a line it cannot read for sure (an escaped
quoted key, an array of tables, a multi-line string) is passed over, and where it finds no
line it says none rather than guess."""

from __future__ import annotations

import re

from scholarkg.config.messages import Loc

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_HEADER = re.compile(r"\s*\[(?!\[)(?P<key>[^\[\]]+)\]\s*(?:#.*)?")
_ASSIGNMENT = re.compile(r"\s*(?P<key>[^=#\[]+?)\s*=")
_MULTILINE = ('"""', "'''")


def key_path(text: str) -> tuple[str, ...] | None:
    """A TOML key as its parts (``store.path``, ``"a.b".c``), or None when it is not one read
    for sure (an escape in a quoted key, a stray character)."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if rest[0] in "\"'":
            end = rest.find(rest[0], 1)
            if end < 0 or "\\" in rest[1:end]:
                return None
            parts.append(rest[1:end])
            rest = rest[end + 1 :].lstrip()
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


def key_line(text: str, loc: Loc) -> int | None:
    """The 1-based line of ``text`` where the key (or table) at ``loc`` is first written, or
    None when no line is found for sure."""
    want = tuple(map(str, loc))
    table: tuple[str, ...] | None = ()
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:  # inside a multi-line string: nothing here is a key
            if line.count(in_string) % 2:
                in_string = None
            continue
        header = _HEADER.fullmatch(line)
        if header is not None:
            table = key_path(header.group("key"))
            if table is not None and table[: len(want)] == want:
                return number
            continue
        if line.lstrip().startswith("[["):
            table = None  # an array of tables: its keys are not placed for sure
            continue
        assignment = _ASSIGNMENT.match(line)
        key = key_path(assignment.group("key")) if assignment else None
        if table is not None and key is not None and (*table, *key)[: len(want)] == want:
            return number
        in_string = next((q for q in _MULTILINE if line.count(q) % 2), None)
    return None
