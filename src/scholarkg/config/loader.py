"""Load the configuration: schema defaults < your ``--config`` file < the environment <
``--set SECTION.KEY=VALUE`` (:mod:`.overrides`).

Relative paths in your file follow that file's directory; in the defaults and the environment,
the working directory; so do the paths of ``profile:<path>`` references in ``[people]``, which
name a profile source as the run records it. Secrets (``setting(secret=True)``) are read only
from the environment. Every problem is one :class:`ConfigError` line naming the file or
variable, section and key. The parts: a file's tables (:mod:`.file_tables`), the environment
over them (:mod:`.environment`), and the locations in both (:mod:`.locating`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scholarkg.config.defaults import SCHEDULES
from scholarkg.config.environment import build_settings, given_by
from scholarkg.config.file_tables import read_file
from scholarkg.config.locating import locate_paths
from scholarkg.config.overrides import Override, parse_override
from scholarkg.config.schema import Settings
from scholarkg.config.store_section import store_and_data_problem
from scholarkg.config.view import Config
from scholarkg.errors import ConfigError
from scholarkg.files import absolute


def load_config(
    path: Path | None = None, overrides: Sequence[str | Override] = (), *, option: str = "--set"
) -> Config:
    """The checked configuration: defaults, then ``path`` (if given), then the environment,
    then ``overrides`` (``SECTION.KEY=VALUE`` given by ``option``, :mod:`.overrides`, or as the
    CLI parsed it, naming the option typed; a later one of a key wins). An error names the
    option that gave the value (a flow's ``settings`` parameter, ``--config-set``).

    ``path`` being the generated ``config/default.toml`` reads as no file at all. (A command
    that writes no record loads it inside :func:`.locating.paths_kept`: a path that is not
    UTF-8 text is kept, and refused where the command opens it.)
    """
    from scholarkg.resources import default_config_path

    defaults = default_config_path()
    mine = None if path is None or absolute(Path(path)) == absolute(defaults) else Path(path)
    values = read_file(mine) if mine is not None else {}
    try:
        given = [o if isinstance(o, Override) else parse_override(o, option) for o in overrides]
    except ConfigError as exc:  # the CLI refused it already, as a usage error
        raise ConfigError(f"{option} {exc}") from None
    if any(o.section == "schedules" for o in given) and "schedules" not in values:
        values = {**values, "schedules": SCHEDULES}  # --set changes the schedules in force
    settings = build_settings(values, mine or defaults, given)
    settings = locate_paths(settings, Path.cwd(), mine or defaults)
    if settings.store.kind == "oxigraph":
        _refuse_store_in_data(settings, given, values, mine or defaults, defaults)
    return Config(settings, source=mine or defaults)


def _refuse_store_in_data(
    settings: Settings,
    given: Sequence[Override],
    values: dict[str, Any],
    where: Path,
    defaults: Path,
) -> None:
    """An embedded store at the data directory, a part of it or a directory holding it is a
    :class:`ConfigError` naming what gave ``[store] path`` (the ``--set``, the variable, the
    file's line or the defaults) and, when another gave it, ``[data] dir`` (before: the file,
    even for a path no file held)."""
    problem = store_and_data_problem(settings.store.path, settings.data.dir)
    if not problem:
        return
    store = given_by(("store", "path"), given, values, where, defaults)
    data = given_by(("data", "dir"), given, values, where, defaults)
    also = "" if data == store else f" ([data] dir given by {data})"
    raise ConfigError(f"{store}: [store] path {settings.store.path} {problem}{also}")
