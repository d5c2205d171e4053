"""The building blocks of the configuration schema: the section base class and ``setting()``.

Every key is declared once, with :func:`setting`: its default, a one-line description, its
constraints (``gt``, ``ge``, ``le``…) and, where it has one, the environment variable kept from
earlier versions (``env``), whether it is a secret (environment only) and whether it is a path
that follows the file setting it (``relative``). The loader, the generated ``default.toml`` and
``docs/configuration.md`` all read these declarations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from scholarkg.config.cron import cron_line
from scholarkg.errors import ConfigError
from scholarkg.locations import url_problem
from scholarkg.shown_text import shown_value

ENV_PREFIX = "SCHOLARKG_"
ENV_NESTED = "__"
_IN_SETTINGS: ContextVar[bool] = ContextVar("scholarkg_config_in_settings", default=False)


def setting(
    default: Any,
    description: str,
    *,
    env: str | None = None,
    secret: bool = False,
    relative: bool = False,
    **constraints: Any,
) -> Any:
    """One configuration key (see the module docstring)."""
    extra: dict[str, Any] = {}
    if env:
        extra["env"] = env
    if secret:
        extra["secret"] = True
    if relative:
        extra["relative"] = True
    return Field(default, description=description, json_schema_extra=extra or None, **constraints)


SECONDS_MAX = 1e9
"""The longest wait, timeout or deadline a key may give (about 31 years): every clock call
scholarkg makes counts that far (a socket timeout stops short of 9.3e9 s). Longer is no
bound but a crash once the run reaches it; no key takes inf or nan."""


WORKERS_MAX = 256
"""The most workers a key may start (query worker processes, a run's threads or Dask workers):
each is started at once and holds the store or a task's memory, so ``workers = 100000`` (a
typo) would start that many processes, and ``scholarkg serve`` answered nothing while it tried."""

RLIMIT_MB_MAX = 1_000_000_000
"""The largest memory limit a key may give, MiB (about 950 TiB: more than any machine holds).
Past ``(2**63 - 1) // 2**20`` the kernel's limit (a signed 64-bit count of bytes) cannot take
it and a worker could not start, which it once told as a limit too low to start in."""


def seconds(default: float, description: str, **constraints: Any) -> Any:
    """A key of seconds (a wait, timeout or deadline): :func:`setting`, at most
    :data:`SECONDS_MAX`."""
    return setting(default, description, le=SECONDS_MAX, **constraints)


def marker(field: FieldInfo, name: str) -> Any:
    """The ``setting(...)`` marker ``name`` of ``field`` (``env``, ``secret``, ``relative``)."""
    extra = field.json_schema_extra
    return extra.get(name) if isinstance(extra, dict) else None


def env_name(section: str, key: str) -> str:
    """``SCHOLARKG_<SECTION>__<KEY>``: the environment variable of every key."""
    return f"{ENV_PREFIX}{section.upper()}{ENV_NESTED}{key.upper()}"


def key_problem(at: tuple[str, ...], problem: str) -> PydanticCustomError:
    """A check of a whole table finding ``problem`` at its key ``at`` (a key, or a table and
    its key): read as a ValueError's message, its ``at`` lets the loader name the file or the
    variable that gave that key (:func:`~scholarkg.config.origins.error_at`; before: the
    table's, any variable setting part of it)."""
    return PydanticCustomError("value_error", "{error}", {"error": problem, "at": at})


def _empty_is_none(value: object) -> object:
    return None if value == "" else value


def _http_url(value: str) -> str:
    """An http(s) URL that can be fetched: a host, a port in range, a bracketed IPv6 address
    closed (before: ``http://[::1`` passed, and the first request ended in a ValueError
    traceback)."""
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be an http(s) URL")
    if problem := url_problem(value):
        raise ValueError(f"is {problem}")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be only white space")
    return value


# OAI-PMH 2.0's setSpecType: ``:``-separated parts of URI unreserved characters and ``!~*'()``
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(?::[A-Za-z0-9\-_.!~*'()]+)*")


def oai_set_problem(value: str) -> str | None:
    """Why ``value`` is no OAI-PMH set spec (``cs``, ``physics:hep-ex``), quoting it cut
    (:func:`~scholarkg.shown_text.shown_value`); None when it is one."""
    if _SET_SPEC.fullmatch(value):
        return None
    return (
        f"{shown_value(value)} is not an OAI set (setSpec: letters, digits and -_.!~*'() in "
        "parts joined by ':', e.g. cs or physics:hep-ex)"
    )


def _oai_set(value: str) -> str:
    if (problem := oai_set_problem(value)) is not None:
        raise ValueError(problem)
    return value


def _optional_http_url(value: str | None) -> str | None:
    return None if value is None else _http_url(value)


def _timezone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError("must be an IANA time zone name such as UTC or Europe/Paris")
    return value


OptionalText = Annotated[str | None, BeforeValidator(_empty_is_none)]
"""A string, or None when left out or set to ``""``."""
HttpUrlText = Annotated[str, AfterValidator(_http_url)]
OptionalHttpUrl = Annotated[
    str | None,
    BeforeValidator(_empty_is_none),
    AfterValidator(_optional_http_url),
]
NonEmptyText = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
"""Text that is not empty nor only white space (``host = " "`` is no address)."""
OaiSet = Annotated[str, AfterValidator(_oai_set)]
"""An OAI-PMH set spec (:func:`oai_set_problem`)."""
Cron = Annotated[str, AfterValidator(cron_line)]
TimeZone = Annotated[str, AfterValidator(_timezone)]


@contextmanager
def whole_settings() -> Iterator[None]:
    """While the whole configuration is validated, sections leave errors to it (their
    location then starts at the section)."""
    token = _IN_SETTINGS.set(True)
    try:
        yield
    finally:
        _IN_SETTINGS.reset(token)


class Section(BaseModel):
    """One ``[section]`` of the configuration: frozen, and an unknown key is an error.

    Built directly (``HttpConfig(min_interval=-1)``), a bad value is a one-line
    :class:`ConfigError` naming the class and the key.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            if _IN_SETTINGS.get():  # pydantic calls this __init__ for nested sections too
                raise
            from scholarkg.config.messages import first_problem
            from scholarkg.config.nearest import key_hint

            problem = first_problem(exc, sections=False, hint=lambda loc: key_hint(type(self), loc))
            raise ConfigError(f"{type(self).__name__}: {problem}") from None
