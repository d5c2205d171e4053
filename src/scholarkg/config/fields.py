"""The building blocks of the configuration schema: the section base class and ``setting()``.

Every key is declared once, with :func:`setting`: its default, a one-line description, its
constraints (``gt``, ``ge``, ``le``…) and, where it has one, the environment variable kept from
earlier versions (``env``), whether it is a secret (environment only) and whether it is a path
that follows the file setting it (``relative``). The loader, the generated ``default.toml`` and
``docs/configuration.md`` all read these declarations.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo

from scholarkg.errors import ConfigError

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


def marker(field: FieldInfo, name: str) -> Any:
    """The ``setting(...)`` marker ``name`` of ``field`` (``env``, ``secret``, ``relative``)."""
    extra = field.json_schema_extra
    return extra.get(name) if isinstance(extra, dict) else None


def env_name(section: str, key: str) -> str:
    """``SCHOLARKG_<SECTION>__<KEY>``: the environment variable of every key."""
    return f"{ENV_PREFIX}{section.upper()}{ENV_NESTED}{key.upper()}"


def _empty_is_none(value: object) -> object:
    return None if value == "" else value


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be an http(s) URL")
    return value


def _optional_http_url(value: str | None) -> str | None:
    return None if value is None else _http_url(value)


def _cron(value: str) -> str:
    if len(value.split()) != 5:
        raise ValueError("must be a 5-field cron string")
    return value


OptionalText = Annotated[str | None, BeforeValidator(_empty_is_none)]
"""A string, or None when left out or set to ``""``."""
HttpUrlText = Annotated[str, AfterValidator(_http_url)]
OptionalHttpUrl = Annotated[
    str | None,
    BeforeValidator(_empty_is_none),
    AfterValidator(_optional_http_url),
]
NonEmptyText = Annotated[str, Field(min_length=1)]
Cron = Annotated[str, AfterValidator(_cron)]


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

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            if _IN_SETTINGS.get():  # pydantic calls this __init__ for nested sections too
                raise
            from scholarkg.config.messages import first_problem

            problem = first_problem(exc, sections=False)
            raise ConfigError(f"{type(self).__name__}: {problem}") from None
