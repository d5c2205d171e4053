"""scholarkg: researcher profiles and arXiv records into a validated, queryable RDF graph.

The public API is what ``__all__`` names; every other module is internal and may change::

    import scholarkg

    config = scholarkg.load_config("my.toml")  # your file over the defaults (None: defaults)
    report = scholarkg.build(config).report  # profiles → SHACL gate → store → dumps
    print("\\n".join(report.summary_lines()))

- :func:`load_config` reads a TOML file over ``config/default.toml`` into a :class:`Config`.
- The jobs, each one run in this process: :func:`build` (profile pages),
  :func:`fetch_ids` (arXiv ids through the API), :func:`harvest` (one OAI-PMH set) and
  :func:`load_snapshot` (arXiv's bulk metadata file). Each returns its run context; its
  ``report`` is a :class:`RunReport` (``outcome``, ``summary_lines()``, ``write_json()``).
  The Prefect flows in ``scholarkg_flows`` run the same stages as tasks.
- :func:`publish` writes the configured dumps and the VoID description of an open store
  (``config.store.open()``); the jobs call it after every run that changed something.
- Errors: everything raised on purpose is a :class:`ScholarKGError`; :class:`ConfigError`,
  :class:`ExtractError` (a source could not be fetched), :class:`ParseError` (nor read),
  :class:`LoadError` (the store), :class:`QueryError` and :class:`ExportError` say where.

The names are imported on first use (PEP 562), so ``import scholarkg`` loads neither rdflib nor
Prefect.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_PUBLIC: dict[str, str] = {
    "load_config": "scholarkg.config",
    "Config": "scholarkg.config",
    "build": "scholarkg.runs.build",
    "fetch_ids": "scholarkg.runs.arxiv_fetch",
    "harvest": "scholarkg.runs.arxiv_harvest",
    "load_snapshot": "scholarkg.runs.arxiv_snapshot",
    "publish": "scholarkg.publish",
    "RunReport": "scholarkg.runs.report",
    "ScholarKGError": "scholarkg.errors",
    "ConfigError": "scholarkg.errors",
    "ExtractError": "scholarkg.errors",
    "ParseError": "scholarkg.errors",
    "LoadError": "scholarkg.errors",
    "QueryError": "scholarkg.errors",
    "ExportError": "scholarkg.errors",
}

__all__ = ["__version__", *_PUBLIC]

if TYPE_CHECKING:
    from scholarkg.config import Config as Config
    from scholarkg.config import load_config as load_config
    from scholarkg.errors import ConfigError as ConfigError
    from scholarkg.errors import ExportError as ExportError
    from scholarkg.errors import ExtractError as ExtractError
    from scholarkg.errors import LoadError as LoadError
    from scholarkg.errors import ParseError as ParseError
    from scholarkg.errors import QueryError as QueryError
    from scholarkg.errors import ScholarKGError as ScholarKGError
    from scholarkg.publish import publish as publish
    from scholarkg.runs.arxiv_fetch import fetch_ids as fetch_ids
    from scholarkg.runs.arxiv_harvest import harvest as harvest
    from scholarkg.runs.arxiv_snapshot import load_snapshot as load_snapshot
    from scholarkg.runs.build import build as build
    from scholarkg.runs.report import RunReport as RunReport


def __getattr__(name: str) -> Any:
    """Import a public name on first use, then keep it."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(ModuleType):
    """This package, keeping its public names over submodules of the same name.

    Importing a submodule sets it as an attribute of its package, so once anything imported
    ``scholarkg.publish`` or ``scholarkg.harvest`` (the modules), ``scholarkg.publish`` would be
    that module instead of the function. The import system's assignment of such a submodule is
    skipped here: the attribute stays the public name, while ``from scholarkg.publish import …``
    and ``importlib.import_module("scholarkg.publish")`` still give the module (they read
    ``sys.modules``).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            name in _PUBLIC
            and isinstance(value, ModuleType)
            and value.__name__ == f"{__name__}.{name}"
        ):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
