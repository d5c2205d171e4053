"""The whole schema: one field per ``[section]``, and where values come from.

Sources, lowest first: the schema's defaults; the user's file (passed in as keyword values);
the environment variables kept from earlier versions (``setting(env=…)``, e.g.
``SCHOLARKG_STORE``); ``SCHOLARKG_<SECTION>__<KEY>`` for every key (lists and tables as JSON).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any, get_origin

from pydantic import Field, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from scholarkg.config import defaults
from scholarkg.config.fields import (
    ENV_NESTED,
    ENV_PREFIX,
    Section,
    key_problem,
    marker,
    whole_settings,
)
from scholarkg.config.network import ArxivConfig, HttpConfig, Limits
from scholarkg.config.sections import (
    IrisConfig,
    PeopleConfig,
    ProfilesConfig,
    PublishConfig,
    ReportConfig,
    RunnerConfig,
    ScheduleConfig,
    ShaclConfig,
)
from scholarkg.config.serving import ServeSettings
from scholarkg.config.store_section import (
    DataConfig,
    StoreConfig,
)


class Settings(BaseSettings):
    """Every section of the configuration (see ``docs/configuration.md``)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTED,
        env_ignore_empty=True,
        extra="forbid",
        frozen=True,
        validate_default=True,
    )

    data: DataConfig = Field(default_factory=DataConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)
    iris: IrisConfig = Field(default_factory=IrisConfig)
    profiles: ProfilesConfig = Field(default_factory=ProfilesConfig)
    http: HttpConfig = Field(default_factory=HttpConfig)
    limits: Limits = Field(default_factory=Limits)
    arxiv: ArxivConfig = Field(default_factory=ArxivConfig)
    people: PeopleConfig = Field(default_factory=PeopleConfig)
    publish: PublishConfig = Field(default_factory=PublishConfig)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    runner: RunnerConfig = Field(default_factory=RunnerConfig)
    schedules: dict[str, ScheduleConfig] = Field(
        default=defaults.SCHEDULES,  # type: ignore[arg-type]  # validated (validate_default)
        description="one table per deployment served by `scholarkg schedule serve`; "
        "yours replace these",
    )
    shacl: ShaclConfig = Field(default_factory=ShaclConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    subject_codes: dict[str, str] = Field(
        default=defaults.SUBJECT_CODES,
        description="profile subject codes → arXiv categories; yours are merged over these "
        "(an unknown code is kept as written and warned about)",
    )

    def __init__(self, **values: Any) -> None:
        with whole_settings():
            super().__init__(**values)

    @field_validator("schedules", mode="before")
    @classmethod
    def _named(cls, tables: Any) -> Any:
        """Each schedule knows its table's name."""
        if not isinstance(tables, Mapping):
            return tables
        return {
            name: {**table, "name": name} if isinstance(table, Mapping) else table
            for name, table in tables.items()
        }

    @field_validator("subject_codes", mode="before")
    @classmethod
    def _over_defaults(cls, codes: Any) -> Any:
        """Yours over the defaults; a blank code is refused (before: accepted, a code no
        profile page can write)."""
        for code in codes if isinstance(codes, Mapping) else ():
            if isinstance(code, str) and not code.strip():
                raise key_problem(
                    (code,), f"code {code!r}: a blank code; give the code a page writes"
                )
        return {**defaults.SUBJECT_CODES, **codes} if isinstance(codes, Mapping) else codes

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Highest first: ``--set``, ``SCHOLARKG_<SECTION>__<KEY>``, the named variables, the
        file."""
        return (
            _CommandLine(settings_cls),
            _NestedEnvironment(settings_cls),
            _NamedEnvironment(settings_cls),
            init_settings,
        )


def sections() -> Iterator[tuple[str, type[Section]]]:
    """Every ``[section]`` that is a model of keys (not a free table), in schema order."""
    for name, field in Settings.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, Section):
            yield name, field.annotation


def declared_keys() -> Iterator[tuple[str, str, FieldInfo]]:
    """``(section, key, field)`` for every key of every section."""
    for section, model in sections():
        for key, field in model.model_fields.items():
            yield section, key, field


def named_variables() -> dict[str, tuple[str, str]]:
    """Environment variable → ``(section, key)`` for the names kept from earlier versions."""
    return {
        marker(field, "env"): (section, key)
        for section, key, field in declared_keys()
        if marker(field, "env")
    }


COMMAND_LINE: ContextVar[Mapping[str, Mapping[str, Any]] | None] = ContextVar(
    "scholarkg_config_command_line", default=None
)
"""The ``--set SECTION.KEY=VALUE`` values being read, ``{section: {key: value}}``
(:mod:`.overrides`), over the environment."""


class _CommandLine(PydanticBaseSettingsSource):
    """The values ``--set`` gives (:data:`COMMAND_LINE`)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # everything happens in __call__

    def __call__(self) -> dict[str, Any]:
        return {section: dict(keys) for section, keys in (COMMAND_LINE.get() or {}).items()}


class _NamedEnvironment(PydanticBaseSettingsSource):
    """The variables declared with ``setting(env=…)``: ``SCHOLARKG_STORE``, ``…_OAI_URL``…"""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # everything happens in __call__

    def __call__(self) -> dict[str, Any]:
        found: dict[str, dict[str, str]] = {}
        for name, (section, key) in named_variables().items():
            value = os.environ.get(name, "").strip()
            if value:
                found.setdefault(section, {})[key] = value
        return found


class _NestedEnvironment(EnvSettingsSource):
    """pydantic-settings' own source, blind to the named variables: ``SCHOLARKG_STORE`` is a
    path, not a JSON value for the whole ``[store]`` section. (Prefect filters its settings
    source the same way.)"""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        named = {name.lower() for name in named_variables()}
        self.env_vars = {k: v for k, v in self.env_vars.items() if k.lower() not in named}

    def __call__(self) -> dict[str, Any]:
        """The variables' values, a table key named by a variable in the case it is written
        (pydantic-settings lowercases the whole name; a key of ``[people.merge]`` is data, a
        path or a title, not a field name)."""
        data = super().__call__()
        for section, key, field in declared_keys():
            values = data.get(section)
            table = values.get(key) if isinstance(values, dict) else None
            if get_origin(field.annotation) is dict and isinstance(table, dict):
                _keep_case(table, f"{ENV_PREFIX}{section}{ENV_NESTED}{key}{ENV_NESTED}".lower())
        return data


def _keep_case(table: dict[str, Any], prefix: str) -> None:
    """``table``'s keys that variables ``<prefix><key>`` name (``prefix`` lower-case), each
    renamed from its lower-case form to the case the variable's name writes."""
    for name in sorted(os.environ):
        written = name[len(prefix) :]
        folded = written.lower()
        if name.lower().startswith(prefix) and folded != written and folded in table:
            table[written] = table.pop(folded)
