"""The one private rdflib API the engine uses, isolated here: an algebra node's operator function.

rdflib's SPARQL algebra (public: ``prepareQuery(text).algebra``) is made of ``CompValue``/``Expr``
nodes; an ``Expr`` keeps the function that evaluates it in ``_evalfn`` (a bound method), and no
public API hands it out. The engine calls that very function on already evaluated arguments, so
an operator means exactly what it means to rdflib (and so to pySHACL). Pinned by the project's
``rdflib>=7.6,<8``; ``tests/test_shacl_engine.py`` checks it still works this way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdflib.plugins.sparql.parserutils import CompValue, Expr

__all__ = ["CompValue", "Expr", "operator_function"]


def operator_function(node: Expr) -> Callable[..., Any] | None:
    """rdflib's evaluation function of an expression node (``None`` when it has none)."""
    bound = getattr(node, "_evalfn", None)
    return None if bound is None else getattr(bound, "__func__", bound)
