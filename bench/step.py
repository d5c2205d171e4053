"""The child side of ``measure.run_step``: ``python bench/step.py NAME PARAMS_JSON OUT_JSON``.

Runs one named step in this (fresh) interpreter and writes its result, which includes the
``wall`` and ``cpu`` seconds of the measured region, to ``OUT_JSON``. Importing this module does
nothing else: the pipeline's worker processes (spawned) import it again as their main module.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
for path in (BENCH, BENCH.parent / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

Step = Callable[[dict[str, Any]], dict[str, Any]]


def steps() -> dict[str, Step]:
    import identity_quality
    import ingest_steps
    import naive
    import resolution

    return {
        **ingest_steps.STEPS,
        **identity_quality.STEPS,
        **resolution.STEPS,
        **naive.STEPS,
    }


def main() -> None:
    name, params, out = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])
    result = steps()[name](params)
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
