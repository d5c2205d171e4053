"""The runs whose records and graphs the quarantine keeps, and pruning the older ones.

A run's entries are ``records/<run>/*.jsonl`` and ``graphs/<run>/graphs.jsonl``; run ids begin
with the run's start (``20241231T235959Z-…``), so their order is the runs' (two runs started
within one second sort by their ids' random tails). Pruning removes the
folders of runs before a run or a date, or all but the newest N, never the latest run's. An
entry a kept run refers to in a pruned run (:mod:`scholarkg.quarantine_lines`) is first copied
into the oldest kept run that refers to it (its file replaced whole, fsynced), the others then
refer to that one: nothing a kept run lists is lost, and a kill leaves either the folders as
they were or a kept file that holds the entry itself. The layout before runs had folders (a
file per record, a folder per graph) belongs to no run and is older than every run's: it is
listed apart, and pruned with the runs before a run, all but the newest N, or before a date
when every file of it was written before that day (no kept run refers to it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from scholarkg.errors import ScholarKGError
from scholarkg.files import replacing
from scholarkg.quarantine import RECORDS_FILE_NAME, entry_record, old_record, run_folder
from scholarkg.quarantine_graphs import GRAPHS_FILE, entry_graph
from scholarkg.quarantine_lines import entry_line, line_at, offsets, reference, whole_lines

KINDS = (("records", "*.jsonl"), ("graphs", GRAPHS_FILE))
_ENTRY = {"records": entry_record, "graphs": entry_graph}  # kind → what reads a line's entry
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def looks_like_date(before: str) -> bool:
    """Whether ``before`` is written as a date (YYYY-MM-DD), not a run id."""
    return _DATE.fullmatch(before) is not None


class PruneRefused(ScholarKGError):
    """What to prune names no run the quarantine keeps, or no date."""


@dataclass
class RunEntries:
    """What the quarantine keeps of one run: its records and rejected graphs (each a line;
    ``referred``: those of them kept by an earlier run), the lines of its files that are no
    whole entry (``unreadable``: a write cut short by a kill, a line not written by scholarkg)
    and the bytes its files take."""

    run: str
    records: int = 0
    graphs: int = 0
    referred: int = 0
    unreadable: int = 0
    size: int = 0


@dataclass(frozen=True)
class OldLayout:
    """What the layout before runs had folders keeps: its files (``records/*.json``) and
    folders (``graphs/<graph>/`` with ``findings.json`` or ``graph.nt``)."""

    records: list[Path]
    graphs: list[Path]

    def __bool__(self) -> bool:
        return bool(self.records or self.graphs)

    def written_before(self, day: dt.date) -> bool:
        """Every file of it was last written before ``day`` (UTC)."""
        files = [*self.records, *(f for g in self.graphs for f in g.iterdir())]
        stamps = [dt.datetime.fromtimestamp(f.stat().st_mtime, dt.UTC).date() for f in files]
        return all(stamp < day for stamp in stamps)

    def remove(self) -> None:
        for path in self.records:
            path.unlink(missing_ok=True)
        for folder in self.graphs:
            shutil.rmtree(folder, ignore_errors=True)


def old_layout(root: Path) -> OldLayout:
    """The entries of the layout before runs had folders under ``root``."""
    records = [p for p in sorted((root / "records").glob("*.json")) if old_record(p)]
    graphs = [
        p
        for p in sorted((root / "graphs").glob("*"))
        if p.is_dir()
        and not (p / GRAPHS_FILE).exists()
        and ((p / "findings.json").exists() or (p / "graph.nt").exists())
    ]
    return OldLayout(records, graphs)


def old_chosen(root: Path, *, keep: int | None = None, before: str | None = None) -> bool:
    """Whether ``keep`` or ``before`` (as :func:`chosen` reads them, checked there) takes the
    old layout's entries: older than every run's, they go with any prune but one by a date
    some file of them was written on or after."""
    old = old_layout(root)
    if not old:
        return False
    if before is not None and _DATE.fullmatch(before):
        return old.written_before(dt.date.fromisoformat(before))
    return True


def runs(root: Path) -> list[str]:
    """The runs the quarantine keeps entries of, oldest first."""
    found: set[str] = set()
    for kind, pattern in KINDS:
        folder = root / kind
        if folder.is_dir():
            found.update(p.parent.name for p in folder.glob(f"*/{pattern}") if p.is_file())
    return sorted(found)


def entries(root: Path) -> list[RunEntries]:
    """Each run's entries, oldest run first: a line counts as an entry when it is a whole one
    or a reference to one (the lines :func:`~scholarkg.quarantine.read_quarantined` and
    :func:`~scholarkg.quarantine_graphs.read_rejected` read), else as ``unreadable``."""
    listed = []
    for run in runs(root):
        kept = RunEntries(run)
        for kind, pattern in KINDS:
            for path in sorted((root / kind / run).glob(pattern)):
                if not path.is_file():  # not ours: not_records names it
                    continue
                kept.size += path.stat().st_size
                for _, line in whole_lines(path):
                    referred = reference(line) is not None
                    if not referred and not _whole(kind, line):
                        kept.unreadable += 1
                        continue
                    setattr(kept, kind, getattr(kept, kind) + 1)
                    kept.referred += referred
        listed.append(kept)
    return listed


def _whole(kind: str, line: bytes) -> bool:
    """Whether ``line`` is a whole entry of ``kind``, as the readers of the quarantine read it
    (before: every line counted, so a line cut short by a kill was one more record than the
    run's report counts and the quarantine lists)."""
    try:
        return _ENTRY[kind](json.loads(line)) is not None
    except (ValueError, RecursionError):
        return False


def not_records(root: Path) -> list[Path]:
    """The files and folders under ``root/records`` that no run wrote, so hold no quarantined
    record: at its top, all but a run's folder and a file of the layout before runs had folders
    that holds a record (so a file of another name, not JSON, empty); in a run's folder, all but
    the files ``<source>-<hash>.jsonl`` runs write (a file of another name, a folder)."""
    folder = root / "records"
    try:
        top = sorted(folder.iterdir())
    except OSError:  # no folder (nothing kept yet), or one that cannot be read
        return []
    found: list[Path] = []
    for path in top:
        if not path.is_dir():
            found += [] if path.suffix == ".json" and old_record(path) else [path]
            continue
        try:
            inside = sorted(path.iterdir())
        except OSError:
            found.append(path)
            continue
        found += [p for p in inside if not (RECORDS_FILE_NAME.fullmatch(p.name) and p.is_file())]
    return found


def chosen(root: Path, *, keep: int | None = None, before: str | None = None) -> list[str]:
    """The runs ``keep`` (all but the newest N) or ``before`` (a run id: the runs before it; a
    ``YYYY-MM-DD`` date: those started before that day, UTC) names, never the latest run."""
    every = runs(root)
    older = every[:-1]
    if keep is not None:
        if keep < 1:
            raise PruneRefused(f"--keep {keep}: keep at least 1 run (the latest is never pruned)")
        return older[: max(0, len(every) - keep)]
    if before is None:
        return []
    if _DATE.fullmatch(before):
        try:
            day = dt.date.fromisoformat(before)
        except ValueError as exc:
            raise PruneRefused(f"--before {before}: no such date ({exc})") from None
        return [run for run in older if run < day.strftime("%Y%m%d")]
    if run_folder(before) not in every:
        raise PruneRefused(
            f"--before {before}: the quarantine keeps no such run (give a run id "
            "`scholarkg quarantine list` shows, or a YYYY-MM-DD date)"
        )
    return [run for run in older if run < run_folder(before)]


def prune(root: Path, removed: list[str]) -> None:
    """Remove the folders of the ``removed`` runs, first copying what a kept run refers to."""
    gone = set(removed)
    for kind, pattern in KINDS:
        folder = root / kind
        moved: dict[tuple[str, str], str] = {}  # (file name, hash) → kept run now holding it
        for run in (r for r in runs(root) if r not in gone):
            for path in sorted((folder / run).glob(pattern)):
                _keep_referred(folder, run, path, gone, moved)
        for run in removed:
            shutil.rmtree(folder / run, ignore_errors=True)


def _keep_referred(
    folder: Path, run: str, path: Path, gone: set[str], moved: dict[tuple[str, str], str]
) -> None:
    """Rewrite ``path`` (run ``run``'s) with each line it refers to in a ``gone`` run: the
    line itself the first time, a reference to the run that holds it now after that."""
    lines: list[bytes] = []
    changed = False
    homes: dict[str, dict[str, int]] = {}
    for _, line in whole_lines(path):
        ref = reference(line)
        if ref is not None and ref["kept_in"] in gone:
            key = (path.name, ref["sha"])
            if key in moved:
                line = entry_line({**ref, "kept_in": moved[key]})
            else:
                home = folder / ref["kept_in"] / path.name
                if ref["kept_in"] not in homes:
                    homes[ref["kept_in"]] = offsets(home)
                where = homes[ref["kept_in"]]
                found = line_at(home, where.get(ref["sha"]))
                if found is not None:
                    line, moved[key] = found, run
            changed = True
        lines.append(line)
    if changed:
        with replacing(path, durable=True, what=f"quarantined {folder.name}") as temp:
            temp.write_bytes(b"".join(line + b"\n" for line in lines))
