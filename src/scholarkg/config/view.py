""":class:`Config`: the checked configuration as the rest of scholarkg reads it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from scholarkg.config.network import ArxivConfig, HttpConfig, Limits
from scholarkg.config.schema import Settings
from scholarkg.config.sections import (
    PublishConfig,
    RunnerConfig,
    ScheduleConfig,
    ShaclConfig,
)
from scholarkg.config.serving import ServeSettings
from scholarkg.config.store_section import (
    DataPart,
    StoreConfig,
    store_and_data_problem,
    store_path_problem,
)
from scholarkg.errors import ConfigError
from scholarkg.locations import NOT_UTF8, not_utf8, shown_path


@dataclass(frozen=True)
class Config:
    """The validated :class:`Settings` and the file they came from; immutable and picklable.

    Sections are attributes (``config.http.min_interval``, ``config.store.open()``); the
    one-key sections read as values (``config.data_dir``, ``config.iri_base``…).
    """

    settings: Settings
    source: Path | None = None
    configured_store: Path | None = None
    """The store's path as the configuration gave it (file, environment, ``--set``) when
    :meth:`with_store_path` put another in its place (``--store``); None: never replaced."""

    @property
    def store(self) -> StoreConfig:
        return self.settings.store

    @property
    def http(self) -> HttpConfig:
        return self.settings.http

    @property
    def arxiv(self) -> ArxivConfig:
        return self.settings.arxiv

    @property
    def limits(self) -> Limits:
        return self.settings.limits

    @property
    def publish(self) -> PublishConfig:
        return self.settings.publish

    @property
    def runner(self) -> RunnerConfig:
        return self.settings.runner

    @property
    def shacl(self) -> ShaclConfig:
        return self.settings.shacl

    @property
    def serve(self) -> ServeSettings:
        return self.settings.serve

    @property
    def data_dir(self) -> Path:
        return self.settings.data.dir

    @property
    def iri_base(self) -> str:
        return self.settings.iris.base

    @property
    def profiles(self) -> tuple[str, ...]:
        return self.settings.profiles.sources

    @property
    def summary_query(self) -> str:
        return self.settings.report.summary_query

    @property
    def subject_codes(self) -> Mapping[str, str]:
        return self.settings.subject_codes

    @property
    def people_merge(self) -> Mapping[str, str]:
        return self.settings.people.merge

    @property
    def people_split(self) -> Mapping[str, str]:
        return self.settings.people.split

    @property
    def schedules(self) -> tuple[ScheduleConfig, ...]:
        return tuple(self.settings.schedules.values())

    def data_part(self, part: DataPart) -> Path:
        """The directory ``part`` of ``[data] dir`` (one of :data:`~.sections.DATA_PARTS`)."""
        return self.data_dir / part

    @property
    def raw_dir(self) -> Path:
        return self.data_part("raw")

    @property
    def quarantine_dir(self) -> Path:
        return self.data_part("quarantine")

    @property
    def reports_dir(self) -> Path:
        return self.data_part("reports")

    @property
    def state_dir(self) -> Path:
        return self.data_part("state")

    @property
    def exports_dir(self) -> Path:
        return self.data_part("exports")

    @property
    def changes_dir(self) -> Path:
        """Where each run keeps its change set (``<run id>/graphs.tsv``)."""
        return self.data_part("changes")

    def with_store_path(self, path: Path | None, *, option: str = "--store") -> Config:
        """This config with the store at ``path`` (None: unchanged), made absolute (a
        :class:`ConfigError` for the root or the data directory, naming ``option``: the
        ``--store`` typed, or a flow's ``store_path`` parameter)."""
        if path is None:
            return self
        problem = store_path_problem(path)
        if problem:
            raise ConfigError(f"{option} {path}: {problem}")
        whole = Path(os.path.abspath(path))  # as given, made absolute (a symlink kept)
        if not_utf8(str(whole)):  # its name, or the working directory's
            raise ConfigError(f"{option} {shown_path(str(path))}: {NOT_UTF8}")
        beside = store_and_data_problem(whole, self.data_dir)
        if beside and self.store.kind == "oxigraph":
            raise ConfigError(f"{option} {path}: {beside}")
        store = self.settings.store.model_copy(update={"path": whole})
        configured = self.configured_store or self.store.path
        return replace(
            self,
            settings=self.settings.model_copy(update={"store": store}),
            configured_store=configured,
        )

    def as_configured(self) -> Config:
        """This config with the store its configuration gave (before any
        :meth:`with_store_path`)."""
        if self.configured_store is None:
            return self
        store = self.settings.store.model_copy(update={"path": self.configured_store})
        settings = self.settings.model_copy(update={"store": store})
        return replace(self, settings=settings, configured_store=None)
