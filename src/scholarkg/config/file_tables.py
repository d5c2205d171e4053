"""A config file's tables: TOML read as UTF-8, every section known, no secret in it, each
scalar key of the TOML type its setting takes, and its relative paths made absolute against
the file's own directory. Every problem is one :class:`ConfigError` line naming the file."""

from __future__ import annotations

import codecs
import tomllib
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from scholarkg.config.fields import env_name, marker
from scholarkg.config.key_lines import placed
from scholarkg.config.locating import absolutise
from scholarkg.config.messages import TOO_DEEP, beyond_python
from scholarkg.config.nearest import section_hint
from scholarkg.config.reading import config_bytes
from scholarkg.config.schema import Settings, declared_keys
from scholarkg.errors import ConfigError
from scholarkg.files import absolute


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
        raise ConfigError(f"{path}: invalid TOML: {beyond_python(exc)}") from None
    text = data.decode("utf-8")
    for section in raw:
        if section not in Settings.model_fields:
            hint = section_hint(section, Settings.model_fields)
            where = placed(path, text, (section,))
            raise ConfigError(f"{where}: unknown section [{section}]{hint}")
    for section, key, field in declared_keys():
        table = raw.get(section)
        if marker(field, "secret") and isinstance(table, dict) and key in table:
            raise ConfigError(
                f"{placed(path, text, (section, key))}: [{section}] {key}: a secret is never read "
                f"from a file; set {marker(field, 'env')} (or {env_name(section, key)}) in the "
                "environment"
            )
        if isinstance(table, dict) and key in table:
            problem = toml_type_problem(field, table[key])
            if problem:
                where = placed(path, text, (section, key))
                raise ConfigError(f"{where}: [{section}] {key} {problem}")
    return absolutise(raw, absolute(path).parent, path, text)


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


def toml_type_problem(field: FieldInfo, value: object) -> str | None:
    """Why ``value``, as a file wrote it, is the wrong TOML type for ``field`` (None: fine)."""
    kind = _scalar_type(field.annotation)
    if kind is None:
        return None
    allowed, problem = _TOML_SCALARS[kind]
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, allowed):
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        return f"{problem}, got {shown} (a TOML {type(value).__name__})"
    return None
