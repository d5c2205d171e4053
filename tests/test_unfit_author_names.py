"""An author's name that can name no person (digits alone, an e-mail address, a letter under
a flood of combining marks) refuses its record through every door, as a nameless author does.

DERIVED from record 0704.0002 as the doors carry it (tests/test_nameless_author_doors.py's
helpers), and the real sample profile page (CONSTRUCTED: one author of one paper renamed).
Before, each was taken as a person: ``12345`` and ``a@b.org`` minted persons keyed so, joined
by every record listing them, and 50 combining marks stood on the person's page. Quarantining
the record, not dropping the author, keeps every later author at the position it is listed at
(the rule for a nameless author); the quarantine keeps the record's text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.identity.person_names import not_a_person
from scholarkg.runs.build import build
from test_nameless_author_doors import (
    _api_reasons,
    _atom,
    _oai,
    _oai_reasons,
    _raw,
    _snapshot,
    _snapshot_reasons,
)

NAMED = (
    "SELECT DISTINCT ?n WHERE { ?p a <https://w3id.org/scholarkg/ontology#Person> ;"
    ' <http://xmlns.com/foaf/0.1/name> ?n FILTER(CONTAINS(?n, "Dadashi")) }'
)
FLOOD = "Lo" + "\u0301" * 50 + "uis Theran"
UNFIT = [
    ("12345", "author 2 '12345' holds no letter, no name"),
    ("a@b.org", "author 2 'a@b.org' is an e-mail address, no name"),
    (FLOOD, "author 2 'Louis Theran' carries 50 combining marks on one letter (at most 4 in a"
     " name), no name"),
]  # fmt: skip


@pytest.mark.parametrize(
    "name",
    [
        "Louis Theran",
        "Nguye\u0302\u0303n Va\u0306n Tha\u0300nh",  # Vietnamese decomposed: two marks at most
        "\u0905\u092e\u093f\u0924 \u0936\u0930\u094d\u092e\u093e",  # Devanagari, a virama
        "王伟",
        "J. R. R. Tolkien",
        "Henry Ford V",
        "K. 2nd",
    ],
)
def test_a_name_is_a_name(name: str) -> None:
    assert not_a_person(name) is None


@pytest.mark.parametrize(("name", "said"), UNFIT, ids=["digits", "e-mail", "marks"])
def test_every_arxiv_door_refuses_a_record_listing_one(
    name: str, said: str, tmp_path: Path
) -> None:
    keyname, _, forenames = name.rpartition(" ") if " " in name else ("", "", name)
    parsed = [["Streinu", "Ileana", ""], [forenames, keyname, ""], ["Theran", "Louis", ""]]
    reasons = {
        "api": [r for _, r in _api_reasons(_atom(f"<author><name>{name}</name></author>"))],
        "oai arXiv": _oai_reasons(
            _oai(f"<author><keyname>{forenames}</keyname><forenames>{keyname}</forenames></author>")
        ),
        "oai arXivRaw": _oai_reasons(_raw(f"Ileana Streinu, {name}, Louis Theran")),
        "snapshot": [r for _, r in _snapshot_reasons(_snapshot(tmp_path, authors_parsed=parsed))],
    }
    listed = said.replace("a@b.org", "a@b. org")  # as arXiv lists it: a space after a stop
    assert reasons == {door: [listed] for door in reasons}


@pytest.mark.parametrize(("name", "said"), UNFIT, ids=["digits", "e-mail", "marks"])
def test_a_profile_paper_listing_one_is_quarantined_at_its_line(
    name: str, said: str, tmp_path: Path
) -> None:
    """CONSTRUCTED: the sample page with Pier Giuseppe Sessa, BOND's second author, renamed.
    The other papers load; no person is named as the author was."""
    listed = "Pier Giuseppe Sessa, Robert Dadashi"
    sample = SAMPLE_PROFILE.read_text(encoding="utf-8")
    assert sample.count(listed) == 1
    page = tmp_path / "page.txt"
    page.write_text(sample.replace(listed, f"{name}, Robert Dadashi", 1), encoding="utf-8")
    config = load_config(write_config(tmp_path, [page]))
    report = build(config).report
    [told] = list(report.quarantined)
    assert told.endswith(f":22: {said.replace('author 2', 'author 1')}"), told
    assert rows(config, NAMED) == [{"n": "Robert Dadashi"}]  # his other papers name him
