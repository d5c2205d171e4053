"""The environment over a file's values: ``SCHOLARKG_<SECTION>__<KEY>`` variables (and the
named ones kept from earlier versions) validated with them into :class:`Settings`. A problem is
one :class:`ConfigError` line naming the variable that set the bad value, else the file."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError
from pydantic_settings import SettingsError

from scholarkg.config.fields import ENV_NESTED, ENV_PREFIX, env_name, marker
from scholarkg.config.key_lines import key_line
from scholarkg.config.messages import TOO_DEEP, Loc, beyond_python, first_problem
from scholarkg.config.nearest import key_hint, section_hint
from scholarkg.config.origins import error_at, origin
from scholarkg.config.overrides import Override, as_tables
from scholarkg.config.reading import config_bytes
from scholarkg.config.schema import COMMAND_LINE, Settings, declared_keys, named_variables
from scholarkg.errors import ConfigError


def build_settings(
    values: dict[str, Any], where: Path, overrides: Sequence[Override] = ()
) -> Settings:
    """Validate ``values`` (a file's tables) with the environment over them, and ``--set``'s
    ``overrides`` over both."""
    _refuse_unread_variables()
    _refuse_misspelt_variables()
    _refuse_blank_variables()
    _refuse_disagreeing_variables()
    tables = as_tables(overrides)
    token = COMMAND_LINE.set(tables)
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        at = error_at(first)
        given = set_by(overrides, at) or origin(at, where)
        if given == str(where) and written(values, at):  # the file's value: its line
            given += line_of(where, at)  # (before: an unknown key's alone)
        hint = partial(_hint, given)
        raise ConfigError(f"{given}: {first_problem(exc, secret=_secret, hint=hint)}") from None
    except SettingsError as exc:
        raise ConfigError(_not_json(str(exc))) from None
    except RecursionError:  # a variable's JSON, read by recursion
        raise ConfigError(_too_deep_variable()) from None
    finally:
        COMMAND_LINE.reset(token)


def given_by(
    loc: Loc, overrides: Sequence[Override], values: dict[str, Any], where: Path, defaults: Path
) -> str:
    """Where the value at ``loc`` came from, for an error the whole configuration makes: the
    last ``--set`` of it (as typed, :func:`set_by`), else its environment variable, else the
    file ``where`` (with the line) when its tables ``values`` hold it, else ``defaults``."""
    given = set_by(overrides, loc) or origin(loc, where)
    if given != str(where):
        return given
    return f"{where}{line_of(where, loc)}" if written(values, loc) else str(defaults)


def written(values: dict[str, Any], loc: Loc) -> bool:
    """Whether a file's tables ``values`` hold the value at ``loc`` (or the list it is in)."""
    node: Any = values
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            return True
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def set_by(overrides: Sequence[Override], loc: Loc) -> str | None:
    """``--set <what was given>`` when the last ``--set`` of the key at ``loc`` (or a table
    holding it) gave it, in the spelling typed (``--config-set …``; before: always ``--set``)."""
    at = tuple(map(str, loc))
    for override in reversed(overrides):  # the key it set, a table it made, or within them
        depth = min(len(at), len(override.path))
        if depth >= 2 and at[:depth] == override.path[:depth]:
            return f"{override.option} {override.given}"
    return None


def line_of(path: Path, loc: Loc) -> str:
    """``:12``, the line of ``path`` that writes the key at ``loc``; ``""`` when it is not
    found for sure (:mod:`.key_lines`)."""
    try:
        line = key_line(config_bytes(path).decode("utf-8"), loc)
    except (ConfigError, UnicodeDecodeError):  # changed since it was read: no line
        return ""
    return "" if line is None else f":{line}"


def _too_deep_variable() -> str:
    """The line for the variable whose JSON is nested too deep to read."""
    for name, value in sorted(os.environ.items()):
        if name.upper().startswith(ENV_PREFIX):
            try:
                json.loads(value)
            except RecursionError:
                return f"environment {name}: not valid JSON ({TOO_DEEP})"
            except ValueError:
                continue
    return f"environment: a variable's JSON has {TOO_DEEP}"


def _refuse_unread_variables() -> None:
    """A ``SCHOLARKG_<SECTION>__…`` variable that would be ignored or misread is a
    :class:`ConfigError` naming it: one whose section is none of the schema's
    (pydantic-settings reads only the sections it knows, so a misspelt one,
    ``SCHOLARKG_ARXV__ENABLED``, was ignored), and one naming a key of a section that is one
    free table (``[subject_codes]``, ``[schedules]``), which a variable's name cannot give: it
    keeps no case (``SCHOLARKG_SUBJECT_CODES__QQ`` was read as the code ``qq``, which no page
    writes)."""
    for name in sorted(os.environ):
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or ENV_NESTED not in upper[len(ENV_PREFIX) :]:
            continue
        section = upper[len(ENV_PREFIX) :].split(ENV_NESTED, 1)[0].lower()
        if section not in Settings.model_fields:
            known = ", ".join(f"[{s}]" for s in Settings.model_fields)
            hint = section_hint(section, Settings.model_fields)
            raise ConfigError(
                f"environment {name}: unknown section [{section}] (known: {known}){hint}"
            )
        if get_origin(Settings.model_fields[section].annotation) is dict:
            whole = f"{ENV_PREFIX}{section.upper()}"
            raise ConfigError(
                f"environment {name}: [{section}] is one table: set it whole, as JSON, in "
                f"{whole} (a variable's name keeps no case)"
            )


def _refuse_misspelt_variables() -> None:
    """A variable named as a key's with one underscore where two belong
    (``SCHOLARKG_SERVE_WORKERS`` for ``SCHOLARKG_SERVE__WORKERS``) is a :class:`ConfigError`
    naming both (before: ignored without a word, the key left at its file's or default
    value)."""
    named = {name.upper() for name in named_variables()}
    misspelt = {
        env_name(section, key).replace(ENV_NESTED, "_", 1): env_name(section, key)
        for section, key, _ in declared_keys()
    }
    for name in sorted(os.environ):
        meant = misspelt.get(name.upper())
        if meant is not None and name.upper() not in named:
            raise ConfigError(
                f"environment {name}: not read: the variable of that key is {meant} (two "
                "underscores between section and key)"
            )


def _refuse_blank_variables() -> None:
    """A variable the configuration reads that holds only white space is a
    :class:`ConfigError` naming it (before: taken as it is, ``SCHOLARKG_DATA__DIR=" "`` a data
    directory named by a space, ``SCHOLARKG_SERVE__HOST=" "`` an address; an empty one is
    unset, as before)."""
    named = {name.upper() for name in named_variables()}
    sections = {f"{ENV_PREFIX}{section.upper()}" for section in Settings.model_fields}
    for name, value in sorted(os.environ.items()):
        upper = name.upper()
        read = upper in named or upper.split(ENV_NESTED, 1)[0] in sections
        if read and value and not value.strip():
            raise ConfigError(
                f"environment {name}: only white space; unset it (or set it empty) to leave "
                "the key to the config file and the defaults"
            )


def _refuse_disagreeing_variables() -> None:
    """A key set by both its variable kept from earlier versions and its
    ``SCHOLARKG_<SECTION>__<KEY>`` variable (or its section's JSON, ``SCHOLARKG_<SECTION>``), to
    different values, is a :class:`ConfigError` naming both (before: the later one won without
    a word, ``SCHOLARKG_STORE`` ignored); set alike, or only one of them, it is read as before.
    Values are compared as read (white space around them left out) and never shown (some are
    secrets)."""
    given = {name.upper(): (name, value.strip()) for name, value in sorted(os.environ.items())}
    for named, (section, key) in sorted(named_variables().items()):
        old = os.environ.get(named, "").strip()  # read in its case (_NamedEnvironment)
        for other, new in _also_setting(given, named, section, key):
            if old and new and old != new:
                raise ConfigError(
                    f"environment {named} and {other} both set [{section}] {key}, to different "
                    "values: unset one (or set both alike)"
                )


def _also_setting(
    given: dict[str, tuple[str, str]], named: str, section: str, key: str
) -> Iterator[tuple[str, str]]:
    """(variable, value) of the other variables that set ``[section] key``: its own, and its
    section's JSON table (not JSON, or no table: left to the error it makes)."""
    yield given.get(env_name(section, key), ("", ""))
    whole, value = given.get(f"{ENV_PREFIX}{section.upper()}", ("", ""))
    if whole and whole.upper() != named.upper():  # SCHOLARKG_STORE is store's path, not JSON
        try:
            table = json.loads(value)
        except (ValueError, RecursionError):
            return
        if isinstance(table, dict) and table.get(key) is not None:
            yield whole, str(table[key]).strip()


def _not_json(problem: str) -> str:
    """The line for a variable whose list or table is not JSON (pydantic-settings names only
    the section): the variable, where its JSON breaks, and how to write it."""
    found = re.search(r'field "(\w+)"', problem)
    section = found.group(1) if found else ""
    prefix = f"{ENV_PREFIX}{section.upper()}"
    json_keys = {  # the keys read from the environment as JSON: lists and tables
        f"{prefix}{ENV_NESTED}{k.upper()}"
        for s, k, field in declared_keys()
        if s == section and get_origin(field.annotation) in (list, tuple, dict)
    }
    for name, value in sorted(os.environ.items()):
        if section and (name.upper() == prefix or name.upper() in json_keys):
            try:
                json.loads(value)
            except ValueError as exc:
                return (
                    f"environment {name}: not valid JSON ({beyond_python(exc)}); lists and "
                    "tables are written "
                    """as JSON, e.g. '["cs", "math"]' or '{"key": "value"}'"""
                )
    return f"environment: {problem} (lists and tables are written as JSON)"


def _hint(given: str, loc: Loc) -> str:
    """The key meant for the unknown key at ``loc``: as its variable when the variable of that
    key gave it (``SCHOLARKG_STORE__PAHT``: ``SCHOLARKG_STORE__PATH``), else as
    ``section.key``."""
    variable = len(loc) == 2 and given.upper() == f"ENVIRONMENT {env_name(*map(str, loc))}"
    return key_hint(Settings, loc, variable=variable)


def _secret(loc: Loc) -> bool:
    return len(loc) >= 2 and any(
        marker(field, "secret") for s, k, field in declared_keys() if (s, k) == loc[:2]
    )
