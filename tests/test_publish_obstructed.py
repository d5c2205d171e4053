"""Something in the way of a published file (a file where the exports folder or its parts go, a
folder where the dump or ``void.ttl`` goes; a link there is replaced: test_publish_links): the
run says so in one line naming the path, its report is written, and the next run, the path
cleared, publishes everything."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from conftest import write_config
from published import VOID_GRAPH, dumped, store_quads_but_void
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.runs.build import build
from scholarkg.runs.report import PublishedFile


def a_file(path: Path) -> Callable[[], None]:
    def obstruct() -> None:
        shutil.rmtree(path, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("not a folder\n", encoding="utf-8")

    return obstruct


def a_folder(path: Path) -> Callable[[], None]:
    def obstruct() -> None:
        path.unlink(missing_ok=True)
        (path / "inside").mkdir(parents=True)

    return obstruct


CASES: dict[str, Callable[[Config], tuple[Path, Callable[[], None]]]] = {
    "exports folder is a file": lambda c: (c.exports_dir, a_file(c.exports_dir)),
    "parts folder is a file": lambda c: (c.exports_dir / "parts", a_file(c.exports_dir / "parts")),
    "dump is a folder": lambda c: (
        c.exports_dir / "scholarkg.nq",
        a_folder(c.exports_dir / "scholarkg.nq"),
    ),
    "void.ttl is a folder": lambda c: (c.data_dir / "void.ttl", a_folder(c.data_dir / "void.ttl")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_path_in_the_way_of_a_publication_is_one_line_and_the_next_run_publishes(
    tmp_path: Path, case: str
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    assert build(config).report.outcome == "ok"
    where, obstruct = CASES[case](config)
    obstruct()
    report = build(config, [str(SECOND_PROFILE)]).report  # a new profile: publishes
    # before: NotADirectoryError, FileExistsError or IsADirectoryError out of the run, a
    # traceback, no report
    assert report.graphs_written > 0
    # the dump was written before void.ttl failed: the report names it
    kinds = ["dump"] if case == "void.ttl is a folder" else []
    assert [p.kind for p in report.published] == kinds
    [(stage, line)] = report.failures
    assert stage == "after loading" and "\n" not in line
    assert line.startswith(f"{where}: not published: ")
    assert list(config.reports_dir.glob("*.json"))  # the run's report was written
    assert not (config.state_dir / "published.json").exists()
    if where.is_file():
        where.unlink()
    else:
        shutil.rmtree(where)
    again = build(config, [str(SECOND_PROFILE)]).report  # nothing new, yet it publishes
    assert again.outcome == "ok" and again.graphs_written == 0 and again.published
    assert dumped(config.exports_dir / "scholarkg.nq") == store_quads_but_void(config.store.path)


def test_a_void_ttl_that_fails_leaves_the_dumps_written_in_the_report(tmp_path: Path) -> None:
    """``void.ttl`` not written (a folder in its place) after the dumps were: the report says
    which dumps were published and that ``void.ttl`` failed (before: no file published, though
    the dumps were there and the store's VoID graph described them)."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "ttl"]}))
    assert build(config).report.outcome == "ok"
    void = config.data_dir / "void.ttl"
    a_folder(void)()

    report = build(config, [str(SECOND_PROFILE)]).report  # a new profile: publishes

    nq, ttl = config.exports_dir / "scholarkg.nq", config.exports_dir / "scholarkg.ttl"
    void_quads = report.run_graphs["VoID description"]
    left_out = ((VOID_GRAPH, void_quads),)
    assert report.published == [  # before: []
        PublishedFile(str(nq), len(dumped(nq)), "quads", left_out=left_out),
        PublishedFile(str(ttl), len(Graph().parse(ttl)), "triples", left_out=left_out),
    ]
    assert dumped(nq) == store_quads_but_void(config.store.path)
    [(stage, line)] = report.failures
    assert stage == "after loading" and line.startswith(f"{void}: not published: ")
    lines = report.summary_lines()
    assert any(x.startswith(f"published: {nq} (") and str(ttl) in x for x in lines), lines
    assert not (config.state_dir / "published.json").exists()  # the next run publishes again
