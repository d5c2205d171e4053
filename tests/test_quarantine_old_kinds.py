"""Quarantine lines a version before kinds were noted wrote: ``{"source", "line", "reason",
"text"}`` alone, a build's listed paper as its arXiv entries. Their kind is read from what each
kept: an arXiv entry its Atom ``<entry>`` element, a listed paper its page's text or its title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine import LISTED, quarantine_records, read_quarantined, records_file
from scholarkg.quarantine_lines import REFERENCE, digest
from scholarkg.runs.killed_quarantine import kept_of_killed
from scholarkg.runs.report import RunReport

OLD_RUN = "20250301T050000Z-00000000"
NEW_RUN = "20261206T050000Z-0123abcd"
API = "http://127.0.0.1:1/api/query?id_list=2401.00001,2401.00002"
ATOM = 'xmlns="http://www.w3.org/2005/Atom"'
PAPERS = [  # a page's paper block, and a paper the shapes refused (its title)
    QuarantinedRecord(
        "/profiles/p.txt",
        19,
        "paper has no date: its line is the subject code 'LG' alone",
        "Offline Reinforcement Learning\nA Author, B Author\nLG",
    ),
    QuarantinedRecord("/profiles/p.txt", 31, "SHACL: title too long", "Learning to Learn"),
]
ENTRIES = [  # an API answer's entries as the feed wrote them: default namespace, prefixed, clipped
    QuarantinedRecord(API, 3, "bad id", f"<entry {ATOM}><id>x</id></entry>"),
    QuarantinedRecord(API, 9, "bad date", '<atom:entry xmlns:atom="http://www.w3.org/2005/Atom"/>'),
    QuarantinedRecord(
        API, 14, "no title", f"<entry {ATOM}>" + "… [clipped: 9000 characters in all]"
    ),
]


def old_line(record: QuarantinedRecord) -> str:
    """The line a version before kinds were noted wrote for ``record``."""
    fields = {"source": record.source, "line": record.line, "reason": record.reason}
    return json.dumps(fields | {"text": record.text}, ensure_ascii=False)


def keep_old(root: Path, run: str, records: list[QuarantinedRecord]) -> None:
    for record in records:
        path = records_file(root, run, record.source)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(old_line(record) + "\n")


def test_a_killed_build_of_an_older_version_counts_its_papers_and_entries_apart(
    tmp_path: Path,
) -> None:
    """Before: every line without a kind was an arXiv entry: (24, 5), its papers listed short
    of the two quarantined."""
    keep_old(tmp_path, OLD_RUN, [*PAPERS, *ENTRIES])
    report = RunReport("build", f"https://w3id.org/scholarkg/id/run/{OLD_RUN}", papers=24)
    kept_of_killed(tmp_path, report)
    assert sorted(report.quarantined) == sorted(r.describe() for r in [*PAPERS, *ENTRIES])
    assert (report.papers, report.entries_quarantined, report.papers_loaded) == (26, 3, 24)


@pytest.mark.parametrize("paper", PAPERS, ids=["block", "title"])
def test_a_paper_an_older_build_kept_is_kept_again_as_a_reference_to_it(
    tmp_path: Path, paper: QuarantinedRecord
) -> None:
    """Before: its line with its kind noted was another line than the older one, so the paper's
    text was kept again, and the older run's entries and this one's were two records."""
    keep_old(tmp_path, OLD_RUN, [paper])
    [path] = quarantine_records([paper], tmp_path, NEW_RUN, kind=LISTED)
    line = path.read_bytes()
    assert line.startswith(REFERENCE), line
    assert json.loads(line)["sha"] == digest(old_line(paper).encode("utf-8"))
    assert read_quarantined(tmp_path).records == [paper]
    report = RunReport("build", f"https://w3id.org/scholarkg/id/run/{NEW_RUN}", papers=24)
    kept_of_killed(tmp_path, report)  # the line referred to is the older one, kind inferred
    assert (report.quarantined, report.papers, report.entries_quarantined) == (
        [paper.describe()],
        25,
        0,
    )


def test_an_entry_an_older_build_kept_is_still_a_reference_and_an_entry(tmp_path: Path) -> None:
    keep_old(tmp_path, OLD_RUN, ENTRIES[:1])
    [path] = quarantine_records(ENTRIES[:1], tmp_path, NEW_RUN)
    assert path.read_bytes().startswith(REFERENCE)
    report = RunReport("build", f"https://w3id.org/scholarkg/id/run/{NEW_RUN}", papers=24)
    kept_of_killed(tmp_path, report)
    assert (report.papers, report.entries_quarantined) == (24, 1)
