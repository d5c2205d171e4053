"""Where a bad value of the configuration came from: the environment variable that gave it,
else the file. pydantic-settings merges the file's tables and the variables before validating,
so an error says only where in the merged tables the value is; each variable is asked whether
it gave a value there."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic_core import ErrorDetails

from scholarkg.config.fields import ENV_NESTED, ENV_PREFIX
from scholarkg.config.messages import Loc
from scholarkg.config.schema import Settings, named_variables

Variable = tuple[str, tuple[str, ...], str]
"""A variable read: its name as written, the location it sets (its name's parts), its value."""


def error_at(error: ErrorDetails) -> Loc:
    """Where the value ``error`` is about: its location, down to the key a table's check
    names (``ctx["at"]``, :func:`~scholarkg.config.fields.key_problem`); for a key missing,
    the table that lacks it."""
    loc = tuple(error["loc"])
    if error["type"] == "missing":
        return loc[:-1]
    return loc + tuple(error.get("ctx", {}).get("at", ()))


def origin(loc: Loc, where: Path) -> str:
    """The variable that gave the value at ``loc``, else the file ``where`` (before: any
    variable set for its section was named, ``SCHOLARKG_SUBJECT_CODES`` for a blank code the
    file wrote, ``SCHOLARKG_HTTP`` for a bad ``[http]`` key the file gave and
    ``SCHOLARKG_STORE`` for any bad ``[store]`` key)."""
    if not loc:
        return str(where)
    for name, path, value in _variables():
        if _gives(path, value, loc):
            return f"environment {name}"
    return str(where)


def _variables() -> list[Variable]:
    """The variables read, highest first as pydantic-settings merges them:
    ``SCHOLARKG_<SECTION>__<KEY>…``, the deeper first, then the section's JSON
    (``SCHOLARKG_<SECTION>``), then the names kept from earlier versions. Unset or empty ones
    set nothing."""
    named = named_variables()
    kept = {name.upper() for name in named}
    nested: list[Variable] = []
    for name, value in sorted(os.environ.items()):
        upper = name.upper()
        if not value.strip() or not upper.startswith(ENV_PREFIX) or upper in kept:
            continue
        path = tuple(name[len(ENV_PREFIX) :].split(ENV_NESTED))
        if path[0].lower() in Settings.model_fields:
            nested.append((name, path, value))
    nested.sort(key=lambda variable: -len(variable[1]))
    old = [
        (name, section_key, os.environ[name])  # read in its case (_NamedEnvironment)
        for name, section_key in sorted(named.items())
        if os.environ.get(name, "").strip()
    ]
    return nested + old


def _gives(path: tuple[str, ...], value: str, loc: Loc) -> bool:
    """Whether the variable setting ``path`` to ``value`` gave the value at ``loc`` (or a part
    of it, when ``loc`` is the table it sets a key of)."""
    for depth, part in enumerate(loc):
        if depth == len(path):
            return _holds(_read(value), loc[depth:])
        # a section's or key's name is folded to lower case; a table's key keeps its case
        if str(part) not in (path[depth], path[depth].lower()):
            return False
    return True


def _read(value: str) -> Any:
    """A variable's value as read for a list or table (JSON), else its text."""
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return value


def _holds(node: Any, rest: Loc) -> bool:
    """Whether ``node`` (a variable's JSON) holds a value at ``rest``."""
    for part in rest:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_list or (isinstance(node, dict) and part in node)):
            return False
        node = node[part]
    return True
