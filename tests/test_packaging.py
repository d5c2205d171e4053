"""Every package in src/ and flows/ is listed for setuptools (or a wheel would leave it out)."""

from __future__ import annotations

import tomllib

from samples import ROOT


def test_every_subpackage_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    src = ROOT / "src"
    found = {".".join(init.parent.relative_to(src).parts) for init in src.rglob("__init__.py")} | {
        "scholarkg_flows"
    }
    assert found == listed
