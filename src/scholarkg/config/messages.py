"""pydantic's validation errors as one line: ``[section] key must be …, got <value>``; and
what a value Python's own readers cannot take says (nested too deep, too many digits)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from pydantic import ValidationError
from pydantic_core import ErrorDetails

Loc = tuple[int | str, ...]
_BOUNDS = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}
_LONGEST_VALUE = 80


def location(loc: Loc, *, sections: bool = True) -> str:
    """``("schedules", "bad", "cron")`` → ``[schedules.bad] cron``; ``("data",)`` → ``[data]``.

    With ``sections=False`` (one section validated on its own) → ``bad.cron``.
    """
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int) and parts:
            parts[-1] += f"[{part}]"
        else:
            parts.append(str(part))
    if not sections:
        return ".".join(parts)
    if len(parts) <= 1:
        return f"[{''.join(parts)}]"
    return f"[{'.'.join(parts[:-1])}] {parts[-1]}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _LONGEST_VALUE else text[: _LONGEST_VALUE - 1] + "…"


def _what(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}"
    if kind in _BOUNDS:
        sign, name = _BOUNDS[kind]
        bound = ctx[name]
        return (
            f"must be {sign} {bound:g}" if isinstance(bound, float) else f"must be {sign} {bound}"
        )
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a table"
    if kind == "too_short" and "min_length" in ctx:
        least = ctx["min_length"]
        return f"must hold at least {least} item{'' if least == 1 else 's'}"
    message = error["msg"]
    if message.startswith("Input should be"):
        message = "must be" + message[len("Input should be") :]
    return message[0].lower() + message[1:] if message else kind


def describe(
    error: ErrorDetails, *, secret: bool = False, sections: bool = True, hint: str = ""
) -> str:
    """One error as ``[section] key must be …, got value`` or ``[section] key: problem`` (the
    value left out for secrets, tables and the checks that quote it themselves); an unknown
    key's line ends with ``hint`` (the key meant, :mod:`.nearest`)."""
    loc = tuple(error["loc"])
    where = location(loc, sections=sections)
    if error["type"] == "extra_forbidden":
        unknown_section = sections and len(loc) == 1
        return f"unknown section [{loc[0]}]" if unknown_section else f"{where}: unknown key{hint}"
    if error["type"] == "missing":
        return f"{where}: missing"
    what = _what(error)
    text = f"{where} {what}" if what.startswith("must ") else f"{where}: {what}"
    value = error.get("input")
    quoted = error["type"] == "value_error" and repr(value) in text
    if not (secret or quoted or isinstance(value, dict)):
        text += f", got {_shown(value)}"
    return text


def first_problem(
    exc: ValidationError,
    *,
    secret: Callable[[Loc], bool] = lambda loc: False,
    sections: bool = True,
    hint: Callable[[Loc], str] = lambda loc: "",
) -> str:
    """The first error of ``exc`` in one line, with how many more there are; an unknown key
    at ``loc`` is told with ``hint(loc)``."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = tuple(first["loc"])
    unknown = first["type"] == "extra_forbidden"
    text = describe(first, secret=secret(loc), sections=sections, hint=hint(loc) if unknown else "")
    return text if len(errors) == 1 else f"{text} (and {len(errors) - 1} more)"


TOO_DEEP = "arrays or tables nested too deep to read"


def beyond_python(exc: ValueError) -> str:
    """What a ValueError tomllib let through says, without Python's advice to its programmer
    (``use sys.set_int_max_str_digits()``)."""
    text = str(exc)
    if "integer string conversion" in text:
        return f"an integer of more than {sys.get_int_max_str_digits()} digits"
    return text
