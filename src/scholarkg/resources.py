"""Locate and load the project's data files: ontology, SHACL shapes, saved queries, defaults.

They ship inside the package (``scholarkg/_data/…`` in a wheel, mapped from the top-level
``ontology/``, ``shapes/``, ``queries/``, ``config/`` and ``docs/`` folders by
``pyproject.toml``; of ``docs/`` only the generated JSON-LD context and ontology page), so an
installed scholarkg works from any directory. In a source checkout (an editable install) the
top-level folders are read directly. ``SCHOLARKG_HOME`` points both elsewhere (a folder holding
those).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from scholarkg.errors import ConfigError
from scholarkg.locations import home_expanded
from scholarkg.shape_iris import name_blank_shapes

ONTOLOGY_FILES = ("scholarkg.ttl", "arxiv-categories.ttl")
DATA_FOLDERS = ("ontology", "shapes", "queries", "config", "docs")
_PACKAGE = Path(__file__).resolve().parent


def _home() -> Path:
    """The folder holding ``ontology/``, ``shapes/``, ``queries/`` and ``config/``: the one
    ``SCHOLARKG_HOME`` names (a :class:`ConfigError` naming the variable and the path when it is
    not such a folder), else the installed or checked-out one."""
    env = os.environ.get("SCHOLARKG_HOME")
    if env:
        try:
            home = Path(home_expanded(env))
        except ValueError as exc:
            raise ConfigError(f"SCHOLARKG_HOME={env}: {exc}") from None
        if not home.is_dir():
            raise ConfigError(f"SCHOLARKG_HOME={env}: no such directory")
        if not (home / "config" / "default.toml").is_file():
            raise ConfigError(
                f"SCHOLARKG_HOME={env}: not a scholarkg home (no config/default.toml there; "
                "it holds a checkout's ontology/, shapes/, queries/ and config/)"
            )
        return home
    bundled = _PACKAGE / "_data"
    if (bundled / "config" / "default.toml").is_file():
        return bundled  # an installed wheel
    checkout = _PACKAGE.parents[1]  # src/scholarkg → the checkout
    if (checkout / "config" / "default.toml").is_file():
        return checkout
    raise ConfigError(
        f"scholarkg's data files are missing: neither {bundled} nor {checkout} holds "
        "config/default.toml (reinstall scholarkg, or set SCHOLARKG_HOME)"
    )


def data_folder(name: str) -> Path:
    """One of :data:`DATA_FOLDERS`."""
    if name not in DATA_FOLDERS:
        raise ValueError(f"no data folder {name!r}")
    return _home() / name


def ontology_dir() -> Path:
    return data_folder("ontology")


def shapes_dir() -> Path:
    return data_folder("shapes")


def queries_dir() -> Path:
    return data_folder("queries")


def docs_file(name: str) -> Path:
    """A generated document that ships (``context.jsonld``, ``ontology.html``)."""
    return data_folder("docs") / name


def default_config_path() -> Path:
    return data_folder("config") / "default.toml"


def _parse_files(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser-specific types
            raise ConfigError(f"{path}: cannot parse Turtle: {exc}") from exc
    return graph


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The scholarkg ontology plus the arXiv category scheme (cached; do not mutate)."""
    return _parse_files([ontology_dir() / name for name in ONTOLOGY_FILES])


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Every ``shapes/*.ttl`` file merged into one shapes graph (cached; do not mutate), each
    blank-node shape given a stable IRI (:mod:`scholarkg.shape_iris`: reports name it alike in
    every process)."""
    files = sorted(shapes_dir().glob("*.ttl"))
    if not files:
        raise ConfigError(f"{shapes_dir()}: no SHACL shapes (*.ttl) found")
    return name_blank_shapes(_parse_files(files))
