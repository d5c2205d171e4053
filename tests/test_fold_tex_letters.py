"""A title (or any key) written in TeX folds as the title written in Unicode: TeX letter
commands (``{\\O}``, ``\\ss``, ``\\i``) and accents (``\\"o``, ``\\'{e}``) are their letters,
read by the one table names read them with (:mod:`scholarkg.tex_letters`). Titles, names and
ids here are CONSTRUCTED; the TeX is as arXiv's titles write it."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from scholarkg.identity import names
from scholarkg.identity.name_reading import tokens_as
from scholarkg.identity.registry import Registry
from scholarkg.iris import Minter, fold, slug, title_key, work_key
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion
from scholarkg.resolution.index import IndexEntry, TitleIndex, index_entry

# (as arXiv writes it in TeX, as a profile writes it in Unicode, as letters 2 folded the TeX)
PAIRS = [
    ("{\\O}resund Bridge Loads", "Øresund Bridge Loads", "resund bridge loads"),
    ("The {\\o}rsted Effect", "The Ørsted Effect", "the rsted effect"),
    ('Schr\\"odinger Operators', "Schrödinger Operators", "schr odinger operators"),
    ('Schr\\"{o}dinger Operators', "Schrödinger Operators", "schr odinger operators"),
    ("Ferm\\'{\\i}-LAT Limits", "Fermí-LAT Limits", "ferm lat limits"),
    ('Na\\"{\\i}ve Bayes', "Naïve Bayes", "na ve bayes"),
    ("Stra{\\ss}e Networks", "Straße Networks", "stra e networks"),
    ("{\\L}\\'od\\'z Data", "Łódź Data", "od z data"),
    ('\\AA ngstr\\"om Scales', "Ångström Scales", "ngstr om scales"),
    ("{\\AE}ther and {\\oe}uvre", "Æther and œuvre", "ther and uvre"),
    ("P\\'{e}rez Fields", "Pérez Fields", "p erez fields"),
    ("\\v{S}r\\'amek Graphs", "Šrámek Graphs", "sr amek graphs"),
    ("\\c{C}ak\\i r Sums", "Çakır Sums", "cak r sums"),
]


@pytest.mark.parametrize(("tex", "unicode", "before"), PAIRS)
def test_a_title_in_tex_folds_as_the_title_in_unicode(tex: str, unicode: str, before: str) -> None:
    """Before (letters 2), a letter command was dropped and an accent split its word."""
    assert title_key(tex) == title_key(unicode) != before
    assert work_key(tex) == work_key(unicode)
    assert fold(tex, letters="2") == before  # the keys written then are still computed
    assert Minter().paper_listed(tex, "Bo Berg") == Minter().paper_listed(unicode, "Bo Berg")
    assert slug(tex) == slug(unicode)


def test_other_tex_is_as_it_was() -> None:
    assert work_key("$\\Lambda_b^0 \\to p K^-$ and $\\ll$") == "λ b 0 → p k and ≪"
    assert title_key("\\emph{Deep} \\textbf{Nets}: $\\otimes$") == "deep nets"
    assert title_key("\\lambda \\oint \\ldots") == ""  # \l, \o only as whole commands


def test_names_read_tex_as_they_did() -> None:
    """Names read TeX letters before (names 2 and on) with the same table: their keys stay;
    names version 1, which did not, stays as it was."""
    assert names.name_key("Mikkel {\\O}bro") == names.name_key("Mikkel Øbro") == "mikkel-obro"
    assert names.name_key("Rastislav \\v{S}r\\'amek") == "rastislav-sramek"
    assert tokens_as("Rastislav \\v{S}r\\'amek", "1") == ("rastislav", "sr", "amek")
    assert tokens_as("Mikkel {\\O}bro", "3") == ("mikkel", "obro")


TEX = PAIRS[0][0]


def _record(arxiv_id: str, title: str) -> ArxivRecord:
    return ArxivRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract="",
        authors=(ArxivAuthor("Bo Berg"),),
        categories=("physics.soc-ph",),
        published=dt.date(2023, 1, 2),
        versions=(ArxivVersion(1, dt.datetime(2023, 1, 2, tzinfo=dt.UTC), title),),
    )


def test_the_title_index_finds_a_tex_title_by_its_unicode_spelling(tmp_path: Path) -> None:
    index = TitleIndex(tmp_path / "titles.sqlite")
    try:
        index.add([_record("2301.00002", TEX)])
        for listed in ("Øresund Bridge Loads", "Oresund bridge loads", TEX):
            assert [r.arxiv_id for r in index.exact(listed)] == ["2301.00002"], listed
        assert [r.arxiv_id for r in index.by_words("Øresund loads")] == ["2301.00002"]
    finally:
        index.close()


def test_the_title_index_written_before_is_keyed_again_from_its_tex_titles(
    tmp_path: Path,
) -> None:
    """An index as letters 2 wrote it keys ``{\\O}resund …`` as ``resund …`` (the key alone
    cannot tell what was dropped): opened now, the record is keyed again from its titles, once,
    and a profile listing ``Øresund …`` finds it (before, no key of it matched)."""
    path = tmp_path / "titles.sqlite"
    index = TitleIndex(path)
    entry = index_entry(_record("2301.00002", TEX))
    plain = index_entry(_record("2301.00003", "Plain Bridge Loads"))
    old = IndexEntry(entry.arxiv_id, entry.data, (fold(TEX, letters="2"),), TEX)
    index.add_entries([old, plain])
    index.db.execute("UPDATE meta SET value = '2' WHERE key = 'letters'")
    index.close()
    index = TitleIndex(path)
    try:
        assert [r.arxiv_id for r in index.exact("Øresund Bridge Loads")] == ["2301.00002"]
        assert [r.arxiv_id for r in index.exact("resund bridge loads")] == ["2301.00002"]
        keys = index.db.execute("SELECT key FROM titles ORDER BY key").fetchall()
        assert keys == [
            ("oresund bridge loads",),
            ("plain bridge loads",),
            ("resund bridge loads",),
        ]
        [(words,)] = index.db.execute("SELECT title FROM words WHERE rowid = 1").fetchall()
        assert words == "{Ø}resund Bridge Loads"
        assert index.db.execute("SELECT value FROM meta WHERE key = 'letters'").fetchone() == ("3",)
    finally:
        index.close()


def test_a_registry_written_before_finds_an_organisation_named_in_tex(tmp_path: Path) -> None:
    path = tmp_path / "identity.sqlite"
    Registry(path).close()
    name = "{\\O}resund University"
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '2' WHERE key = 'letters'")
        db.execute("INSERT INTO organizations VALUES (?, ?)", (fold(name, letters="2"), name))
        db.execute("INSERT INTO organization_labels VALUES (?, ?)", ("resund-university", name))
    db.close()
    reg = Registry(path)
    try:
        assert reg.organization_label(slug("Øresund University"), "Øresund University") == name
    finally:
        reg.close()
