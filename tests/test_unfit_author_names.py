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

import datetime as dt
from pathlib import Path

import pytest

from building import rows, run_cli
from conftest import write_config
from door_authors import (
    api_reasons,
    atom_with,
    lines_with,
    oai_reasons,
    oai_with,
    raw_with,
    snapshot_reasons,
)
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.clients import archive_for
from scholarkg.config import load_config
from scholarkg.errors import ConfigError, ParseError
from scholarkg.extract.profile_page import parse_profile
from scholarkg.identity.overrides import Overrides
from scholarkg.identity.person_names import not_a_person
from scholarkg.runs.build import build

NAMED = (
    "SELECT DISTINCT ?n WHERE { ?p a <https://w3id.org/scholarkg/ontology#Person> ;"
    ' <http://xmlns.com/foaf/0.1/name> ?n FILTER(CONTAINS(?n, "Dadashi")) }'
)
DIGITS = 'SELECT ?p WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?n FILTER(CONTAINS(?n, "12345")) }'
WHEN = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
CODES = load_config().subject_codes
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
        "Dr. John Smith",
        "Prof. Dr.-Ing. John Smith, PhD",
        "Drew 2nd",  # no honorific: "Drew" is no "Dr"
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
        "api": [r for _, r in api_reasons(atom_with(f"<author><name>{name}</name></author>"))],
        "oai arXiv": oai_reasons(
            oai_with(
                f"<author><keyname>{forenames}</keyname><forenames>{keyname}</forenames></author>"
            )
        ),
        "oai arXivRaw": oai_reasons(raw_with(f"Ileana Streinu, {name}, Louis Theran")),
        "snapshot": [r for _, r in snapshot_reasons(lines_with(tmp_path, authors_parsed=parsed))],
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


@pytest.mark.parametrize(("name", "said"), UNFIT, ids=["digits", "e-mail", "marks"])
def test_a_profile_page_headed_by_one_names_no_researcher(name: str, said: str) -> None:
    """CONSTRUCTED: the sample page's heading (the researcher's name) renamed. Before, the
    page minted a researcher so named (``12345``, ``a@b.org``) while the same string as an
    author refused its paper; now the page is one error naming its line, by the same rule."""
    page = SAMPLE_PROFILE.read_text(encoding="utf-8").replace("Léonard Hussenot\n", f"{name}\n", 1)
    with pytest.raises(ParseError) as caught:
        parse_profile(page.encode(), source="p.txt", retrieved_at=WHEN, subject_codes=CODES)
    assert str(caught.value) == f"p.txt:1: no researcher name: {said.removeprefix('author 2 ')}"


@pytest.mark.flow
def test_a_run_refuses_a_page_headed_by_digits_and_loads_the_others(tmp_path: Path) -> None:
    """CONSTRUCTED: the sample page headed ``12345`` beside Robert Dadashi's page, through
    ``scholarkg run``. The bad page is one ``failed:`` line naming it and its line, its bytes
    archived as fetched; the other page builds; no person ``12345`` is made."""
    page = tmp_path / "page.txt"
    text = SAMPLE_PROFILE.read_text(encoding="utf-8").replace("Léonard Hussenot\n", "12345\n", 1)
    page.write_text(text, encoding="utf-8")
    config = write_config(tmp_path, [page, SECOND_PROFILE])
    done = run_cli(config)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode == 1
    failed = [line for line in done.stdout.splitlines() if line.startswith("failed:")]
    assert failed == [f"failed: {page}:1: no researcher name: '12345' holds no letter, no name"]
    assert "profiles: 1 built, 0 unchanged (skipped), 1 failed" in done.stdout
    loaded = load_config(config)
    archived = [r["source"] for r in archive_for(loaded).retrievals()]
    assert str(page) in archived
    assert rows(loaded, DIGITS) == []
    assert rows(loaded, NAMED) == [{"n": "Robert Dadashi"}]


@pytest.mark.parametrize(("name", "said"), UNFIT, ids=["digits", "e-mail", "marks"])
def test_a_profile_paper_naming_one_as_organisation_is_quarantined(name: str, said: str) -> None:
    """CONSTRUCTED: Gemma 2's organisation ``deepmind`` (line 15) renamed, after a real one.
    Before, an organisation node keyed ``12345`` or ``a-b-org`` was made, shared by every page
    listing it; now the paper is quarantined naming the organisation and its place, as an
    organisation of no letter or digit is. ``3M`` stays an organisation."""
    sample = SAMPLE_PROFILE.read_text(encoding="utf-8")
    gemma = "Shreya Pathak et al. · deepmind\n"
    assert sample.count(gemma) == 1
    page = sample.replace(gemma, gemma.replace("deepmind", f"3M, {name}"), 1)
    profile = parse_profile(page.encode(), source="p.txt", retrieved_at=WHEN, subject_codes=CODES)
    [bad] = profile.quarantined
    assert (bad.line, bad.reason) == (15, said.replace("author 2", "organisation 2"))
    assert len(profile.papers) == 24


@pytest.mark.parametrize(("name", "said"), UNFIT, ids=["digits", "e-mail", "marks"])
def test_a_people_reference_by_one_is_a_config_error(name: str, said: str) -> None:
    """CONSTRUCTED: ``[people]`` references naming an authorship listed as ``12345`` or
    ``a@b.org``. No door lets an author be so listed, so the reference could name nobody; it
    was taken, and the run said only that it named nobody. Now the config is refused as it is
    read, in one line naming the table, the reference and why the name is none."""
    why = said.removeprefix("author 2 ")
    for merge, split, where in (
        ({f"0704.0002|{name}": "person:x"}, {}, "people.merge"),
        ({}, {f"0704.0002|{name}": "someone"}, "people.split"),
    ):
        with pytest.raises(ConfigError) as caught:
            Overrides.parse(merge, split)
        assert str(caught.value) == f"[{where}] '0704.0002|{name}': the name {why}"


def test_a_heading_that_is_one_after_its_honorifics_names_no_researcher() -> None:
    """CONSTRUCTED: the sample page headed ``Dr a@b.org``. The researcher is founded
    by the name without honorifics (``identity/honorifics.py``): the e-mail address alone."""
    page = SAMPLE_PROFILE.read_text(encoding="utf-8").replace(
        "Léonard Hussenot\n", "Dr a@b.org\n", 1
    )
    with pytest.raises(ParseError) as caught:
        parse_profile(page.encode(), source="p.txt", retrieved_at=WHEN, subject_codes=CODES)
    assert (
        str(caught.value) == "p.txt:1: no researcher name: 'a@b.org' is an e-mail address, no name"
    )


TITLED = [
    ("Dr. 12345", "'12345' holds no letter, no name"),
    ("Dr a@b.org", "'a@b.org' is an e-mail address, no name"),
    ("12345, PhD", "'12345' holds no letter, no name"),
    ("Dr.", "'Dr.' holds no letter beside its honorifics and degrees, no name"),
    ("Prof. ---", "'Prof. ---' holds no letter beside its honorifics and degrees, no name"),
]


@pytest.mark.parametrize(
    ("name", "said"), TITLED, ids=["digits", "e-mail", "degree", "honorific", "junk"]
)
def test_a_name_that_is_one_after_its_honorifics_names_no_person(name: str, said: str) -> None:
    """CONSTRUCTED. The name is read as the researcher is founded by it, without honorifics
    and degrees (``identity/honorifics.py``); an honorific before junk is no name. Before,
    ``Dr. 12345`` passed (bare_name kept the honorific when no letter was left after it) and
    so did ``Dr.`` and ``Prof. ---``; an author ``Dr a@b.org`` passed the e-mail check."""
    assert not_a_person(name) == said


@pytest.mark.parametrize(("name", "said"), TITLED[:2], ids=["digits", "e-mail"])
def test_a_heading_or_an_author_so_named_is_refused_by_the_same_rule(name: str, said: str) -> None:
    """CONSTRUCTED: the sample page headed ``Dr. 12345`` (before: a researcher was founded
    by the heading as written), and record 0704.0002 listing ``Dr a@b.org`` as its second
    author (before: a person keyed by the e-mail address was minted)."""
    page = SAMPLE_PROFILE.read_text(encoding="utf-8").replace("Léonard Hussenot\n", f"{name}\n", 1)
    with pytest.raises(ParseError) as caught:
        parse_profile(page.encode(), source="p.txt", retrieved_at=WHEN, subject_codes=CODES)
    assert str(caught.value) == f"p.txt:1: no researcher name: {said}"
    reasons = [r for _, r in api_reasons(atom_with(f"<author><name>{name}</name></author>"))]
    reasons += oai_reasons(raw_with(f"Ileana Streinu, {name}, Louis Theran"))
    listed = said.replace("a@b.org", "a@b. org")  # as arXiv lists it: a space after a stop
    assert reasons == [f"author 2 {listed}"] * 2


def test_a_profile_paper_listing_an_author_so_named_is_quarantined_at_its_line(
    tmp_path: Path,
) -> None:
    """CONSTRUCTED: the sample page with BOND's second author renamed ``Dr a@b.org``, built.
    Before, the paper loaded and a person keyed by the e-mail address was made; now the paper
    is quarantined naming the address, as one listing ``a@b.org`` is, and the rest loads."""
    listed = "Pier Giuseppe Sessa, Robert Dadashi"
    sample = SAMPLE_PROFILE.read_text(encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text(sample.replace(listed, "Dr a@b.org, Robert Dadashi", 1), encoding="utf-8")
    config = load_config(write_config(tmp_path, [page]))
    report = build(config).report
    [told] = list(report.quarantined)
    assert told.endswith(":22: author 1 'a@b.org' is an e-mail address, no name"), told
    assert rows(config, NAMED) == [{"n": "Robert Dadashi"}]
    email = 'SELECT ?p WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?n FILTER(CONTAINS(?n, "@")) }'
    assert rows(config, email) == []
