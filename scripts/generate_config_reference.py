"""Generate ``config/default.toml`` and ``docs/configuration.md`` from the configuration schema.

The schema (``src/scholarkg/config/``) is the only place a key, its type, default, constraint,
environment variable and description are written; these two files show it. The output is
deterministic; ``tests/test_config_schema.py`` fails when a committed copy is stale.

Usage: ``python scripts/generate_config_reference.py [--toml FILE|-] [--markdown FILE|-]``
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from scholarkg.config.reference import configuration_md, default_toml
from scholarkg.output_file import NotWritten, write_output

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TOML = ROOT / "config" / "default.toml"
DEFAULT_MARKDOWN = ROOT / "docs" / "configuration.md"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--toml", default=str(DEFAULT_TOML), help="where default.toml goes")
    parser.add_argument("--markdown", default=str(DEFAULT_MARKDOWN), help="the reference page")
    args = parser.parse_args(argv)
    try:
        write_output(default_toml(), args.toml)
        write_output(configuration_md(), args.markdown)
    except NotWritten as exc:  # one line, no traceback: a folder not there, a full disk…
        raise SystemExit(f"error: {exc}") from None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
