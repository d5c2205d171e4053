"""``--set SECTION.KEY=VALUE``: one key given on the command line, over the environment.

The value is read as TOML (``500`` an integer, ``false`` a boolean, ``["cs", "math"]`` a
list), else taken as the text written (``store.path=/srv/kg``, ``serve.host=0.0.0.0``); it
must be of the TOML type the key takes and pass its checks, as a file's value must. Each
problem is one :class:`ConfigError` line naming what was given (the CLI makes it a usage
error). Relative paths follow the working directory, as the environment's do.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from scholarkg.config.fields import env_name, marker
from scholarkg.config.file_tables import toml_type_problem
from scholarkg.config.messages import first_problem
from scholarkg.config.nearest import key_hint, section_hint
from scholarkg.config.schema import Settings, sections
from scholarkg.config.sections import ScheduleConfig
from scholarkg.errors import ConfigError

EXAMPLE = "store.segment_quads=500000"


@dataclass(frozen=True)
class Override:
    """One ``--set``: the key it sets (``("store", "path")``; an entry of a free table,
    ``("subject_codes", "QQ")`` or ``("schedules", "nightly", "cron")``), its value, the
    text it was given as, and the option that gave it (``--config-set``, its other spelling),
    which a load-time error names as typed."""

    path: tuple[str, ...]
    value: Any
    given: str
    option: str = "--set"

    @property
    def section(self) -> str:
        return self.path[0]


def _value(text: str) -> Any:
    """``text`` read as one TOML value, else the text itself (a bare word, a path, a URL, an
    address; a TOML date too: no key takes one)."""
    try:
        table = tomllib.loads(f"value = {text}")
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return text
    value = table.get("value", text) if list(table) == ["value"] else text
    return text if isinstance(value, dt.date | dt.time) else value


def parse_override(given: str, option: str = "--set") -> Override:
    """``given`` (``SECTION.KEY=VALUE``, by ``option``) checked: a key of a section, never a
    secret, a value of its type that passes its checks; else a :class:`ConfigError` line."""
    return replace(_parsed(given), option=option)


def _parsed(given: str) -> Override:
    name, equals, text = given.partition("=")
    if not equals:
        raise ConfigError(f"{given!r}: no '=': write SECTION.KEY=VALUE, e.g. {EXAMPLE}")
    section, dot, key = name.strip().partition(".")
    if not dot or not section or not key:
        raise ConfigError(f"{given!r}: write SECTION.KEY=VALUE, e.g. {EXAMPLE}")
    models = dict(sections())
    if section in TABLES:
        return _entry(given, section, key, text)
    if section not in models:
        hint = section_hint(section, [*models, *TABLES])
        raise ConfigError(f"{given!r}: unknown section [{section}]{hint}")
    field = models[section].model_fields.get(key)
    if field is None:
        raise ConfigError(
            f"{given!r}: [{section}] {key}: unknown key{key_hint(Settings, (section, key))}"
        )
    if marker(field, "secret"):
        raise ConfigError(
            f"{given!r}: [{section}] {key}: a secret is never read from the command line; set "
            f"{marker(field, 'env') or env_name(section, key)} in the environment"
        )
    return Override((section, key), _checked(given, f"[{section}] {key}", field, text), given)


TABLES = ("schedules", "subject_codes")
"""The sections that are tables of free names: ``--set`` gives one entry of them."""
SCHEDULE_EXAMPLE = "schedules.nightly-profiles.cron='0 4 * * *'"


def _entry(given: str, section: str, key: str, text: str) -> Override:
    """One code of ``[subject_codes]`` (``subject_codes.QQ=cs.AI``, the code as written) or one
    key of a ``[schedules.NAME]`` table (``schedules.nightly.cron='0 4 * * *'``; a name not
    configured yet is a new schedule, which needs its flow and cron too)."""
    if section == "subject_codes":
        code = FieldInfo.from_annotation(str)  # a code names an arXiv category: text
        return Override((section, key), _checked(given, f"[{section}] {key}", code, text), given)
    name, dot, inner = key.rpartition(".")
    if not dot or not name.strip() or not inner:
        raise ConfigError(f"{given!r}: write schedules.NAME.KEY=VALUE, e.g. {SCHEDULE_EXAMPLE}")
    field = ScheduleConfig.model_fields.get(inner)
    if inner == "name":
        raise ConfigError(f"{given!r}: [schedules.{name}] name: a schedule is named by its table")
    if field is None:
        hint = key_hint(Settings, (section, name, inner))
        raise ConfigError(f"{given!r}: [schedules.{name}] {inner}: unknown key{hint}")
    where = f"[schedules.{name}] {inner}"
    return Override((section, name, inner), _checked(given, where, field, text), given)


def _checked(given: str, where: str, field: FieldInfo, text: str) -> Any:
    """``text`` read as the value of ``field`` (:func:`_value`), of its TOML type and passing
    its checks; else a :class:`ConfigError` naming ``given`` and ``where``."""
    value = _value(text.strip())
    problem = toml_type_problem(field, value)
    if problem is None:
        try:
            kind: Any = Annotated[field.annotation, field]  # the key's type and checks
            TypeAdapter(kind).validate_python(value)
        except ValidationError as exc:
            problem = first_problem(exc, sections=False).strip().removeprefix(": ")
    if problem:
        joiner = " " if problem.startswith("must ") else ": "
        raise ConfigError(f"{given!r}: {where}{joiner}{problem}")
    return value


def as_tables(overrides: Iterable[Override]) -> dict[str, dict[str, Any]]:
    """``{section: {key: value}}`` (an entry of a schedule one table deeper), a later
    ``--set`` of a key winning."""
    tables: dict[str, dict[str, Any]] = {}
    for override in overrides:
        table = tables.setdefault(override.section, {})
        for part in override.path[1:-1]:
            table = table.setdefault(part, {})
        table[override.path[-1]] = override.value
    return tables


__all__ = ["Override", "as_tables", "parse_override"]
