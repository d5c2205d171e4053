"""A disk that fills up during ``scholarkg run`` or ``scholarkg arxiv load-snapshot``: one line
naming the file that could not be written, no traceback, SQLite state intact, the run lock
released, a report (when there is one) that counts what the store holds, and a next run with
space again that leaves the store as a run that never failed would.

The full disk is a file-size limit on the run's process (``RLIMIT_FSIZE``, SIGXFSZ ignored): a
write past it fails with EFBIG as one past a full disk fails with ENOSPC. Each limit is taken
from the files of a clean run, so that the first write refused is in the stage named.
"""

from __future__ import annotations

import fcntl
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import write_config
from limited_runs import LOAD_SNAPSHOT, run
from samples import SAMPLE_PROFILE
from store_contents import beside_run_records, held_quads, quads, reports, unrecorded_runs


@dataclass(frozen=True)
class Clean:
    quads: list[str]
    report: dict[str, object]
    raw_object: int  # bytes of the archived profile page
    store_log: int  # bytes of the store's largest write-ahead log
    dump: int  # bytes of the N-Quads dump
    largest_part: int  # bytes of its largest part


def clean_run(directory: Path, command: tuple[str, ...]) -> Clean:
    done = run(directory, command=command)
    assert done.returncode == 0, done.stdout + done.stderr
    raw = [p.stat().st_size for p in (directory / "data" / "raw").rglob("objects/*/*")
           if p.suffix != ".json"]  # fmt: skip
    logs = [p.stat().st_size for p in (directory / "store").glob("*.log")]
    exports = directory / "data" / "exports"
    parts = [p.stat().st_size for p in (exports / "parts").glob("part-*.nq")]
    [report] = reports(directory)
    dump = (exports / "scholarkg.nq").stat().st_size
    return Clean(quads(directory), report, max(raw, default=0), max(logs), dump, max(parts))


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Clean:
    directory = tmp_path_factory.mktemp("clean")
    write_config(directory, [SAMPLE_PROFILE])
    return clean_run(directory, ("run",))


@pytest.fixture(scope="module")
def clean_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Clean:
    directory = tmp_path_factory.mktemp("clean-snapshot")
    write_config(directory, [])
    return clean_run(directory, LOAD_SNAPSHOT)


# the first write refused: the profile page into the raw archive; the identity registry (its
# write-ahead log outgrows the page first); the store's write-ahead log, while the person graphs
# are written and when the run's own graphs are (the ontology, the categories); the N-Quads
# dump, in a run that publishes again after a clean run (its parts fit, the whole does not)
STAGES: dict[str, Callable[[Clean], int]] = {
    "raw archive": lambda c: c.raw_object // 2,
    "identity registry": lambda c: c.raw_object + 4096,
    "store, mid-load": lambda c: c.store_log // 4,
    "store": lambda c: c.store_log // 2,
    "publication": lambda c: (c.largest_part + c.dump) // 2,
}


def sqlite_files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*.sqlite") if p.is_file()]


def lock_is_free(directory: Path) -> bool:
    with (directory / "data" / "run.lock").open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


@pytest.mark.flow
@pytest.mark.parametrize("stage", list(STAGES))
def test_a_full_disk_is_one_line_and_the_next_run_completes_the_store(
    tmp_path: Path, clean: Clean, stage: str
) -> None:
    write_config(tmp_path, [SAMPLE_PROFILE])
    check_full_disk(tmp_path, clean, stage, ("run",))


@pytest.mark.parametrize("stage", ["identity registry", "store", "publication"])
def test_a_full_disk_under_a_snapshot_load_is_one_line_and_the_next_load_completes_it(
    tmp_path: Path, clean_snapshot: Clean, stage: str
) -> None:
    write_config(tmp_path, [])
    limit = clean_snapshot.store_log // 8 if stage == "identity registry" else None
    check_full_disk(tmp_path, clean_snapshot, stage, LOAD_SNAPSHOT, limit)


def check_full_disk(
    tmp_path: Path, clean: Clean, stage: str, command: tuple[str, ...], limit: int | None = None
) -> None:
    if stage == "publication":  # loaded before, its publication cut short: published again
        assert run(tmp_path, command=command).returncode == 0
        (tmp_path / "data" / "state" / "published.json").unlink()
    done = run(tmp_path, STAGES[stage](clean) if limit is None else limit, command)
    shown = done.stdout + done.stderr
    assert done.returncode == 1, shown
    assert "Traceback" not in shown
    said = [line for line in shown.splitlines() if line.startswith(("error:", "failed:"))]
    assert said, shown
    # every failure names the file (under the work directory) it could not write, and why
    for line in said:
        assert str(tmp_path) in line, line
        assert "File too large" in line or "cannot write" in line, line
    assert re.search(r"cannot (write|archive|replace)", "\n".join(said)), said
    assert lock_is_free(tmp_path)
    for path in sqlite_files(tmp_path):
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",), path
    # the failed run's summary is shown and its report written, the failure recorded in both
    *_, report = found = reports(tmp_path)
    assert len(found) == (2 if stage == "publication" else 1), found
    assert report["outcome"] in ("failed", "partial")
    assert f"outcome: {report['outcome']}" in done.stdout
    recorded = [report["store_error"], report["run_error"], *(e for _, e in report["failures"])]
    assert any(e and str(tmp_path) in e and "cannot" in e for e in recorded), recorded
    held = held_quads(tmp_path / "store")
    if report["store_quads"] is not None:  # what the failed run says the store holds, it holds
        assert report["store_quads"] == held
    if stage != "publication":  # and what it says it wrote, in a store it made: all it holds
        wrote = [report[k] for k in ("triples_added", "provenance_triples", "report_triples")]
        assert sum(wrote) + sum(report["run_graphs"].values()) == held, (wrote, report)
        if held:
            assert not re.search(r"^changes:.* (none|nothing) written", done.stdout, re.M)

    unrecorded = unrecorded_runs(tmp_path / "store")  # the store refused the run's record
    again = run(tmp_path, command=command)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "outcome: ok" in again.stdout
    assert unrecorded_runs(tmp_path / "store") == []  # the next run wrote the failed one's
    assert len(reports(tmp_path)) == len(found) + 1  # from its report: no second one
    if unrecorded:  # one more run record than a clean run's, and VoID counts it
        assert beside_run_records(quads(tmp_path)) == beside_run_records(clean.quads)
    else:
        assert quads(tmp_path) == clean.quads
    last = reports(tmp_path)[-1]
    assert last["store_quads"] == held_quads(tmp_path / "store")
    if not unrecorded:
        assert last["store_quads"] == clean.report["store_quads"] == len(clean.quads)


def missing_sources(count: int) -> list[str]:
    """Profile paths that name no file, each ~3 800 characters: their failures make a report
    larger than any other file a run writes into a store that holds the ontology already."""
    return [f"/nonexistent-{i:03d}/" + "/".join(["x" * 250] * 15) for i in range(count)]


def written_by(directory: Path, done: Callable[[], object]) -> dict[Path, int]:
    """The files ``done()`` wrote in ``directory`` (made or changed), with their sizes."""

    def state() -> dict[Path, tuple[int, int]]:
        found = (p for p in directory.rglob("*") if p.is_file())
        return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in found}

    before = state()
    done()
    return {p: size for p, (when, size) in state().items() if before.get(p) != (when, size)}


@pytest.mark.flow
def test_a_report_a_full_disk_refuses_is_one_line_naming_it(
    tmp_path: Path, prefect_harness: None
) -> None:
    sources = missing_sources(60)
    measured, limited_dir = tmp_path / "measured", tmp_path / "limited"
    for directory in (measured, limited_dir):  # a store with the ontology, then 60 failures
        directory.mkdir()
        write_config(directory, [])
        assert run(directory).returncode == 0
        write_config(directory, sources)
    written = written_by(measured, lambda: run(measured))
    [report] = [p for p in written if p.parent.name == "reports"]
    others = max(size for path, size in written.items() if path != report)
    assert written[report] > 2 * others, (written[report], others)

    done = run(limited_dir, (written[report] + others) // 2)
    shown = done.stdout + done.stderr
    assert done.returncode == 1, shown
    assert "Traceback" not in shown
    assert "outcome: failed" in done.stdout  # the summary is shown all the same
    folder = limited_dir / "data" / "reports"
    said = [line for line in shown.splitlines() if "run report" in line]
    assert len(said) == 1, shown
    # 60 failed sources: 20 shown, the report's own failure among them, and the rest said
    # not listed (before: folded into "… and 41 more, every one in the run report <the file
    # that could not be written>")
    [more] = [line for line in shown.splitlines() if line.startswith("failed: … and")]
    assert more == (
        "failed: … and 41 more, not listed: the JSON report that would list each could not "
        "be written (above)"
    ), more
    assert re.fullmatch(
        rf"failed: {re.escape(str(folder))}/build-[^/]+\.json: cannot write the run report: "
        r"File too large",
        said[0],
    ), said
    assert len(list(folder.iterdir())) == 1  # the first run's: neither this one nor a temporary
