"""The known name nearest a misspelt one: what an unknown key's or section's line suggests
(``[store] paht: unknown key; did you mean `store.path`?``). Nothing is suggested when no
known name is close."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from scholarkg.config.fields import env_name
from scholarkg.config.messages import Loc

CUTOFF = 0.75
"""How alike a known name must be (:func:`difflib.get_close_matches`' ratio) to be suggested:
``paht``/``path`` and ``batchsize``/``batch_size`` are, ``nope``/``none`` is not."""


def nearest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``name``, if one is close enough (case ignored)."""
    names = {k.lower(): k for k in known}
    found = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=CUTOFF)
    return names[found[0]] if found else None


def _keys_at(root: type[BaseModel], loc: Loc) -> list[str]:
    """The keys valid in the table at ``loc`` under ``root`` (a table of free keys, as
    ``[schedules]``' names, or a value that is no table: none)."""
    annotation: Any = root
    for part in loc:
        if get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        else:
            return []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def key_hint(root: type[BaseModel], loc: Loc, *, variable: bool = False) -> str:
    """``; did you mean `section.key`?`` for the unknown key at ``loc`` (with ``variable``,
    the key's environment variable, ``SCHOLARKG_STORE__PATH``), or ``""``."""
    if not loc:
        return ""
    found = nearest(str(loc[-1]), _keys_at(root, loc[:-1]))
    if found is None:
        return ""
    if variable and len(loc) == 2:
        return f"; did you mean {env_name(str(loc[0]), found)}?"
    return f"; did you mean `{'.'.join(str(p) for p in (*loc[:-1], found))}`?"


def section_hint(name: str, known: Iterable[str]) -> str:
    """``; did you mean [store]?`` for the unknown section ``name``, or ``""``."""
    found = nearest(name, known)
    return f"; did you mean [{found}]?" if found else ""
