"""Typed configuration: TOML files checked into frozen dataclasses."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from scholarkg.errors import ConfigError
from scholarkg.limits import Limits
from scholarkg.resources import default_config_path
from scholarkg.store.base import GraphStore
from scholarkg.store.factory import STORE_KINDS, open_store


@dataclass(frozen=True)
class StoreConfig:
    """Where the graph is loaded. Credentials never live here: only in the environment."""

    kind: str
    path: Path
    query_url: str | None = None
    update_url: str | None = None
    store_url: str | None = None
    server: str | None = None
    replace_via: str | None = None

    def open(self, *, read_only: bool = False) -> GraphStore:
        """Open this store (user and password come from SCHOLARKG_SPARQL_USER/PASSWORD)."""
        return open_store(
            self.kind,
            path=self.path,
            read_only=read_only,
            query_url=self.query_url,
            update_url=self.update_url,
            store_url=self.store_url,
            server=self.server,
            replace_via=self.replace_via,
        )


@dataclass(frozen=True)
class HttpConfig:
    """How scholarkg talks to web servers."""

    user_agent: str
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    min_interval: float = 1.0
    max_retries: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 120.0
    total_timeout: float = 300.0
    max_body_bytes: int = 64 * 1024 * 1024


@dataclass(frozen=True)
class ArxivConfig:
    """How arXiv is queried and how profile papers are resolved to it."""

    enabled: bool = True
    api_url: str = "https://export.arxiv.org/api/query"
    oai_url: str = "https://oaipmh.arxiv.org/oai"
    min_interval: float = 3.0
    batch_size: int = 100
    candidates_per_title: int = 5
    threshold: float = 0.8
    oai_metadata_prefix: str = "arXiv"
    harvest_sets: tuple[str, ...] = ("cs",)
    overrides: Mapping[str, str] = field(default_factory=dict)

    @property
    def effective_api_url(self) -> str:
        return os.environ.get("SCHOLARKG_ARXIV_API_URL", "").strip() or self.api_url

    @property
    def effective_oai_url(self) -> str:
        return os.environ.get("SCHOLARKG_OAI_URL", "").strip() or self.oai_url


@dataclass(frozen=True)
class PublishConfig:
    """What a run publishes for integrators: dumps and the dataset description."""

    dumps: tuple[str, ...] = ("nq",)
    license: str = "https://creativecommons.org/publicdomain/zero/1.0/"
    endpoint_url: str | None = None
    download_base: str | None = None


@dataclass(frozen=True)
class RunnerConfig:
    """Which Prefect task runner the flows use."""

    kind: str = "threads"
    max_workers: int = 2
    dask_address: str | None = None


@dataclass(frozen=True)
class ShaclConfig:
    """The SHACL gate: what to do with shapes the engine does not implement."""

    fallback: str = "error"  # error: start-up error | pyshacl: those graphs go to pySHACL


@dataclass(frozen=True)
class ServeSettings:
    """`scholarkg serve`: query isolation limits, HTTP limits and what the server advertises."""

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None  # e.g. https://kg.example.org/ (default: the request's)
    workers: int = 2
    time_limit: float = 30.0
    memory_limit_mb: int = 2048
    max_query_bytes: int = 262144
    max_nesting: int = 64
    max_result_mb: int = 128
    federation: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ("*",)
    max_body_bytes: int = 1048576
    max_header_bytes: int = 16384
    max_connections: int = 200
    request_timeout: float = 20.0
    keep_alive: float = 5.0
    refresh_interval: float = 5.0
    cache_max_age: int = 60
    aggregate_time_limit: float = 300.0
    result_cache_mb: int = 256


_SERVE_TYPES: dict[str, type] = {
    "host": str,
    "port": int,
    "public_url": str,
    "workers": int,
    "time_limit": float,
    "memory_limit_mb": int,
    "max_query_bytes": int,
    "max_nesting": int,
    "max_result_mb": int,
    "federation": list,
    "cors_origins": list,
    "max_body_bytes": int,
    "max_header_bytes": int,
    "max_connections": int,
    "request_timeout": float,
    "keep_alive": float,
    "refresh_interval": float,
    "cache_max_age": int,
    "aggregate_time_limit": float,
    "result_cache_mb": int,
}


def _serve_settings(raw: Mapping[str, Any], where: Path) -> ServeSettings:
    """The ``[serve]`` table: every key optional, typed, numbers positive (port may be 0)."""
    values: dict[str, Any] = {}
    for key, raw_value in raw.get("serve", {}).items():
        kind = _SERVE_TYPES[key]
        value: Any = raw_value
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ConfigError(f"{where}: [serve] {key} must be a {kind.__name__}, got {value!r}")
        value = cast(Any, value)  # checked against kind just above
        if kind is list:
            if not all(isinstance(v, str) and v for v in value):
                raise ConfigError(f"{where}: [serve] {key} must be a list of strings")
            value = tuple(value)
        elif kind in (int, float) and (value < 0 or (value == 0 and key != "port")):
            raise ConfigError(f"{where}: [serve] {key} must be positive, got {value!r}")
        values[key] = value
    if not 0 <= values.get("port", 0) <= 65535:
        raise ConfigError(f"{where}: [serve] port must be 0-65535")
    values["public_url"] = values.get("public_url") or None
    return ServeSettings(**values)


@dataclass(frozen=True)
class ScheduleConfig:
    """One deployment: a flow on a cron schedule with its parameters."""

    name: str
    flow: str
    cron: str
    timezone: str = "UTC"
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """The whole checked configuration."""

    source: Path | None
    data_dir: Path
    store: StoreConfig
    iri_base: str
    profiles: tuple[str, ...]
    http: HttpConfig
    summary_query: str
    subject_codes: Mapping[str, str] = field(default_factory=dict)
    arxiv: ArxivConfig = field(default_factory=ArxivConfig)
    people_merge: Mapping[str, str] = field(default_factory=dict)
    people_split: Mapping[str, str] = field(default_factory=dict)
    publish: PublishConfig = field(default_factory=PublishConfig)
    runner: RunnerConfig = field(default_factory=RunnerConfig)
    schedules: tuple[ScheduleConfig, ...] = ()
    limits: Limits = field(default_factory=Limits)
    shacl: ShaclConfig = field(default_factory=ShaclConfig)
    serve: ServeSettings = field(default_factory=ServeSettings)

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def state_dir(self) -> Path:
        return self.data_dir / "state"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    def with_store_path(self, path: Path | None) -> Config:
        return self if path is None else replace(self, store=replace(self.store, path=path))


_SECTIONS: dict[str, set[str]] = {
    "data": {"dir"},
    "store": {"kind", "path", "query_url", "update_url", "store_url", "server", "replace_via"},
    "iris": {"base"},
    "profiles": {"sources"},
    "http": {
        "user_agent",
        "connect_timeout",
        "read_timeout",
        "min_interval",
        "max_retries",
        "backoff_base",
        "backoff_max",
        "total_timeout",
        "max_body_bytes",
    },
    "limits": {
        "line_bytes",
        "literal_bytes",
        "json_depth",
        "profile_bytes",
        "harvest_max_pages",
        "harvest_deadline",
        "search_max_pages",
        "search_deadline",
    },
    "arxiv": {
        "enabled",
        "api_url",
        "oai_url",
        "min_interval",
        "batch_size",
        "candidates_per_title",
        "threshold",
        "oai_metadata_prefix",
        "harvest_sets",
        "overrides",
    },
    "report": {"summary_query"},
    "publish": {"dumps", "license", "endpoint_url", "download_base"},
    "subject_codes": set(),
    "people": {"merge", "split"},
    "runner": {"kind", "max_workers", "dask_address"},
    "schedules": set(),
    "shacl": {"fallback"},
    "serve": set(_SERVE_TYPES),
}
SHACL_FALLBACKS = ("error", "pyshacl")
RUNNER_KINDS = ("threads", "dask")
FLOWS = ("build_kg", "harvest_arxiv", "load_snapshot")
_SCHEDULE_KEYS = {"flow", "cron", "timezone", "parameters"}


def _check_keys(raw: Mapping[str, Any], where: Path) -> None:
    for section, values in raw.items():
        if section not in _SECTIONS:
            raise ConfigError(f"{where}: unknown section [{section}]")
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: [{section}] must be a table")
        allowed = _SECTIONS[section]
        unknown = set(values) - allowed if allowed else set()
        if unknown:
            raise ConfigError(
                f"{where}: unknown key(s) in [{section}]: {', '.join(sorted(unknown))}"
            )


def _get(raw: Mapping[str, Any], section: str, key: str, kind: type, where: Path) -> Any:
    try:
        value = raw[section][key]
    except KeyError:
        raise ConfigError(f"{where}: missing [{section}] {key}") from None
    if kind is float and isinstance(value, int):
        value = float(value)
    if not isinstance(value, kind):
        raise ConfigError(f"{where}: [{section}] {key} must be a {kind.__name__}, got {value!r}")
    return value


def _resolve_location(value: str, base: Path) -> str:
    """A URL stays as is; a relative path is resolved against the config file's directory."""
    if value.startswith(("http://", "https://")):
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Overlay ``override`` on ``base`` table by table (nested tables merge too)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def _absolutise(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    """Resolve the file's relative paths against its own directory before merging."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    for section, key in (("data", "dir"), ("store", "path")):
        if isinstance(out.get(section, {}).get(key), str):
            out[section][key] = _resolve_location(out[section][key], base)
    sources = out.get("profiles", {}).get("sources")
    if isinstance(sources, list):
        out["profiles"]["sources"] = [
            _resolve_location(s, base) if isinstance(s, str) else s for s in sources
        ]
    return out


def load_config(path: Path | None = None) -> Config:
    """Load the defaults, overlay ``path`` (if given), apply environment overrides, check."""
    default_path = default_config_path()
    raw = _absolutise(_read_toml(default_path), Path.cwd())  # the defaults: where we run
    _check_keys(raw, default_path)
    where = default_path
    if path is not None and Path(path).resolve() != default_path.resolve():
        where = Path(path)
        override = _absolutise(_read_toml(where), where.resolve().parent)
        _check_keys(override, where)
        raw = _merge(raw, override)
        if "schedules" in override:  # your schedules replace the defaults, not add to them
            raw["schedules"] = override["schedules"]
    if env_store := os.environ.get("SCHOLARKG_STORE"):
        raw["store"]["path"] = str(Path(env_store).resolve())
    kind = _get(raw, "store", "kind", str, where)
    if kind not in STORE_KINDS:
        raise ConfigError(
            f"{where}: [store] kind must be one of {sorted(STORE_KINDS)}, got {kind!r}"
        )
    sources = _get(raw, "profiles", "sources", list, where)
    if not all(isinstance(s, str) and s for s in sources):
        raise ConfigError(f"{where}: [profiles] sources must be a list of paths or URLs")
    base = _get(raw, "iris", "base", str, where)
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: [iris] base must be an http(s) IRI, got {base!r}")
    codes = raw.get("subject_codes", {})
    if not all(isinstance(v, str) for v in codes.values()):
        raise ConfigError(f"{where}: [subject_codes] values must be arXiv category strings")
    people = raw.get("people", {})
    return Config(
        source=where,
        data_dir=Path(_get(raw, "data", "dir", str, where)),
        store=StoreConfig(
            kind=kind,
            path=Path(_get(raw, "store", "path", str, where)),
            **{k: _optional_str(raw, "store", k, where) for k in _STORE_ENDPOINT_KEYS},
        ),
        iri_base=base if base.endswith("/") else base + "/",
        profiles=tuple(sources),
        http=HttpConfig(
            user_agent=_get(raw, "http", "user_agent", str, where),
            connect_timeout=_get(raw, "http", "connect_timeout", float, where),
            read_timeout=_get(raw, "http", "read_timeout", float, where),
            min_interval=_get(raw, "http", "min_interval", float, where),
            max_retries=_get(raw, "http", "max_retries", int, where),
            backoff_base=_get(raw, "http", "backoff_base", float, where),
            backoff_max=_get(raw, "http", "backoff_max", float, where),
            total_timeout=_positive(raw, "http", "total_timeout", float, where),
            max_body_bytes=_positive(raw, "http", "max_body_bytes", int, where),
        ),
        summary_query=_get(raw, "report", "summary_query", str, where),
        subject_codes=dict(codes),
        arxiv=_arxiv_config(raw, where),
        people_merge=_string_table(people.get("merge", {}), "[people.merge]", where),
        people_split=_string_table(people.get("split", {}), "[people.split]", where),
        publish=_publish_config(raw, where),
        runner=_runner_config(raw, where),
        schedules=_schedules(raw.get("schedules", {}), where),
        limits=_limits(raw, where),
        shacl=_shacl_config(raw, where),
        serve=_serve_settings(raw, where),
    )


def _positive(raw: Mapping[str, Any], section: str, key: str, kind: type, where: Path) -> Any:
    value = _get(raw, section, key, kind, where)
    if isinstance(value, bool) or not value > 0:
        raise ConfigError(f"{where}: [{section}] {key} must be > 0, got {value!r}")
    return value


def _limits(raw: Mapping[str, Any], where: Path) -> Limits:
    """The ``[limits]`` section: every key a number > 0."""
    values = {}
    for spec in dataclasses.fields(Limits):
        kind = float if spec.type == "float" else int
        values[spec.name] = _positive(raw, "limits", spec.name, kind, where)
    return Limits(**values)


def _shacl_config(raw: Mapping[str, Any], where: Path) -> ShaclConfig:
    fallback = _get(raw, "shacl", "fallback", str, where)
    if fallback not in SHACL_FALLBACKS:
        raise ConfigError(
            f"{where}: [shacl] fallback must be one of {list(SHACL_FALLBACKS)}, got {fallback!r}"
        )
    return ShaclConfig(fallback)


def _runner_config(raw: Mapping[str, Any], where: Path) -> RunnerConfig:
    kind = _get(raw, "runner", "kind", str, where)
    if kind not in RUNNER_KINDS:
        raise ConfigError(
            f"{where}: [runner] kind must be one of {list(RUNNER_KINDS)}, got {kind!r}"
        )
    workers = _get(raw, "runner", "max_workers", int, where)
    if workers < 1:
        raise ConfigError(f"{where}: [runner] max_workers must be at least 1")
    return RunnerConfig(kind, workers, _optional_str(raw, "runner", "dask_address", where))


def _schedules(raw: Mapping[str, Any], where: Path) -> tuple[ScheduleConfig, ...]:
    schedules = []
    for name, table in raw.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [schedules.{name}] must be a table")
        unknown = set(table) - _SCHEDULE_KEYS
        if unknown:
            raise ConfigError(f"{where}: [schedules.{name}] unknown key(s): {sorted(unknown)}")
        flow, cron = table.get("flow"), table.get("cron")
        if flow not in FLOWS:
            raise ConfigError(f"{where}: [schedules.{name}] flow must be one of {list(FLOWS)}")
        if not isinstance(cron, str) or len(cron.split()) != 5:
            raise ConfigError(f"{where}: [schedules.{name}] cron must be a 5-field cron string")
        parameters = table.get("parameters", {})
        if not isinstance(parameters, dict):
            raise ConfigError(f"{where}: [schedules.{name}] parameters must be a table")
        timezone = str(table.get("timezone", "UTC"))
        schedules.append(ScheduleConfig(name, str(flow), cron, timezone, dict(parameters)))
    return tuple(schedules)


def _publish_config(raw: Mapping[str, Any], where: Path) -> PublishConfig:
    from scholarkg.export import FORMATS

    dumps = _get(raw, "publish", "dumps", list, where)
    unknown = [d for d in dumps if d not in FORMATS]
    if unknown:
        raise ConfigError(
            f"{where}: [publish] dumps: unknown format(s) {unknown}; use {sorted(FORMATS)}"
        )
    return PublishConfig(
        dumps=tuple(dumps),
        license=_get(raw, "publish", "license", str, where),
        endpoint_url=_optional_str(raw, "publish", "endpoint_url", where),
        download_base=_optional_str(raw, "publish", "download_base", where),
    )


_STORE_ENDPOINT_KEYS = ("query_url", "update_url", "store_url", "server", "replace_via")


def _optional_str(raw: Mapping[str, Any], section: str, key: str, where: Path) -> str | None:
    value = raw.get(section, {}).get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{where}: [{section}] {key} must be a string, got {value!r}")
    return value or None


def _string_table(value: object, name: str, where: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigError(f"{where}: {name} must map strings to strings")
    return dict(value)


def _arxiv_config(raw: Mapping[str, Any], where: Path) -> ArxivConfig:
    from scholarkg.errors import ParseError
    from scholarkg.extract.arxiv_ids import normalise_arxiv_id

    overrides = _string_table(raw["arxiv"].get("overrides", {}), "[arxiv.overrides]", where)
    for title, arxiv_id in overrides.items():
        try:
            normalise_arxiv_id(arxiv_id)
        except ParseError:
            raise ConfigError(
                f"{where}: [arxiv.overrides] {title!r} = {arxiv_id!r} is not an arXiv id"
            ) from None
    sets = _get(raw, "arxiv", "harvest_sets", list, where)
    threshold = _get(raw, "arxiv", "threshold", float, where)
    if not 0.0 < threshold <= 1.0:
        raise ConfigError(f"{where}: [arxiv] threshold must be in (0, 1], got {threshold}")
    return ArxivConfig(
        enabled=_get(raw, "arxiv", "enabled", bool, where),
        api_url=_get(raw, "arxiv", "api_url", str, where),
        oai_url=_get(raw, "arxiv", "oai_url", str, where),
        min_interval=_get(raw, "arxiv", "min_interval", float, where),
        batch_size=_get(raw, "arxiv", "batch_size", int, where),
        candidates_per_title=_get(raw, "arxiv", "candidates_per_title", int, where),
        threshold=threshold,
        oai_metadata_prefix=_get(raw, "arxiv", "oai_metadata_prefix", str, where),
        harvest_sets=tuple(str(s) for s in sets),
        overrides=overrides,
    )
