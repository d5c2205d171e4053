"""The package's public surface: a small curated ``__all__``, imported on first use."""

from __future__ import annotations

import inspect
import subprocess
import sys

import scholarkg

HEAVY = ("rdflib", "pyoxigraph", "prefect", "pyshacl")


def test_every_public_name_resolves_to_what_it_documents() -> None:
    assert len(scholarkg.__all__) == len(set(scholarkg.__all__)) <= 20
    for name in scholarkg.__all__:
        value = getattr(scholarkg, name)
        assert value is not None, name
        if name != "__version__":
            assert value.__doc__, f"{name} has no docstring"
    parameters = inspect.signature(scholarkg.load_config).parameters
    # overrides: SECTION.KEY=VALUE as --set gives them; option: what an error calls them
    assert list(parameters) == ["path", "overrides", "option"]
    assert parameters["path"].default is None and parameters["overrides"].default == ()
    assert parameters["option"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["option"].default == "--set"
    assert issubclass(scholarkg.ConfigError, scholarkg.ScholarKGError)
    assert scholarkg.build.__module__ == "scholarkg.runs.build"
    assert set(dir(scholarkg)) >= set(scholarkg.__all__)


def test_a_submodule_of_the_same_name_does_not_hide_the_public_function() -> None:
    """`scholarkg.publish` and `scholarkg.harvest` are modules too; importing them before the
    names are first used (as the jobs do) must leave the package attributes the documented
    functions. In a fresh interpreter, so that no earlier use has settled the names."""
    probe = (
        "import inspect, scholarkg\n"
        "import scholarkg.runs.close, scholarkg.runs.arxiv_harvest\n"  # the jobs' modules
        "import scholarkg.runs.arxiv_fetch, scholarkg.runs.arxiv_snapshot\n"
        "from scholarkg.harvest import HarvestJob\n"  # still importable as modules
        "from scholarkg.publish import Publication\n"
        "print(scholarkg.publish.__module__, scholarkg.harvest.__module__)\n"
        "print(inspect.isfunction(scholarkg.publish), inspect.isfunction(scholarkg.harvest))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split("\n")[:2] == [
        "scholarkg.publish scholarkg.runs.arxiv_harvest",
        "True True",
    ], done.stdout + done.stderr


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        scholarkg.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_importing_the_package_loads_no_heavy_library() -> None:
    probe = (
        "import sys, scholarkg\n"
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))\n"
        "print('scholarkg.config' in sys.modules)\n"
        "scholarkg.load_config\n"  # the first use imports what it needs
        "print('scholarkg.config' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split("\n")[:3] == ["", "False", "True"], done.stdout
