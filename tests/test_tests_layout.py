"""The tests' own layout: what test modules share lives in helper modules (tests/*.py without
the ``test_`` prefix), so no test module imports from another. Before, a test module that
imported another's helpers ran that module's imports and registered its fixtures, and moving or
renaming a test broke modules that only borrowed from it."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def imported_test_modules(source: str) -> list[tuple[int, str]]:
    """The ``test_`` modules ``source`` imports, anywhere in it (a function's imports too), with
    the line of each import."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.split(".")[0].startswith("test_")]
    return sorted(found)


def test_the_check_finds_an_import_from_a_test_module() -> None:
    source = "import os\nfrom samples import ROOT\n\ndef f():\n    from test_x import y\n"
    assert imported_test_modules(source + "import test_y, json\n") == [
        (5, "test_x"),
        (6, "test_y"),
    ]
    assert imported_test_modules("from testing import x\nimport tests_helper\n") == []


def test_no_test_module_imports_from_another_test_module() -> None:
    found = [
        f"{path.name}:{line}: imports {module}"
        for path in sorted(TESTS.glob("*.py"))
        for line, module in imported_test_modules(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "move what they share into a helper module:\n" + "\n".join(found)
