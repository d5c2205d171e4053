"""Quads as comparable sets: blank nodes labelled by W3C RDFC-1.0 (Oxigraph's), so a dump and
a store that hold the same graphs compare equal whatever labels each gave its blank nodes."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox


def canonical(quads: Iterable[ox.Quad]) -> set[str]:
    """The quads as N-Quads strings, blank nodes canonically labelled."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}
