"""scholarkg's configuration: one schema (pydantic-settings), every key declared once.

Each ``[section]`` is a frozen model in :mod:`~scholarkg.config.sections`,
:mod:`~scholarkg.config.network` or :mod:`~scholarkg.config.serving`; every key has its type,
default, constraint, description and environment variable there. :func:`load_config` reads
defaults < your ``--config`` file < the environment (``SCHOLARKG_<SECTION>__<KEY>``, plus the
named variables kept from earlier versions) < ``overrides`` (the CLI's ``--set``).
``config/default.toml`` and ``docs/configuration.md`` are generated from the schema
(``scripts/generate_config_reference.py``).
"""

from __future__ import annotations

from scholarkg.config.fields import Section, env_name
from scholarkg.config.loader import load_config
from scholarkg.config.network import (
    ARXIV_API_URL,
    ARXIV_MAX_RESULTS,
    ARXIV_OAI_URL,
    ArxivConfig,
    HttpConfig,
    Limits,
    MetadataPrefix,
)
from scholarkg.config.schema import Settings, declared_keys, named_variables
from scholarkg.config.sections import (
    DumpFormatName,
    FlowName,
    IrisConfig,
    PeopleConfig,
    ProfilesConfig,
    PublishConfig,
    ReportConfig,
    RunnerConfig,
    RunnerKind,
    ScheduleConfig,
    ShaclConfig,
    ShaclFallback,
)
from scholarkg.config.serving import ServeSettings
from scholarkg.config.store_section import (
    DataConfig,
    ReplaceVia,
    SparqlServer,
    StoreConfig,
    StoreKind,
)
from scholarkg.config.view import Config

__all__ = [
    "ARXIV_API_URL",
    "ARXIV_MAX_RESULTS",
    "ARXIV_OAI_URL",
    "ArxivConfig",
    "Config",
    "DataConfig",
    "DumpFormatName",
    "FlowName",
    "HttpConfig",
    "IrisConfig",
    "Limits",
    "MetadataPrefix",
    "PeopleConfig",
    "ProfilesConfig",
    "PublishConfig",
    "ReplaceVia",
    "ReportConfig",
    "RunnerConfig",
    "RunnerKind",
    "ScheduleConfig",
    "Section",
    "ServeSettings",
    "Settings",
    "ShaclConfig",
    "ShaclFallback",
    "SparqlServer",
    "StoreConfig",
    "StoreKind",
    "declared_keys",
    "env_name",
    "load_config",
    "named_variables",
]
