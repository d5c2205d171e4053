"""A record's authors are listed alike through every arXiv door, TeX and unspaced initials too.

arXiv's free-text author list (OAI-PMH ``arXivRaw``, a snapshot line's ``authors``) keeps what
the submitter typed: TeX (``Tom\\'a\\v{s}``, ``{\\O}bro``) and initials without spaces
(``G.A. El``). Every parsed list arXiv gives (the snapshot's ``authors_parsed``, the API,
OAI-PMH ``arXiv`` and ``oai_dc``) has the letters and a space after each initial. Before, the
free-text doors listed ``Tom\\'a\\v{s} Vina\\v{r}`` and ``G.A. El`` where the others listed
``Tomáš Vinař`` and ``G. A. El``: 19 of the 100 real sample lines, one record, two lists.

REAL: the 100 lines of tests/fixtures/arxiv/kaggle (their ``authors`` and ``authors_parsed`` are
arXiv's, byte for byte). CONSTRUCTED: the one record 0704.0002 of the derived fixtures and of
tests/arxiv_raw_record.py's arXivRaw wrapper, its authors replaced by ``G\\"odel``, ``{\\'E}mile``
and ``J.R.R.`` names as the labels below say, served by the loopback replay server.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer
from conftest import write_config
from door_bodies import ATOM, OAI, RAW, SAMPLE, door_graphs, element, list_records, xml_text
from scholarkg.config import load_config
from scholarkg.extract.arxiv_authors import listed_name, split_author_string
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.snapshot import parse_snapshot_line
from scholarkg.runs.arxiv_fetch import fetch_ids
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.tex_letters import tex_unicode

pytest_plugins = ("arxiv_fixtures",)


def _authors(data: dict[str, object], *, parsed: bool) -> list[tuple[str, tuple[str, ...]]]:
    line = dict(data, authors_parsed=data["authors_parsed"] if parsed else [])
    record = parse_snapshot_line(json.dumps(line), source="snapshot")
    return [(a.name, a.affiliations) for a in record.authors]


def _names(data: dict[str, object], *, parsed: bool) -> list[str]:
    return [name for name, _ in _authors(data, parsed=parsed)]


def test_the_free_text_gives_the_affiliations_arxiv_parsed_on_every_real_line() -> None:
    """Before: 0704.0052's ``Arthur Jaffe (1) and Gordon Ritter (1) ((1) Harvard University)``
    listed both without an affiliation (the legend dropped), where its ``authors_parsed``
    gives both Harvard University. 0704.0025's legend is broken over lines, which arXiv's
    parser does not read: its ``authors_parsed`` carries ``1 and 2``, no affiliation, and so
    does the free text (as the API and OAI-PMH ``arXiv`` give it: tests/test_one_record_model)."""
    differing = [d["id"] for d in SAMPLE if _authors(d, parsed=True) != _authors(d, parsed=False)]
    assert differing == []
    by_id = {d["id"]: d for d in SAMPLE}
    harvard = ("Harvard University",)
    assert _authors(by_id["0704.0052"], parsed=False) == [
        ("Arthur Jaffe", harvard),
        ("Gordon Ritter", harvard),
    ]
    assert "\n" in by_id["0704.0025"]["authors"]
    assert _authors(by_id["0704.0025"], parsed=False) == [
        ("A. S. Mishchenko", ()),
        ("N. Nagaosa", ()),
    ]


@pytest.mark.parametrize(
    ("listed", "affiliations"),
    [
        ("A. One, B. Two (MIT)", [("MIT",), ("MIT",)]),  # as arXiv's parser reads it
        ("A. One, B. Two (MIT), C. Three (CMU), D. Four", [("MIT",), ("MIT",), ("CMU",), ()]),
        ("A. One (1), B. Two (2) ((1) MIT, (2) CMU.)", [("MIT",), ("CMU",)]),
        ("A. One (1 and 2), B. Two (2) ((1) MIT (2) CMU)", [("MIT", "CMU"), ("CMU",)]),
        ("A. One (1), B. Two (3) ((1) MIT)", [("MIT",), ()]),  # no such footnote: none
        ("A. One (1), B. Two (2)", [(), ()]),  # no legend: footnote numbers are none
        ("A. One (1), B. Two (2) ((1) MIT,\n  (2) CMU)", [(), ()]),  # one arXiv does not read
        ("A. One (1), B. Two (2)\n  ((1) MIT, (2) CMU)\n", [("MIT",), ("CMU",)]),
        ("The BABAR Collaboration, B. Aubert (LAPP)", [(), ("LAPP",)]),  # a group takes none
    ],
)
def test_free_text_affiliations_read_as_arxiv_reads_them(
    listed: str, affiliations: list[tuple[str, ...]]
) -> None:
    assert [a.affiliations for a in split_author_string(listed)] == affiliations


def test_the_free_text_lists_the_names_arxiv_parsed_on_every_real_line() -> None:
    differing = [d["id"] for d in SAMPLE if _names(d, parsed=True) != _names(d, parsed=False)]
    assert differing == []
    by_id = {d["id"]: d for d in SAMPLE}
    assert _names(by_id["0704.0062"], parsed=False) == [
        "Rastislav Šrámek",  # Rastislav \v{S}r\'amek
        "Broňa Brejová",
        "Tomáš Vinař",
    ]
    assert _names(by_id["0704.0049"], parsed=False) == ["Mikkel Øbro"]  # Mikkel {\O}bro
    assert _names(by_id["0704.0030"], parsed=False) == ["J. P. Hague", "N. d'Ambrumenil"]
    assert _names(by_id["0704.0093"], parsed=False)[3] == "Z. -X. Shen"  # as arXiv parsed it


@pytest.mark.parametrize(
    ("tex", "letters"),
    [
        ('G\\"odel', "Gödel"),
        ('G\\"{o}del', "Gödel"),
        ('G{\\"o}del', "Gödel"),
        ("G{ö}del", "Gödel"),  # what arXiv's own conversion makes of G{\"o}del
        ("{\\'E}mile", "Émile"),
        ("Mart\\'{\\i}n", "Martín"),
        ("Mart\\'\\i n", "Martín"),
        ("Mart\\'ın", "Martín"),  # arXiv's of Mart\'{\i}n
        ("\\c{C}ak\\i r", "Çakır"),  # \i alone is the dotless i
        ("Erd\\H{o}s", "Erdős"),
        ("Stra{\\ss}e", "Straße"),
        ("\\L ukasz", "Łukasz"),
        ("\\AA se", "Åse"),
        ("$\\alpha$-Team", "$\\alpha$-Team"),  # other TeX stays
        ("\\url{x}", "\\url{x}"),  # a command's argument keeps its braces
    ],
)
def test_tex_letters_are_written_as_the_letters(tex: str, letters: str) -> None:
    assert tex_unicode(tex) == letters
    assert tex_unicode(letters) == letters


def test_a_long_run_of_braces_is_read_once() -> None:
    """A run of braces before no letter is read from its first brace only (linear)."""
    text = "{" * 200_000 + "-" + "}" * 200_000
    assert tex_unicode(text) == text
    assert tex_unicode("{{{a}}") == "{a"  # braces paired from the letter out


# One record, 0704.0002, through the four doors, its authors as arXiv would give them: TeX and
# unspaced initials in the free text, the letters and spaced initials in each parsed list.
FREE_TEXT = "Kurt G\\\"odel, {\\'E}mile Borel (Universit\\'e de Paris) and J.R.R. Tolkien"
PARSED = [  # Gödel takes Borel's affiliation, the next given (as arXiv's parser reads it)
    ("Gödel", "Kurt", "Université de Paris"),
    ("Borel", "Émile", "Université de Paris"),
    ("Tolkien", "J. R. R.", ""),
]
LISTED = ["Kurt Gödel", "Émile Borel", "J. R. R. Tolkien"]
AFFILIATIONS = [("Université de Paris",), ("Université de Paris",), ()]


def _atom() -> bytes:
    people = "".join(
        f"<author><name>{first} {last}</name>"
        + (f"<arxiv:affiliation>{aff}</arxiv:affiliation>" if aff else "")
        + "</author>"
        for last, first, aff in PARSED
    )
    start, end = ATOM.index("<author>"), ATOM.rindex("</author>") + len("</author>")
    return (ATOM[:start] + people + ATOM[end:]).encode()


def _oai() -> bytes:
    people = "".join(
        f"<author><keyname>{last}</keyname><forenames>{first}</forenames>"
        + (f"<affiliation>{aff}</affiliation>" if aff else "")
        + "</author>"
        for last, first, aff in PARSED
    )
    start, end = OAI.index("<authors>") + 9, OAI.index("</authors>")
    return list_records(OAI[:start] + people + OAI[end:], "arXiv")


def _raw() -> bytes:
    before = "<authors>Ileana Streinu and Louis Theran</authors>"
    assert before in RAW
    body = element(RAW, "abstract", xml_text(SAMPLE[0]["abstract"]))  # the wrapper's is cut short
    return list_records(
        body.replace(before, f"<authors>{xml_text(FREE_TEXT)}</authors>"), "arXivRaw"
    )


def _line(*, parsed: bool) -> str:
    line = dict(SAMPLE[0], authors=FREE_TEXT, authors_parsed=[])
    if parsed:
        line["authors_parsed"] = [
            [last, first, "", *([aff] if aff else [])] for last, first, aff in PARSED
        ]
    return json.dumps(line, ensure_ascii=False)


def test_every_door_lists_the_constructed_names_alike() -> None:
    """Before: arXivRaw and the snapshot's free text listed ``Kurt G\\"odel``, ``{\\'E}mile
    Borel`` (of ``Universit\\'e de Paris``) and ``J.R.R. Tolkien``."""
    records = {
        "api": parse_feed(_atom(), source="api").records,
        "oai arXiv": parse_oai_response(
            _oai(), source="oai", container="ListRecords"
        ).arxiv_records,
        "oai arXivRaw": parse_oai_response(
            _raw(), source="raw", container="ListRecords"
        ).arxiv_records,
        "snapshot parsed": (parse_snapshot_line(_line(parsed=True), source="s"),),
        "snapshot text": (parse_snapshot_line(_line(parsed=False), source="s"),),
    }
    for door, (record,) in records.items():
        assert [a.name for a in record.authors] == LISTED, door
        assert [a.affiliations for a in record.authors] == AFFILIATIONS, door
    assert [a.name for a in split_author_string("J.R.R.Tolkien")] == ["J. R. R. Tolkien"]


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv("SCHOLARKG_ARXIV_API_URL", arxiv_server.api_url)
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    arxiv_server.add_fault(Fault("status", body=_atom()), path="/api/query", times=-1)
    for prefix, page in (("arXiv", _oai()), ("arXivRaw", _raw())):
        arxiv_server.add_fault(
            Fault("status", body=page), path="/oai", times=-1, metadataPrefix=prefix
        )
    return arxiv_server


def test_every_door_stores_the_same_graphs(tmp_path: Path, replay: ReplayServer) -> None:
    stored = {}
    for door in ("api", "arXiv", "arXivRaw", "snapshot parsed", "snapshot text"):
        directory = tmp_path / door.replace(" ", "-")
        directory.mkdir()
        config = load_config(write_config(directory, [], arxiv={"min_interval": 0.01}))
        if door == "api":
            report = fetch_ids(config, ["0704.0002"]).report
        elif door.startswith("snapshot"):
            path = directory / "snapshot.jsonl"
            path.write_text(_line(parsed=door.endswith("parsed")) + "\n", encoding="utf-8")
            report = load_snapshot(config, path, workers=0).report
        else:
            report = harvest(config, None, door, "2008-12-01").report
        assert (report.records_loaded, report.quarantined, report.failures) == (1, [], []), door
        stored[door] = door_graphs(config)
    first = stored["api"]
    assert len(first) == 4  # three persons and the paper
    texts = {o for triples in first.values() for _, _, o in triples}
    assert {'"Kurt Gödel"', '"J. R. R. Tolkien"', '"Université de Paris"'} <= texts
    for door, graphs in stored.items():
        assert graphs == first, door


@pytest.mark.parametrize(
    ("written", "parsed", "listed"),
    [
        # arXiv spaces "A..B" as "A. .B" (its rule consumes the second stop): both read alike
        ("Jean-Pierre A..Bernard", "Jean-Pierre A. .Bernard", "Jean-Pierre A. . Bernard"),
        ("J.-P.Serre", "J. -P. Serre", "J. -P. Serre"),
        ("Nguy\\^{\\~e}n Van", "Nguy\\^{\\~e}n Van", "Nguy\u1ebd\u0302n Van"),  # both accents
        ("\\^{{e}}", "\\^{{e}}", "ê"),  # an accent on a braced letter
        ("Ko\\c{c}ak\\\\O", "Ko\\c{c}ak\\\\O", "Koçak\\\\O"),  # \\ is a line break, no \O
        # a command before a letter with a combining mark: read as before the composed letter
        ("Gr\\ik\u0301", "Gr\\ik\u0301", "Grı\u1e31"),
    ],
)
def test_a_name_reads_alike_as_written_and_as_arxiv_spaced_it(
    written: str, parsed: str, listed: str
) -> None:
    """The free text (as written) and a parsed list (as arXiv's parser spaced it) give one
    name, and a listed name read again is itself. Before (d1f653b): the free text gave
    "A. .Bernard" and the parsed list "A. . Bernard"; the accented ones kept a TeX accent on an
    accented or braced letter, and "\\\\O" (a line break, then O) gave "\\Ø"."""
    assert listed_name(written) == listed_name(parsed) == listed
    assert listed_name(listed) == listed


def test_every_real_name_is_listed_as_itself_when_read_again() -> None:
    names = [n for d in SAMPLE for n in _names(d, parsed=False) + _names(d, parsed=True)]
    assert len(names) > 300 and [listed_name(n) for n in names] == names
