"""Latin letters NFKD keeps whole (``Ł``, ``Ø``, ``Đ``, ``Þ``, ``ı`` …) fold as arXiv's ASCII
spellings of names write them, capitals like small ones; keys an older fold wrote (``ørsted``
for ``Ørsted``, the person ``deniz-yıldız-…``) are still found. Names, titles and ids here are
CONSTRUCTED (the spellings pair a name as written in its language with its arXiv ASCII form).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from scholarkg.errors import ConfigError
from scholarkg.identity import names
from scholarkg.identity.overrides import parse_ref
from scholarkg.identity.registry import Registry
from scholarkg.iris import LETTERS, Minter, fold, group_key, slug, title_key, work_key
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion
from scholarkg.resolution.index import IndexEntry, TitleIndex, index_entry

# (as written in its language, as arXiv often writes it in ASCII)
SPELLINGS = [
    ("Łukasz Kaiser", "Lukasz Kaiser"),
    ("ŁUKASZ KAISER", "Lukasz Kaiser"),
    ("Øystein Ore", "Oystein Ore"),
    ("Ǿrjan Berg", "Orjan Berg"),  # a capital Ø with a mark (NFKD: Ø and the mark)
    ("Đorđe Nikolić", "Dorde Nikolic"),
    ("Deniz Yıldız", "Deniz Yildiz"),
    ("Jón Guðmundsson", "Jon Gudmundsson"),
    ("Þórður Helgason", "Thordur Helgason"),
    ("ÐÓRA ÞÓRSDÓTTIR", "Dora Thorsdottir"),
    ("Kim Læssig", "Kim Laessig"),
    ("Ægir Berg", "Aegir Berg"),
    ("Marc Œillet", "Marc Oeillet"),
    ("Ħanna Borg", "Hanna Borg"),
    ("Ŧerje Aikio", "Terje Aikio"),
    ("Joan Col·lell", "Joan Collell"),
    ("Joan CoĿlell", "Joan Collell"),
    ("ANNA STRAẞE", "Anna Strasse"),
]


@pytest.mark.parametrize(("written", "ascii_"), SPELLINGS)
def test_a_name_folds_as_its_ascii_spelling(written: str, ascii_: str) -> None:
    """Before, ``Ł``, ``Ø``, ``Đ`` folded only small (``Łukasz`` was ``łukasz``), and ``ı``,
    ``ð``, ``þ``, ``æ``, ``œ``, ``ħ``, ``ŧ`` not at all: another key, slug and name block."""
    assert fold(written) == fold(ascii_).lower() == fold(ascii_)
    assert names.name_key(written) == names.name_key(ascii_)
    assert names.block(written) == names.block(ascii_)
    assert names.compatible(written, ascii_)
    assert slug(written) == slug(ascii_) and group_key(written) == group_key(ascii_)


def test_a_capital_folds_to_a_capital_where_case_is_kept() -> None:
    assert fold("Łukasz ØRSTED Đorđe Þór Ægir Œuvre Ħal Ŧerje", cased=True) == (
        "Lukasz ORSTED Dorde Thor Aegir Oeuvre Hal Terje"
    )
    assert fold("yıldız straße ŀl ẞ", cased=True) == "yildiz strasse ll SS"
    # the suffix rules read case: a numeral in capitals after a name so written is a suffix
    assert names.tokens("ŁUKASZ KAISER III") == ("lukasz", "kaiser")
    assert names.tokens("Łukasz Ii") == ("lukasz", "ii")  # a surname, not a suffix
    assert names.tokens("KAISER, ŁUKASZ") == ("lukasz", "kaiser")


def test_the_letters_left_as_they_are_and_the_middle_dot_elsewhere() -> None:
    # ŋ, ĸ, ə, ƒ: arXiv writers spell them in ASCII in more than one way (ŋ as n or ng)
    assert fold("Áŋŋel Ŋ ĸ Əliyev ƒ") == "aŋŋel ŋ ĸ əliyev ƒ"
    assert fold("x·y a·l") == "x y a l"  # a middle dot between other letters parts words
    assert fold("İlker") == "ilker"  # NFKD takes a dotted capital İ apart already


def test_the_fold_of_minting_5_is_kept_for_keys_written_then() -> None:
    assert fold("Łukasz Øbro Yıldız Straße ŀl", letters="1") == "łukasz øbro yıldız strasse l l"
    assert fold("łukasz øbro đorđe", letters="1") == "lukasz obro dorde"
    # names version 3 read the capitals Ø, Ł, Đ itself, and nothing else: its keys are found
    assert names.name_keys("Deniz Yıldız")[:2] == ("deniz-yildiz", "deniz-yıldız")
    # 3 read a capital Ł as L itself (one key with 4's); 1 kept it
    assert names.name_keys("Łukasz Kaiser") == ("lukasz-kaiser", "łukasz-kaiser")
    assert names.block_as("Ǿrjan Berg", "3") == "berg-ø" != names.block("Ǿrjan Berg")


def test_iris_minted_from_such_names_and_titles_are_one_iri() -> None:
    minter = Minter()
    assert minter.organization("Øresund University") == minter.organization("Oresund University")
    assert minter.group("The ŁÓDŹ Collaboration") == minter.group("Lodz Collaboration")
    assert minter.paper_listed("Spin Waves", "Piotr Łukasiewicz") == minter.paper_listed(
        "Spin waves", "Piotr Lukasiewicz"
    )
    assert (
        work_key("Ørsted Modes: Þ → ∞") == "orsted modes th → ∞" == work_key("Orsted modes: th → ∞")
    )
    assert title_key("ØRSTED") == "orsted"


@pytest.mark.parametrize(
    ("key", "folded"),
    [
        ("ørsted", "'orsted'"),
        ("łukasz-kaiser", "'lukasz-kaiser'"),
        ("deniz-yıldız", "'deniz-yildiz'"),
    ],
)
def test_a_merge_key_with_a_letter_name_key_folds_is_refused_saying_the_key(
    key: str, folded: str
) -> None:
    """``[people.merge]`` name keys are exactly what name_key writes: before, ``ørsted`` was
    one (name_key wrote it for ``Ǿrsted``), and ``deniz-yıldız`` was the key of Deniz Yıldız."""
    with pytest.raises(ConfigError, match=f"its letters are not folded; as a key: {folded}"):
        parse_ref(key, "[people.merge]", merge=True)
    ok = parse_ref(names.name_key(key.replace("-", " ")), "[people.merge]", merge=True)
    assert ok.kind == "key" and ok.value == folded.strip("'")


TITLE = "Ørsted Modes of a Constructed Cavity"


def _record(arxiv_id: str, title: str) -> ArxivRecord:
    return ArxivRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract="",
        authors=(ArxivAuthor("Łukasz Kaiser"),),
        categories=("physics.optics",),
        published=dt.date(2023, 1, 2),
        versions=(ArxivVersion(1, dt.datetime(2023, 1, 2, tzinfo=dt.UTC), title),),
    )


def test_the_title_index_written_before_finds_a_record_by_either_spelling(tmp_path: Path) -> None:
    """The index as minting 5 wrote it (no ``meta`` table) keys the record ``ørsted modes …``;
    opened now, a profile listing it as ``Ørsted …`` or ``Orsted …`` finds it (before this
    version, ``Orsted …`` never did)."""
    path = tmp_path / "titles.sqlite"
    index = TitleIndex(path)
    entry = index_entry(_record("2301.00001", TITLE))
    old = IndexEntry(entry.arxiv_id, entry.data, (fold(TITLE, letters="1"),), entry.words)
    assert old.keys == ("ørsted modes of a constructed cavity",)  # as minting 5 wrote it
    index.add_entries([old])
    index.db.execute("DROP TABLE meta")
    index.close()
    index = TitleIndex(path)
    try:
        for listed in (
            TITLE,
            "Orsted modes of a constructed cavity",
            "ØRSTED MODES OF A CONSTRUCTED CAVITY",
        ):
            assert [r.arxiv_id for r in index.exact(listed)] == ["2301.00001"], listed
        index.add([_record("2301.00001", TITLE)])  # indexed again: under the new key alone
        [(key,)] = index.db.execute("SELECT key FROM titles").fetchall()
        assert key == "orsted modes of a constructed cavity"
    finally:
        index.close()


def test_a_registry_written_before_gets_the_new_keys_of_its_papers_and_organisations(
    tmp_path: Path,
) -> None:
    """Rows as minting 5 wrote them (no ``letters`` mark): a paper keyed ``ørsted modes …``,
    an organisation ``øresund-university``. Opened now, each is found by its new key too."""
    path = tmp_path / "identity.sqlite"
    paper = "https://w3id.org/scholarkg/id/paper/listed/0123456789abcdef"
    Registry(path).close()
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM meta WHERE key = 'letters'")
        db.execute("INSERT INTO paper_keys VALUES (?, ?)", (fold(TITLE, letters="1"), paper))
        db.execute("INSERT INTO paper_keys VALUES ('2301.00001', ?)", (paper,))
        db.execute("INSERT INTO organizations VALUES ('øresund-university', 'Øresund University')")
        db.execute(
            "INSERT INTO organization_labels VALUES ('øresund-university', 'Øresund University')"
        )
    db.close()
    reg = Registry(path)
    try:
        assert reg.papers_for(work_key(TITLE)) == [paper]
        assert reg.keys_of(paper) == {
            "2301.00001",
            "ørsted modes of a constructed cavity",
            "orsted modes of a constructed cavity",
        }
        key = slug("Oresund University")
        assert reg.organization_label(key, "Oresund University") == "Øresund University"
        reg.commit()
    finally:
        reg.close()
    reg = Registry(path)  # once: the mark is written
    try:
        row = reg.db.execute("SELECT value FROM meta WHERE key = 'letters'").fetchone()
        assert row == (LETTERS,)
    finally:
        reg.close()
