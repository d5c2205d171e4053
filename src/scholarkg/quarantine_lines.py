"""JSON-lines files a run keeps in quarantine (``<kind>/<run>/<name>.jsonl``), each entry once.

A line is a whole entry (one JSON object), appended in the order met and fsynced. An entry an
earlier run already keeps, byte for byte, is not copied again: the line is a reference,
``{"kept_in": <run>, "sha": <hash of the entry's line>, …}`` plus the entry's short fields (its
source, line, reason or graph), so the run still lists it while its text is on disk once. An
entry is looked for only in the files of the same name of the other runs of that kind.

A kill mid-write can leave a partial last line: readers skip it with a note, and the next
append starts on a line of its own. A write the file system refuses is a
:class:`~scholarkg.errors.WriteFailed` naming the file, which is cut back to what it held.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from scholarkg.files import writing

REFERENCE = b'{"kept_in": '  # how a reference line begins (an entry's line never does)


def digest(line: bytes) -> str:
    """The hash that names an entry: of its line as written, without the line end."""
    return hashlib.sha256(line).hexdigest()[:16]


def reference(line: bytes) -> dict[str, Any] | None:
    """The fields of a reference line; ``None`` for an entry's line (or what is not JSON)."""
    if not line.startswith(REFERENCE):
        return None
    try:
        data = json.loads(line)
    except ValueError:
        return None
    ok = isinstance(data, dict) and isinstance(data.get("sha"), str)
    return data if ok and isinstance(data.get("kept_in"), str) else None


def whole_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(number, line) of ``path``'s lines, without their line ends; blank ones left out."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip(b"\r\n")
            if line.strip():
                yield number, line


def run_files(folder: Path, name: str) -> list[tuple[str, Path]]:
    """(run, file) of every run under ``folder`` that keeps a file ``name``, in run order."""
    try:
        runs = sorted(e.name for e in os.scandir(folder) if e.is_dir())
    except OSError:
        return []
    return [(run, folder / run / name) for run in runs if (folder / run / name).is_file()]


def entry_line(entry: Mapping[str, Any]) -> bytes:
    return json.dumps(entry, ensure_ascii=False).encode("utf-8")


def keep(
    folder: Path,
    run: str,
    name: str,
    entries: Sequence[tuple[bytes, dict[str, Any]]],
    *,
    what: str,
    before: Sequence[bytes | None] = (),
) -> Path:
    """Append ``entries`` ((line, short fields) each) to ``folder/run/name``: an entry another
    run keeps already as a reference to it with its short fields, others as their line (looked up
    in :mod:`scholarkg.quarantine_index`). ``before``, beside each entry: the line an earlier
    version wrote for it, if another (kept by an earlier run, the reference names that line)."""
    from scholarkg.quarantine_index import kept_in  # it reads these files' lines

    path = folder / run / name
    shas = [digest(line) for line, _ in entries]
    olds = [digest(old) if old else None for old in before] or [None] * len(entries)
    looked_for = shas + [old for old in olds if old is not None]
    known = kept_in(folder, run, name, looked_for) if folder.is_dir() else {}
    lines: list[bytes] = []
    for (line, short), sha, old in zip(entries, shas, olds, strict=True):
        if sha not in known and old in known:
            sha = old
        home = known.get(sha)
        lines.append(line if home is None else entry_line({"kept_in": home, "sha": sha, **short}))
    append(path, lines, what=what)
    return path


def append(path: Path, lines: Sequence[bytes], *, what: str) -> None:
    """Append whole lines to ``path`` and fsync it; refused, the file is cut back to what it
    held (removed when it held nothing)."""
    with writing(path, what=what):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            size = handle.tell()
            data = b"".join(line + b"\n" for line in lines)
            if size:  # a line cut short by a kill stays apart from the lines added now
                with path.open("rb") as head:
                    head.seek(size - 1)
                    if head.read(1) != b"\n":
                        data = b"\n" + data
            try:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            except BaseException:
                with suppress(OSError):
                    handle.truncate(size)
                    if not size:
                        os.unlink(path)
                raise


def read_entries(
    folder: Path, pattern: str, notes: list[str], run: str = "*"
) -> Iterator[tuple[Path, int, Any]]:
    """(file, line number, JSON value or ``None`` when it is none) of each line of the files
    ``folder/<run>/<pattern>`` (of every run, or the one ``run`` names), in run order, a
    reference read as the line it refers to; a reference to a line no longer kept is skipped
    with a note."""
    homes: dict[tuple[str, str], tuple[Path, dict[str, int]]] = {}  # where its lines begin
    for path in sorted(folder.glob(f"{run}/{pattern}")):
        if not path.is_file():  # not written by us (quarantine_runs.not_records)
            continue
        for number, line in whole_lines(path):
            ref = reference(line)
            if ref is not None:
                key = (ref["kept_in"], path.name)
                if key not in homes:
                    home = folder / ref["kept_in"] / path.name
                    homes[key] = (home, offsets(home))
                home, where = homes[key]
                found = line_at(home, where.get(ref["sha"]))
                if found is None:
                    notes.append(
                        f"{path}:{number}: refers to an entry {home} does not keep: skipped"
                    )
                    continue
                line = found
            try:
                yield path, number, json.loads(line)
            except (ValueError, RecursionError):  # RecursionError: a line nested too deep
                yield path, number, None


def offsets(path: Path) -> dict[str, int]:
    """Hash of each entry's line of ``path`` → where the line begins (none: no such file)."""
    found: dict[str, int] = {}
    with suppress(OSError), path.open("rb") as handle:
        offset = 0
        for raw in handle:
            line = raw.rstrip(b"\r\n")
            if line.strip() and not line.startswith(REFERENCE):
                found.setdefault(digest(line), offset)
            offset += len(raw)
    return found


def line_at(path: Path, offset: int | None) -> bytes | None:
    if offset is None:
        return None
    with suppress(OSError), path.open("rb") as handle:
        handle.seek(offset)
        return handle.readline().rstrip(b"\r\n")
    return None
