"""Locate and load the project's ontology and SHACL shapes."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from scholarkg.errors import ConfigError

ONTOLOGY_FILES = ("scholarkg.ttl", "arxiv-categories.ttl")


def project_root() -> Path:
    """The directory holding ``ontology/`` and ``shapes/``.

    ``SCHOLARKG_HOME`` wins; otherwise the nearest parent of this package (a source checkout or
    an editable install) or of the working directory with ``ontology/`` and ``config/default.toml``.
    """
    env = os.environ.get("SCHOLARKG_HOME")
    if env:
        return Path(env)
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if (candidate / "ontology").is_dir() and (
                candidate / "config" / "default.toml"
            ).is_file():
                return candidate
    raise ConfigError(
        "cannot find ontology/ and config/default.toml: run from a scholarkg checkout "
        "or set SCHOLARKG_HOME"
    )


def ontology_dir() -> Path:
    return project_root() / "ontology"


def shapes_dir() -> Path:
    return project_root() / "shapes"


def queries_dir() -> Path:
    return project_root() / "queries"


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
    """Every ``shapes/*.ttl`` file merged into one shapes graph (cached; do not mutate)."""
    files = sorted(shapes_dir().glob("*.ttl"))
    if not files:
        raise ConfigError(f"{shapes_dir()}: no SHACL shapes (*.ttl) found")
    return _parse_files(files)
