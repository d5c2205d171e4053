"""The schema written out: ``config/default.toml`` and the table of ``docs/configuration.md``.

Both are generated (``scripts/generate_config_reference.py``) and a test fails when a committed
copy is stale, so the schema stays the only place a key, its default or its variable is written.
"""

from __future__ import annotations

import json
import re
import textwrap
import types
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt, MinLen
from pydantic import AfterValidator, BaseModel, SecretStr
from pydantic.fields import FieldInfo

from scholarkg.config.fields import env_name, marker
from scholarkg.config.schema import Settings, sections
from scholarkg.config.sections import ScheduleConfig

TOML_HEADER = """\
# scholarkg configuration: every key with its default and what it means.
# GENERATED from the schema (src/scholarkg/config/) by scripts/generate_config_reference.py: do
# not edit. It is a reference, not read at run time: put the keys you change in your own file
# (`scholarkg run --config my.toml`), where relative paths follow that file's directory (here,
# in the defaults, the working directory).
# The environment wins over files: SCHOLARKG_<SECTION>__<KEY> for every key (lists and tables as
# JSON), e.g. SCHOLARKG_HTTP__MIN_INTERVAL=0.5. Secrets are read only from the environment.
# Types, constraints and variables: docs/configuration.md.
"""
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_BOUNDS = ((Gt, "gt", ">"), (Ge, "ge", "≥"), (Lt, "lt", "<"), (Le, "le", "≤"))


def toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """``value`` as TOML (``None`` as ``""``, which every optional key reads as unset)."""
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    raise TypeError(f"no TOML for {value!r}")


def _is_table(field: FieldInfo) -> bool:
    return get_origin(field.annotation) is dict


def _comments(text: str) -> list[str]:
    return textwrap.wrap(text.replace("``", ""), 98, initial_indent="# ", subsequent_indent="# ")


def _described(field: FieldInfo) -> list[str]:
    named = marker(field, "env")
    return _comments(f"{field.description}" + (f" (also {named})" if named else ""))


def _summary(doc: str) -> str:
    """A section's docstring's first paragraph, as one line (before: its first line, so a
    sentence running on was cut: ``[runner]``'s ended "how long a run waits on its")."""
    return " ".join(doc.split("\n\n")[0].split())


def _section_lines(name: str, model: type[BaseModel]) -> Iterator[str]:
    fields = model.model_fields
    scalars = {k: f for k, f in fields.items() if not _is_table(f)}
    yield ""
    yield from _comments(_summary(model.__doc__ or ""))
    if scalars:
        yield f"[{name}]"
    for key, field in scalars.items():
        if marker(field, "secret"):
            yield from _comments(
                f"{key}: {field.description}; environment only: {marker(field, 'env')}"
            )
            continue
        yield from _described(field)
        yield f"{toml_key(key)} = {toml_value(field.default)}"
    for key, field in fields.items():
        if _is_table(field):
            yield f"[{name}.{key}]"
            yield from _described(field)
            for entry, value in field.default.items():
                yield f"{toml_key(entry)} = {toml_value(value)}"


def default_toml() -> str:
    """``config/default.toml``: every section and key with its default and description."""
    lines = [TOML_HEADER.rstrip("\n")]
    for name, model in sections():
        lines += _section_lines(name, model)
    for name in ("schedules", "subject_codes"):
        field = Settings.model_fields[name]
        lines += ["", *_comments(f"[{name}]: {field.description}")]
        if name == "schedules":
            for schedule, table in field.default.items():
                lines.append(f"[schedules.{toml_key(schedule)}]")
                lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
        else:
            lines.append("[subject_codes]")
            lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in field.default.items()]
    return "\n".join(lines) + "\n"


def type_label(field: FieldInfo) -> str:
    """A short, readable type: ``float > 0``, ``one of: put, update``, ``list of str``…"""
    label, bounds = _annotation_label(field.annotation), []
    for item in field.metadata:
        if isinstance(item, AfterValidator):
            name = getattr(item.func, "__name__", "")
            label = {"cron_line": "cron", "_http_url": "URL", "_optional_http_url": "URL"}.get(
                name, label
            )
        if isinstance(item, MinLen):
            label += ", not empty"
        for kind, attribute, sign in _BOUNDS:
            if isinstance(item, kind):
                bounds.append(f"{sign} {getattr(item, attribute):g}")
    return f"{label} {', '.join(bounds)}" if bounds else label


def _annotation_label(annotation: Any) -> str:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return "one of: " + ", ".join(str(a) for a in args)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _annotation_label(inner[0]) if len(inner) == 1 else "value"
    if origin is tuple:
        item = _annotation_label(args[0])
        return f"list ({item})" if item.startswith("one of") else f"list of {item}"
    if origin is dict:
        return f"table of {_annotation_label(args[1])}"
    if annotation is SecretStr:
        return "secret"
    if annotation is Path:
        return "path"
    if origin is Annotated:
        return _annotation_label(args[0])
    return getattr(annotation, "__name__", str(annotation))


def _default_label(field: FieldInfo) -> str:
    if field.default is None or marker(field, "secret"):
        return "none"
    if field.default == "":
        return '`""`'
    return f"`{toml_value(field.default)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference_rows() -> Iterator[tuple[str, ...]]:
    """``(section, key, type, default, environment, description)`` for every key."""
    for name, model in sections():
        for key, field in model.model_fields.items():
            variables = [env_name(name, key)] + (
                [marker(field, "env")] if marker(field, "env") else []
            )
            only = " (only there)" if marker(field, "secret") else ""
            yield (
                f"[{name}]",
                key,
                type_label(field),
                _default_label(field),
                ", ".join(f"`{v}`" for v in variables) + only,
                field.description or "",
            )
    for key, field in ScheduleConfig.model_fields.items():
        if key != "name":
            default = "required" if field.is_required() else _default_label(field)
            where = "`SCHOLARKG_SCHEDULES` (JSON)"
            yield (
                "[schedules.<name>]",
                key,
                type_label(field),
                default,
                where,
                field.description or "",
            )
    codes = Settings.model_fields["subject_codes"]
    first = ", ".join(f"{k} = {v}" for k, v in list(codes.default.items())[:3])
    yield (
        "[subject_codes]",
        "<code>",
        "str",
        f"{len(codes.default)} codes ({first}, …)",
        "`SCHOLARKG_SUBJECT_CODES` (JSON)",
        codes.description or "",
    )


MARKDOWN_HEADER = """\
# Configuration reference

<!-- GENERATED from the schema (src/scholarkg/config/) by scripts/generate_config_reference.py:
do not edit; a test fails when it is stale. -->

Where values come from, the later winning: the schema's defaults (written out, with comments,
in [config/default.toml](../config/default.toml)); your file (`scholarkg … --config my.toml`,
only the keys you set; relative paths follow that file's directory); the environment. Every
key has a variable `SCHOLARKG_<SECTION>__<KEY>` (lists and tables as JSON, e.g.
`SCHOLARKG_ARXIV__HARVEST_SETS='["cs", "math"]'`); some also keep the name they had before
(second name in the table; the `SCHOLARKG_<SECTION>__<KEY>` form wins when both are set).
Relative paths from the defaults or the environment follow the working directory. Secrets
(`[store] user`, `password`) are read only from the environment: in a file they are an error.
An unknown section or key, or a value of the wrong type or range, is a one-line error naming
the file and the line that writes it (`my.toml:7:`; a missing key, its table's line; in nested
and inline tables too), or the variable, or the `--set`/`--config-set` as typed, then the
section and the key. A file's values are taken as TOML types them: `true` is not an integer,
`"100"` is not a number (the environment's text is converted).

"""


def configuration_md() -> str:
    """``docs/configuration.md``: how values are found, then one row per key."""
    head = ("section", "key", "type", "default", "environment variable", "description")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in reference_rows()]
    return MARKDOWN_HEADER + "\n".join(lines) + "\n"
