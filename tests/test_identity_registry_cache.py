"""The identity registry's SQLite page cache is bounded at 16 MiB (bench/HISTORY.md, 2026-12-07)."""

from __future__ import annotations

from pathlib import Path

from scholarkg.identity.registry import Registry


def test_page_cache_is_16_mib(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "identity.sqlite")
    try:
        (kib,) = registry.db.execute("PRAGMA cache_size").fetchone()
        assert kib == -16384  # negative: KiB, so 16 MiB whatever the page size
    finally:
        registry.close()
