"""prefect.yaml's deployments take the parameters they list: each names a flow whose signature
has every parameter (and any it requires), of the type the flow takes, and its ``settings`` are
``SECTION.KEY=VALUE`` the configuration takes. A typo fails here, not a scheduled run: Prefect
checks a deployment's parameters against the flow's schema, which allows any other name (an
unknown one failed only when a worker called the flow), and never reads ``settings``."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from samples import ROOT
from scholarkg.errors import ConfigError

EXAMPLE = {  # the worked example in prefect.yaml's comments and README Scheduling
    "config_path": "/etc/scholarkg/scholarkg.toml",
    "settings": ["store.segment_quads=500000", "arxiv.min_interval=5"],
}


def parameter_problems(entrypoint: str, parameters: dict[str, Any]) -> list[str]:
    """What a run of ``entrypoint``'s flow given ``parameters`` would refuse, one line each:
    the check ``[schedules.*]`` has (``deployments.parameter_problems``)."""
    from prefect.flows import load_flow_from_entrypoint
    from scholarkg_flows.deployments import parameter_problems as problems

    flow: Any = load_flow_from_entrypoint(entrypoint)
    return [f"{entrypoint}: {problem}" for problem in problems(flow, parameters)]


def _deployments() -> list[dict[str, Any]]:
    document = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    deployments: list[dict[str, Any]] = document["deployments"]
    return deployments


@pytest.mark.parametrize("deployment", _deployments(), ids=lambda d: d["name"])
def test_each_deployment_s_flow_takes_its_parameters(deployment: dict[str, Any]) -> None:
    entrypoint, parameters = deployment["entrypoint"], deployment["parameters"]
    assert parameter_problems(entrypoint, parameters) == []
    assert parameter_problems(entrypoint, {**parameters, **EXAMPLE}) == []


def test_a_typo_in_a_deployment_s_parameters_is_found() -> None:
    """Each kind of mistake the check is there for is one line naming the flow."""
    harvest = "scholarkg_flows.harvest_arxiv.harvest_arxiv"
    assert parameter_problems(harvest, {"set_spc": "cs"}) == [
        f"{harvest}: got an unexpected keyword argument 'set_spc'"
    ]
    snapshot = "scholarkg_flows.load_snapshot.load_snapshot"
    assert parameter_problems(snapshot, {}) == [f"{snapshot}: missing a required argument: 'path'"]
    (problem,) = parameter_problems(harvest, {"settings": "arxiv.min_interval=5"})
    assert problem.startswith(f"{harvest}: settings: 'arxiv.min_interval=5' is not valid"), problem
    (problem,) = parameter_problems(harvest, {"settings": ["arxiv.min_intervall=5"]})
    assert problem.startswith(
        f"{harvest}: settings: 'arxiv.min_intervall=5': [arxiv] min_intervall: unknown key"
    ), problem


def test_a_setting_a_run_refuses_names_the_settings_parameter() -> None:
    """A deployment's ``settings`` reach the run alone: its refusal names the parameter (before:
    ``--set``, which no worker's run is given)."""
    from scholarkg_flows.build_kg import load_run_config

    with pytest.raises(ConfigError) as refused:
        load_run_config(None, None, ["store.path=/"])
    assert str(refused.value).startswith("settings store.path=/: [store] path must name a")
    with pytest.raises(ConfigError) as refused:
        load_run_config(None, None, ["arxiv.enabld=true"])
    assert str(refused.value).startswith("settings 'arxiv.enabld=true': [arxiv] enabld: unknown")
