"""A character no one sees splits no person and no paper, whichever door it came through: a
profile page and an arXiv Atom record read a name or a title by one rule
(:mod:`scholarkg.identity.invisible`: Unicode's default-ignorables and format characters).

Before, arXiv's doors dropped a fixed few (zero-width space, soft hyphen, bidi controls) and a
profile's shown name every format character: ``Got\\U000e0041lieb`` (a tag character) from arXiv
was the person ``arnaud-got-lieb`` beside the profile's ``Arnaud Gotlieb``; a variation
selector, the combining grapheme joiner, a Hangul filler likewise. A title kept them in
``dcterms:title`` and its work key split at one (``Hid\\u200bden`` keyed ``hid den``).
Inputs are CONSTRUCTED (tests/constructed.py): a recorded Atom entry (2202.12139) with a new id
and title, its authors written with hidden characters, and profile pages in the sample's layout.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from building import rows
from conftest import write_config
from constructed import listing, profile_page, variant_entry
from door_authors import (
    api_reasons,
    atom_with,
    lines_with,
    oai_reasons,
    oai_with,
    raw_with,
    snapshot_reasons,
)
from profile_sample import BOND, BOND_TITLE, SAMPLE, encoded, parse
from profile_sample import PAPERS as LISTED
from scholarkg.config import load_config
from scholarkg.extract.profile_header import shown_name
from scholarkg.identity import names
from scholarkg.identity.invisible import has_invisible
from scholarkg.iris import title_key, work_key
from scholarkg.runs.arxiv_fetch import fetch_ids
from scholarkg.runs.build import build

pytest_plugins = ("arxiv_fixtures",)

# the characters the old rule missed: a tag character, variation selectors 16 and 17, the
# combining grapheme joiner, a Mongolian free variation selector, the Hangul fillers, U+2065,
# the interlinear annotation controls, a Khmer inherent vowel
NEW = (
    "\U000e0041", "\U000e0001", "\ufe0f", "\U000e0100", "\u034f", "\u180b", "\u180f", "\u115f",
    "\u1160", "\u3164", "\uffa0", "\u2065", "\ufff9", "\ufffa", "\ufffb", "\u17b4",
)  # fmt: skip
PERSONS = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#>"
    " PREFIX foaf: <http://xmlns.com/foaf/0.1/>"
    " SELECT DISTINCT ?p ?n WHERE { ?p a skg:Person ; foaf:name ?n }"
)
PAPERS = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX dct: <http://purl.org/dc/terms/>"
    " SELECT DISTINCT ?p ?t WHERE { ?p a skg:Paper ; dct:title ?t }"
)
LISTED_TITLES = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#>"
    " SELECT DISTINCT ?t WHERE { ?r skg:titleAsListed ?t }"
)
TITLE = "Constructed Hidden Characters in Deep Learning Tests"
AUTHORS = ("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker")


@pytest.mark.parametrize("hidden", NEW)
def test_every_door_reads_a_name_and_a_title_without_it(hidden: str) -> None:
    """Key, block, arXiv's listed name and a profile's shown name are the plain name's."""
    name = f"Rob{hidden}ert Dada{hidden}shi"
    assert names.name_key(name) == "robert-dadashi"
    assert names.block(name) == "dadashi-r"
    assert names.listed_name(name) == shown_name(name) == "Robert Dadashi"
    title = f"Hid{hidden}den Characters"
    assert work_key(title) == title_key(title) == "hidden characters"
    assert has_invisible(name)


def test_a_visible_difference_and_a_joining_script_stay() -> None:
    """Only what no one sees goes: ``Robert Dadashi`` and ``Robert Dadash`` stay two keys, an
    accent stays in the shown name, a Persian name keeps its non-joiner where it is spelled."""
    assert names.name_key("Robert Dadash\U000e0041") != names.name_key("Robert Dadashi")
    assert names.listed_name("Robe\ufe0frt Dadashí") == "Robert Dadashí"
    persian = "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627"
    assert names.listed_name(persian) == shown_name(persian) == persian
    assert work_key("C++ Tests") != work_key("C Tests")


def _names_hidden(hidden: tuple[str, str, str]) -> tuple[str, ...]:
    return tuple(n[:4] + h + n[4:] for n, h in zip(AUTHORS, hidden, strict=True))


@pytest.mark.parametrize(
    "hidden",
    [("\U000e0041", "\ufe0f", "\u034f"), ("\u3164", "\ufffa", "\U000e0100")],
    ids=["tag-vs16-cgj", "filler-annotation-vs17"],
)
def test_one_author_through_a_profile_and_an_atom_record_is_one_person(
    tmp_path: Path, replay: ReplayServer, hidden: tuple[str, str, str]
) -> None:
    """CONSTRUCTED: Helge Spieker's page lists the paper plainly; arXiv's record of it (through
    the API) writes each author and the title with a hidden character. Before: the two doors
    keyed them apart, six persons (``arnaud-got-lieb`` beside ``arnaud-gotlieb``) and the
    record's ``dcterms:title`` holding the character. Now three persons, each named plainly."""
    title = TITLE.replace("Hidden", f"Hid{hidden[0]}den")
    new_id, entry = variant_entry(
        "2202.12139", "9004.00031", title=title, authors=_names_hidden(hidden)
    )
    replay.extra[new_id] = entry
    page = tmp_path / "profile.txt"
    page.write_bytes(profile_page("Helge Spieker", [listing("2202.12139", title=TITLE)]))
    arxiv = {"api_url": replay.api_url, "min_interval": 0.01}
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv))
    assert build(config).report.paper_states == {"resolved": 1}
    assert fetch_ids(config, [new_id]).report.outcome == "ok"
    found = rows(config, PERSONS)
    assert sorted(r["n"] for r in found) == sorted(AUTHORS), found
    assert rows(config, PAPERS) == [
        {"p": f"https://w3id.org/scholarkg/id/paper/arxiv/{new_id}", "t": TITLE}
    ]


def test_a_listed_title_with_a_hidden_character_is_the_same_paper(tmp_path: Path) -> None:
    """CONSTRUCTED: two pages (Helge Spieker's, Arnaud Gotlieb's) list one paper arXiv does not
    know; one writes its title with a zero-width space and a bidi override. Before: two papers
    (the key split at ``Hid den``), one titled with the hidden characters. Now one paper,
    titled plainly, and so is every title as listed."""
    hidden = "\u202aConstructed Hid\u200bden Characters in Deep Learning Tes\U000e0041ts\u202c"
    assert unicodedata.normalize("NFC", hidden) == hidden
    pages = []
    for researcher, title in (("Helge Spieker", hidden), ("Arnaud Gotlieb", TITLE)):
        page = tmp_path / f"{researcher.split()[-1].lower()}.txt"
        page.write_bytes(profile_page(researcher, [listing("2202.12139", title=title)]))
        pages.append(page)
    config = load_config(write_config(tmp_path, pages))
    assert build(config).report.outcome == "ok"
    found = rows(config, PAPERS)
    assert [r["t"] for r in found] == [TITLE], found
    assert [r["t"] for r in rows(config, LISTED_TITLES)] in ([], [TITLE])


@pytest.mark.parametrize("hidden", ["\u200b", "\U000e0041\u200d", "\u3164", "\u00ad \u2060"])
def test_an_api_author_named_only_with_hidden_characters_is_nameless(
    tmp_path: Path, replay: ReplayServer, hidden: str
) -> None:
    """CONSTRUCTED: arXiv's record (through the API, a replayed answer) lists a second author
    whose name is hidden characters alone. Before: loaded, a person keyed ``x`` and named
    ``''``, Helge Spieker moved to position 3 of nobody's making; now the entry is quarantined
    with the reason a profile paper's such author gets, ``author 2 has no name``."""
    new_id, entry = variant_entry(
        "2202.12139", "9004.00032", title=TITLE, authors=(AUTHORS[0], hidden, AUTHORS[2])
    )
    replay.extra[new_id] = entry
    arxiv = {"api_url": replay.api_url, "min_interval": 0.01}
    config = load_config(write_config(tmp_path, [], arxiv=arxiv))
    report = fetch_ids(config, [new_id]).report
    [told] = report.quarantined
    assert told.endswith(": author 2 has no name"), told
    assert rows(config, PERSONS) == [] and rows(config, PAPERS) == []


@pytest.mark.parametrize("hidden", ["\u200b", "\U000e0041", "\u3164", "\ufe0f\u034f"])
def test_every_door_refuses_an_author_of_hidden_characters_alone_alike(
    tmp_path: Path, hidden: str
) -> None:
    """DERIVED (0704.0002 as each door carries it): the API, OAI-PMH (arXiv, arXivRaw) and
    the snapshot give one reason. Before: each listed the author, keyed ``x``."""
    parsed = [["Streinu", "Ileana", ""], [hidden, "", ""], ["Theran", "Louis", ""]]
    reasons = {
        "api": [r for _, r in api_reasons(atom_with(f"<author><name>{hidden}</name></author>"))],
        "oai arXiv": oai_reasons(oai_with(f"<author><keyname>{hidden}</keyname></author>")),
        "oai arXivRaw": oai_reasons(raw_with(f"Ileana Streinu, {hidden}, Louis Theran")),
        "snapshot": [r for _, r in snapshot_reasons(lines_with(tmp_path, authors_parsed=parsed))],
    }
    assert reasons == {door: ["author 2 has no name"] for door in reasons}


@pytest.mark.parametrize("hidden", ["\ufe0f", "\u034f", "\u3164", "\uffa0", "\U000e0100", "\u17b4"])
def test_a_profile_header_or_date_line_is_read_past_every_hidden_character(hidden: str) -> None:
    """The real sample page with a hidden character the old set (the BMP's format characters
    and the tags) missed in its heading, its subject code line, its h-index line and BOND's
    date line. Before: the heading was none (the page refused), the code and h-index unread
    header lines, BOND more of Gemma 2's abstract; now read by identity.invisible's rule."""
    for old, new in (
        ("25 Papers\n", f"25{hidden} Papers\n"),
        ("h-index117", f"h-index{hidden}117"),
        ("\nLG\nh-index", f"\nLG{hidden}\nh-index"),
        (BOND, f"LG{hidden}Jul 19, 2024"),
    ):
        profile = parse(encoded(SAMPLE.replace(old, new, 1)))
        assert (profile.subject_code, profile.metrics.h_index) == ("LG", 117), new
        assert profile.stated_paper_count == len(profile.papers) == LISTED, new
        assert (profile.quarantined, profile.warnings) == ((), ()), new
        assert BOND_TITLE in [p.title for p in profile.papers], new
