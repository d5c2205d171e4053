"""Two runs over the same data publish the same bytes, but for what is genuinely the run's own:
its record, each graph's provenance, and when each profile page was read. The ontology's blank
nodes, which every store labels at random, come out under the same labels."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.runs.build import build

PROV = "http://www.w3.org/ns/prov#"
SKG = "https://w3id.org/scholarkg/ontology#"
RUN_GRAPH = re.compile(r"<https://w3id\.org/scholarkg/id/graph/run/[^>]+> \.$")
# the objects a run gives: who wrote each graph and when, and when a profile page was read
# (the time of each metric observation; the digest of a profile graph's triples covers them)
RUN_SPECIFIC = {
    f"<{PROV}wasGeneratedBy>": "every graph",
    f"<{PROV}generatedAtTime>": "every graph",
    f"<{SKG}observedAt>": "profile graphs",
    f"<{SKG}contentDigest>": "profile graphs",
}
QUAD = re.compile(r"^(\S+) (<[^>]+>) (.+) (<[^>]+>) \.$")


def fresh(tmp_path: Path, name: str) -> Config:
    folder = tmp_path / name
    folder.mkdir()
    publish = {"download_base": "https://downloads.example.org/kg"}
    return load_config(write_config(folder, [SAMPLE_PROFILE, SECOND_PROFILE], publish=publish))


def masked(config: Config) -> tuple[list[str], dict[str, int]]:
    """The dump's lines, the run graphs' left out and run-specific objects masked, and how many
    lines of each run-specific predicate were masked."""
    lines, kinds = [], dict.fromkeys(RUN_SPECIFIC, 0)
    for line in (config.exports_dir / "scholarkg.nq").read_text(encoding="utf-8").splitlines():
        if RUN_GRAPH.search(line):
            continue
        match = QUAD.match(line)
        assert match, line
        subject, predicate, _, graph = match.groups()
        where = RUN_SPECIFIC.get(predicate)
        if where == "every graph" or (where and "/graph/profile/" in graph):
            kinds[predicate] += 1
            line = f"{subject} {predicate} ? {graph} ."
        lines.append(line)
    return lines, kinds


def void_masked(config: Config) -> str:
    """The description, its times and the dump's checksum and size masked (the run's record
    and times are in the dump)."""
    text = (config.data_dir / "void.ttl").read_text(encoding="utf-8")
    text = re.sub(r'"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)"\^\^xsd:dateTime', '"?"', text)
    text = re.sub(r'dcat:byteSize "\d+"', 'dcat:byteSize "?"', text)
    return re.sub(r'"[0-9a-f]{64}"\^\^xsd:hexBinary', '"?"', text)


def assert_same_but_run_specific(a: Config, b: Config) -> None:
    first, first_kinds = masked(a)
    second, second_kinds = masked(b)
    assert first == second  # line for line, in the same order
    assert first_kinds == second_kinds
    assert all(first_kinds.values())  # each kind was there to mask
    # the ontology's blank nodes are labelled from content (before: at random, per store)
    labels = set(re.findall(r"_:\S+", "\n".join(first)))
    assert labels == {"_:c14n0", "_:c14n1", "_:c14n2"}
    assert void_masked(a) == void_masked(b)


def test_two_runs_over_the_same_data_publish_the_same_dump_but_for_the_runs(
    tmp_path: Path,
) -> None:
    a, b = fresh(tmp_path, "a"), fresh(tmp_path, "b")
    assert build(a).report.outcome == "ok"
    assert build(b).report.outcome == "ok"
    dump_a = (a.exports_dir / "scholarkg.nq").read_bytes()
    assert dump_a != (b.exports_dir / "scholarkg.nq").read_bytes()  # two runs, two records
    assert_same_but_run_specific(a, b)


def test_a_run_stopped_while_publishing_then_resumed_publishes_what_one_run_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scholarkg import dump_parts, lifecycle

    whole, stopped = fresh(tmp_path, "whole"), fresh(tmp_path, "stopped")
    assert build(whole).report.outcome == "ok"
    write_part = dump_parts.DumpParts._write_part

    def stop_at_third(parts: dump_parts.DumpParts, contents: Any, bucket: int):  # type: ignore[no-untyped-def]
        if bucket == 2:
            lifecycle.request_stop()
        return write_part(parts, contents, bucket)

    monkeypatch.setattr(dump_parts.DumpParts, "_write_part", stop_at_third)
    try:
        assert build(stopped).report.interrupted
    finally:
        lifecycle.STOP.clear()
    monkeypatch.undo()
    assert build(stopped).report.outcome == "ok"
    assert_same_but_run_specific(whole, stopped)
