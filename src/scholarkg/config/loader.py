"""Load the configuration: schema defaults < your ``--config`` file < the environment.

Relative paths in your file follow that file's directory; in the defaults and the environment,
the working directory; so do the paths of ``profile:<path>`` references in ``[people]``, which
name a profile source as the run records it. Secrets (``setting(secret=True)``) are read only
from the environment. Every problem is one :class:`ConfigError` line naming the file or
variable, section and key.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
import tomllib
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import SettingsError

from scholarkg.config.fields import ENV_NESTED, ENV_PREFIX, env_name, marker
from scholarkg.config.messages import Loc, first_problem
from scholarkg.config.reading import config_bytes
from scholarkg.config.schema import Settings, declared_keys
from scholarkg.config.sections import store_and_data_problem
from scholarkg.config.view import Config
from scholarkg.errors import ConfigError
from scholarkg.files import absolute
from scholarkg.locations import NO_NUL, NUL, file_url_path, http_url, is_http_url, url_problem


def load_config(path: Path | None = None) -> Config:
    """The checked configuration: defaults, then ``path`` (if given), then the environment.

    ``path`` being the generated ``config/default.toml`` reads as no file at all.
    """
    from scholarkg.resources import default_config_path

    defaults = default_config_path()
    mine = None if path is None or absolute(Path(path)) == absolute(defaults) else Path(path)
    values = read_file(mine) if mine is not None else {}
    settings = locate_paths(build_settings(values, mine or defaults), Path.cwd(), mine or defaults)
    if settings.store.kind == "oxigraph":
        problem = store_and_data_problem(settings.store.path, settings.data.dir)
        if problem:
            raise ConfigError(f"{mine or defaults}: [store] path {settings.store.path} {problem}")
    return Config(settings, source=mine or defaults)


def read_file(path: Path) -> dict[str, Any]:
    """``path``'s tables, with its relative paths made absolute; secrets refused."""
    data = config_bytes(path)
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: invalid TOML: not UTF-8 text (byte {exc.start}: "
            f"0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        bom = data.startswith(codecs.BOM_UTF8)
        hint = " (the file starts with a byte-order mark: save it as UTF-8 without one)"
        raise ConfigError(f"{path}: invalid TOML: {exc}{hint if bom else ''}") from None
    except RecursionError:  # tomllib reads a nested array or inline table by recursion
        raise ConfigError(f"{path}: invalid TOML: {TOO_DEEP}") from None
    except ValueError as exc:  # Python's own: an integer of more digits than it converts
        raise ConfigError(f"{path}: invalid TOML: {_beyond_python(exc)}") from None
    for section in raw:
        if section not in Settings.model_fields:
            raise ConfigError(f"{path}: unknown section [{section}]")
    for section, key, field in declared_keys():
        table = raw.get(section)
        if marker(field, "secret") and isinstance(table, dict) and key in table:
            raise ConfigError(
                f"{path}: [{section}] {key}: a secret is never read from a file; set "
                f"{marker(field, 'env')} (or {env_name(section, key)}) in the environment"
            )
        if isinstance(table, dict) and key in table:
            problem = _toml_type_problem(field, table[key])
            if problem:
                raise ConfigError(f"{path}: [{section}] {key} {problem}")
    return _absolutise(raw, absolute(path).parent, path)


# What a TOML file must write for a key of each scalar type (the environment's text is
# converted; a file's value is taken as TOML typed it, so `true` is never the integer 1).
_TOML_SCALARS: dict[type, tuple[tuple[type, ...], str]] = {
    bool: ((bool,), "must be true or false"),
    int: ((int,), "must be a valid integer"),
    float: ((int, float), "must be a number"),
}


def _scalar_type(annotation: Any) -> type | None:
    """``int``, ``float`` or ``bool`` for a key of that type (``X | None`` too), else None."""
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [a for a in get_args(annotation) if a is not type(None)]
        return _scalar_type(kinds[0]) if len(kinds) == 1 else None
    return annotation if annotation in _TOML_SCALARS else None


def _toml_type_problem(field: FieldInfo, value: object) -> str | None:
    """Why ``value``, as a file wrote it, is the wrong TOML type for ``field`` (None: fine)."""
    kind = _scalar_type(field.annotation)
    if kind is None:
        return None
    allowed, problem = _TOML_SCALARS[kind]
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, allowed):
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        return f"{problem}, got {shown} (a TOML {type(value).__name__})"
    return None


def build_settings(values: dict[str, Any], where: Path) -> Settings:
    """Validate ``values`` (a file's tables) with the environment over them."""
    _refuse_unread_variables()
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = tuple(exc.errors(include_url=False)[0]["loc"])
        raise ConfigError(
            f"{_origin(first, where)}: {first_problem(exc, secret=_secret)}"
        ) from None
    except SettingsError as exc:
        raise ConfigError(_not_json(str(exc))) from None
    except RecursionError:  # a variable's JSON, read by recursion
        raise ConfigError(_too_deep_variable()) from None


TOO_DEEP = "arrays or tables nested too deep to read"


def _beyond_python(exc: ValueError) -> str:
    """What a ValueError tomllib let through says, without Python's advice to its programmer
    (``use sys.set_int_max_str_digits()``)."""
    text = str(exc)
    if "integer string conversion" in text:
        return f"an integer of more than {sys.get_int_max_str_digits()} digits"
    return text


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
            raise ConfigError(f"environment {name}: unknown section [{section}] (known: {known})")
        if get_origin(Settings.model_fields[section].annotation) is dict:
            whole = f"{ENV_PREFIX}{section.upper()}"
            raise ConfigError(
                f"environment {name}: [{section}] is one table: set it whole, as JSON, in "
                f"{whole} (a variable's name keeps no case)"
            )


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
                    f"environment {name}: not valid JSON ({_beyond_python(exc)}); lists and "
                    "tables are written "
                    """as JSON, e.g. '["cs", "math"]' or '{"key": "value"}'"""
                )
    return f"environment: {problem} (lists and tables are written as JSON)"


def _secret(loc: Loc) -> bool:
    return len(loc) >= 2 and any(
        marker(field, "secret") for s, k, field in declared_keys() if (s, k) == loc[:2]
    )


def _origin(loc: Loc, where: Path) -> str:
    """Where the bad value came from: the variable that set it, else the file."""
    if not loc:
        return str(where)
    section = str(loc[0])
    # the variables set, by their names in upper case: pydantic-settings reads any case
    given = {name.upper(): name for name, value in sorted(os.environ.items()) if value.strip()}
    names = []
    if len(loc) >= 2:
        key = str(loc[1])
        names.append(env_name(section, key))
        names += [marker(f, "env") for s, k, f in declared_keys() if (s, k) == (section, key)]
        below = env_name(section, key) + ENV_NESTED  # a key of its table (…__MERGE__<key>)
        names += [upper for upper in given if upper.startswith(below)]
    names.append(f"SCHOLARKG_{section.upper()}")
    for name in names:
        if name and name.upper() in given:
            return f"environment {given[name.upper()]}"
    return str(where)


def _locate(value: str, base: Path) -> str:
    """A URL stays as is; a ``file:`` URL is the path it names; a relative path is resolved
    against ``base``. A ``file:`` URL naming no file here, an http(s) URL that cannot be
    fetched or a URL of another scheme (``ftp://``: once a relative path ``ftp:/…``) is a
    ConfigError naming it."""
    if problem := url_problem(value):
        raise ConfigError(f"{value}: {problem}")
    if is_http_url(value):
        return http_url(value)
    try:
        named = file_url_path(value)
    except ValueError as exc:
        raise ConfigError(f"{value}: {exc}") from None
    if NUL in value:
        raise ConfigError(f"{value!r}: {NO_NUL}")
    path = Path(named if named is not None else value).expanduser()
    return str(path if path.is_absolute() else absolute(base / path))


def _located(value: Any, base: Path) -> Any:
    if isinstance(value, str) and value:
        return _locate(value, base)
    if isinstance(value, Path):
        return Path(_locate(str(value), base))
    if isinstance(value, list | tuple):
        return type(value)(_located(item, base) for item in value)
    return value  # not a location ("" or not text): validation says what is wrong with it


def _located_ref(ref: Any, base: Path) -> Any:
    """A ``profile:<path>`` reference of ``[people]`` with its path located as a profile
    source's is, so it names the location the run records; any other reference as it is."""
    if isinstance(ref, str) and ref.strip().startswith("profile:"):
        location = ref.strip().removeprefix("profile:").strip()
        return f"profile:{_locate(location, base)}" if location else ref
    return ref


def _located_people(people: dict[str, Any], base: Path) -> dict[str, Any]:
    """``[people]``'s tables with their profile references located: in ``merge`` both sides
    are references, in ``split`` the keys."""
    out = dict(people)
    for table, values_too in (("merge", True), ("split", False)):
        refs = out.get(table)
        if isinstance(refs, dict):
            out[table] = {
                _located_ref(ref, base): _located_ref(other, base) if values_too else other
                for ref, other in refs.items()
            }
    return out


@contextmanager
def _naming(where: str) -> Iterator[None]:
    """A ConfigError raised inside says ``where`` first (the file or variable, section, key)."""
    try:
        yield
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _absolutise(raw: dict[str, Any], base: Path, where: Path) -> dict[str, Any]:
    """The file's (``where``) relative paths resolved against its own directory."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    for section, key, field in declared_keys():
        table = out.get(section)
        if marker(field, "relative") and isinstance(table, dict) and key in table:
            with _naming(f"{where}: [{section}] {key}"):
                table[key] = _located(table[key], base)
    if isinstance(out.get("people"), dict):
        with _naming(f"{where}: [people]"):
            out["people"] = _located_people(out["people"], base)
    return out


def locate_paths(settings: Settings, base: Path, where: Path) -> Settings:
    """``settings`` with the relative paths left (defaults, environment) resolved against
    ``base``, ``[people]``'s ``profile:`` references included (``where``: the file, named
    when no variable set a bad value)."""
    changed: dict[str, dict[str, Any]] = {}
    for section, key, field in declared_keys():
        if marker(field, "relative"):
            value = getattr(getattr(settings, section), key)
            with _naming(f"{_origin((section, key), where)}: [{section}] {key}"):
                located = _located(value, base)
            if located != value:
                changed.setdefault(section, {})[key] = located
    with _naming(f"{_origin(('people',), where)}: [people]"):
        people = _located_people(settings.people.model_dump(), base)
    if people != settings.people.model_dump():
        changed["people"] = people
    updates: dict[str, BaseModel] = {
        section: getattr(settings, section).model_copy(update=keys)
        for section, keys in changed.items()
    }
    return settings.model_copy(update=updates)
