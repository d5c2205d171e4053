"""Packaging: every package is listed for setuptools, and the wheel runs on its own."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from samples import ROOT
from scholarkg.resources import DATA_FOLDERS


def test_every_subpackage_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    data = {f"scholarkg._data.{name}" for name in DATA_FOLDERS}  # top-level folders, mapped
    assert {setuptools["package-dir"][name] for name in data} == set(DATA_FOLDERS)
    listed = set(setuptools["packages"]) - data
    src = ROOT / "src"
    found = {".".join(init.parent.relative_to(src).parts) for init in src.rglob("__init__.py")} | {
        "scholarkg_flows"
    }
    assert found == listed


def _imported(node: ast.AST) -> set[str]:
    """The top-level modules ``node`` imports, but under ``if TYPE_CHECKING:``."""
    if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
        return set().union(*map(_imported, node.orelse))
    if isinstance(node, ast.Import):
        return {alias.name.split(".")[0] for alias in node.names}
    if isinstance(node, ast.ImportFrom):
        return {node.module.split(".")[0]} if node.level == 0 and node.module else set()
    return set().union(*map(_imported, ast.iter_child_nodes(node)))


def _names(specs: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", s, maxsplit=1)[0].lower().replace("_", "-") for s in specs}


def test_every_module_imported_is_a_declared_dependency() -> None:
    """A module the package imports comes from a distribution pyproject.toml names, not from
    whatever another dependency happens to require (h11 came through uvicorn, undeclared, so
    no floor kept out the versions with CVE-2025-43859)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = config["project"]
    declared = _names(project["dependencies"]) | _names(project["optional-dependencies"]["dask"])
    modules: set[str] = set()
    for folder in (ROOT / "src", ROOT / "flows"):
        for path in folder.rglob("*.py"):
            modules |= _imported(ast.parse(path.read_text(encoding="utf-8")))
    third_party = modules - set(sys.stdlib_module_names) - {"scholarkg", "scholarkg_flows"}
    providers = packages_distributions()
    undeclared = {
        module
        for module in third_party
        if not {d.lower().replace("_", "-") for d in providers.get(module, [module])} & declared
    }
    assert undeclared == set()


@pytest.mark.server
def test_the_wheel_runs_a_build_and_a_query_from_any_directory(tmp_path: Path) -> None:
    """Built as a wheel, installed in a fresh environment, run from an empty directory: the
    ontology, shapes, saved queries and defaults come from the package, the data goes under
    the working directory. (The dependencies are borrowed from this environment through a
    path file, so nothing is downloaded; the checkout itself is not importable there.)"""
    wheels, source = tmp_path / "wheels", tmp_path / "source"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    for name in filter(None, (t.decode() for t in tracked)):  # a clean copy: no build/ here
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", str(wheels), str(source)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    [wheel] = wheels.glob("scholarkg-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    [site] = venv.glob("lib/python3*/site-packages")
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "profiles" / "leonard-hussenot.txt", work / "profile.txt")
    config = '[profiles]\nsources = ["profile.txt"]\n[arxiv]\nenabled = false\n'  # no network
    (work / "my.toml").write_text(config, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("SCHOLARKG_HOME", "PYTHONPATH")}
    env.pop("PREFECT_API_URL", None)

    def scholarkg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(venv / "bin" / "scholarkg"), *args], cwd=work, env=env, text=True,
            capture_output=True, timeout=600,
        )  # fmt: skip

    where = subprocess.run(
        [str(python), "-c", "import scholarkg.resources as r; print(r.shapes_dir())"],
        cwd=work, env=env, text=True, capture_output=True, check=True,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(site)), where.stdout  # the package's own shapes
    built = scholarkg("run", "--config", "my.toml")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "outcome: ok" in built.stdout and "Error" not in built.stderr, built.stderr
    assert (work / "data" / "store").is_dir()  # data under the working directory
    years = scholarkg("query", "papers-per-year", "--config", "my.toml", "--format", "csv")
    assert years.returncode == 0, years.stderr
    assert "2023" in years.stdout
