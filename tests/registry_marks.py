"""A registry written before a meta mark existed: what it marks dirty on opening, once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scholarkg.identity.registry import Registry


def dirty_once(reg: Registry, mark: str, expected: Callable[[Registry], list[int]]) -> None:
    """Close ``reg`` as a registry written before meta ``mark`` (its persons all written), open
    it again: the persons marked dirty are ``expected(registry)``; opened a third time, none."""
    path = Path(reg.path)
    reg.written(reg.dirty())
    reg.db.execute("DELETE FROM meta WHERE key = ?", (mark,))
    reg.commit()
    reg.close()
    reg = Registry(path)
    try:
        assert reg.dirty() == expected(reg)
        reg.written(reg.dirty())
        reg.commit()
    finally:
        reg.close()
    reg = Registry(path)  # marked once: opening again changes nothing
    try:
        assert reg.dirty() == []
    finally:
        reg.close()
