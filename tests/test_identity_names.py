"""Author names as arXiv and profiles write them: groups, persons named for a group, suffixes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from rdflib.namespace import FOAF

from building import content
from conftest import write_config
from constructed import Listed, profile_page, snapshot_line, snapshot_lines
from samples import ROOT
from scholarkg.config import Config, load_config
from scholarkg.extract.arxiv_authors import split_author_string
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.profile_page import parse_profile
from scholarkg.extract.snapshot import parse_snapshot_line
from scholarkg.identity import name_choice, names
from scholarkg.identity.emit import emit_person
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import AuthorMention, IdentityResolver, PaperMentions
from scholarkg.iris import SKG, Minter, fold, slug
from scholarkg.models import ArxivAuthor, ArxivRecord
from scholarkg.resolution.authors import align
from scholarkg.runs import chunk_fingerprint
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.transform.arxiv import arxiv_graph, arxiv_mentions
from scholarkg.transform.emit import GraphEmitter

MINTER = Minter()
BASE = MINTER.base + "paper/arxiv/"
FOAF_NAME = f"<{FOAF.name}>"
AUTHOR = f"<{SKG.author}>"
LISTED = f"<{SKG.nameAsListed}>"


def config_in(directory: Path) -> Config:
    directory.mkdir(parents=True, exist_ok=True)
    return load_config(write_config(directory, []))


def _paper(arxiv_id: str, *authors: str) -> PaperMentions:
    iri = BASE + arxiv_id
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{n}", n, names.nfc(a))
        for n, a in enumerate(authors, start=1)
        if not names.is_group(a)
    )
    return PaperMentions(iri, (arxiv_id,), listed, f"graph:{arxiv_id}")


def _person_of(reg: Registry, arxiv_id: str, position: int) -> str:
    [mention] = reg.mentions([f"{BASE}{arxiv_id}/authorship/{position}"]).values()
    return reg.person(reg.live(mention.person)).slug


def test_a_leading_article_does_not_make_another_group() -> None:
    with_article = MINTER.group("The LIGO Scientific Collaboration")
    assert with_article == MINTER.group("LIGO Scientific Collaboration")
    assert with_article == MINTER.group("the  LIGO  Scientific  Collaboration")
    assert str(with_article).endswith("/group/ligo-scientific-collaboration")
    assert MINTER.group("Theory Group") != MINTER.group("Group")  # a word, not the article
    # a profile naming the group without the article is placed at arXiv's group
    arxiv = ["The LIGO Scientific Collaboration", "B. P. Abbott"]
    assert align(["LIGO Scientific Collaboration", "B. Abbott"], arxiv) == [1, 2]


def _group_record(arxiv_id: str, group: str) -> ArxivRecord:
    return ArxivRecord(
        arxiv_id, "A title", "An abstract.", (ArxivAuthor(group), ArxivAuthor("B. P. Abbott")), ()
    )


def test_two_spellings_of_a_group_are_one_node_each_kept_as_listed() -> None:
    one = arxiv_graph(_group_record("1602.03837", "The LIGO Scientific Collaboration"), MINTER)
    two = arxiv_graph(_group_record("1602.03838", "LIGO Scientific Collaboration"), MINTER)
    group_of = {}
    for graph in (one.graph, two.graph):
        [(node, group)] = graph.subject_objects(predicate=SKG.author)
        [listed] = graph.objects(node, SKG.nameAsListed)
        group_of[str(listed)] = group
    assert set(group_of) == {"The LIGO Scientific Collaboration", "LIGO Scientific Collaboration"}
    assert len(set(group_of.values())) == 1


def _groups(config: Config) -> dict[str, set[str]]:
    """Every group IRI in the store with the names the graphs give it."""
    out: dict[str, set[str]] = {}
    for triples in content(config).values():
        for s, p, o in triples:
            if "/group/" in s and p == FOAF_NAME:
                out.setdefault(s, set()).add(o)
    return out


def test_a_store_built_with_article_keyed_groups_has_one_group_after_a_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        snapshot_line(
            "0704.0002",
            new_id="9001.00001",
            authors=["The LIGO Scientific Collaboration", "Ileana Streinu"],
        ),
        snapshot_line(
            "0704.0003",
            new_id="9001.00002",
            authors=["LIGO Scientific Collaboration", "Hongjun Pan"],
        ),
    ]
    snapshot = tmp_path / "s.jsonl"
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = config_in(tmp_path / "store")
    with monkeypatch.context() as before:  # the minting of the version before this one
        before.setattr(chunk_fingerprint, "MINTING", "2")
        before.setattr(Minter, "group", lambda self, name: self._iri(f"group/{slug(name)}"))
        load_snapshot(config, snapshot, chunk_records=30, workers=0)
    assert len(_groups(config)) == 2
    load_snapshot(config, snapshot, chunk_records=30, workers=0)  # the same input, this version
    groups = _groups(config)
    assert list(groups) == [f"<{MINTER.group('LIGO Scientific Collaboration')}>"]
    [spellings] = groups.values()
    assert spellings == {'"The LIGO Scientific Collaboration"', '"LIGO Scientific Collaboration"'}


def test_a_suffix_is_a_suffix_only_where_a_surname_stays() -> None:
    assert names.tokens("K. Ii") == ("k", "ii")
    assert names.block("K. Ii") == "ii-k" and names.name_key("K. Ii") == "k-ii"
    assert names.tokens("A. B. III") == ("a", "b", "iii")
    assert names.tokens("K. Ii Jr.") == ("k", "ii")  # Jr. goes, the surname Ii stays
    assert names.tokens("John Smith II") == ("john", "smith")
    assert names.tokens("Martin Luther King Jr.") == ("martin", "luther", "king")
    assert names.tokens("Smith, J. Jr.") == ("j", "smith")  # inverted: J. Smith
    assert not names.compatible("K. Ii", "K. Jr")  # before: both were the bare initial "k"


def test_a_roman_numeral_is_a_suffix_only_as_written_in_capitals() -> None:
    assert names.tokens("Kazuo Ii") == ("kazuo", "ii")  # before: ("kazuo",), block "kazuo"
    assert names.block("Kazuo Ii") == "ii-k" and names.name_key("Kazuo Ii") == "kazuo-ii"
    assert names.compatible("Kazuo Ii", "K. Ii") and not names.compatible("Kazuo Ii", "Kazuo")
    assert names.tokens("Kazuo Ii Jr.") == ("kazuo", "ii")
    assert names.tokens("Ichiro Iv") == ("ichiro", "iv")
    assert names.tokens("John Smith III") == ("john", "smith")
    assert names.tokens("John Smith IV") == ("john", "smith")
    assert names.tokens("Smith, John II") == ("john", "smith")  # inverted: John Smith
    for jr in ("Jr", "Jr.", "jr.", "JR", "Sr", "sr."):  # Jr and Sr in any case
        assert names.tokens(f"John Smith {jr}") == ("john", "smith")
    assert names.tokens("Neal J. Evans II") == ("neal", "j", "evans")  # arXiv 0704.0009
    assert names.tokens("T. Montaruli II for the IceCube Collaboration") == ("t", "montaruli")


def test_a_name_in_capitals_keeps_a_surname_written_as_a_numeral() -> None:
    # before: every word of "KAZUO II" is in capitals, so II read as a suffix: ("kazuo",),
    # block "kazuo", and Kazuo Ii written in capitals was not Kazuo Ii
    for listed in ("KAZUO II", "Kazuo II"):  # II after one given name is the surname
        assert names.tokens(listed) == names.tokens("Kazuo Ii") == ("kazuo", "ii")
        assert names.block(listed) == names.block("Kazuo Ii") == "ii-k"
        assert names.name_key(listed) == "kazuo-ii"
        assert names.compatible(listed, "K. Ii") and not names.compatible(listed, "Kazuo")
    assert names.tokens("KAZUO II JR.") == ("kazuo", "ii")
    assert names.tokens("K. II") == ("k", "ii")
    # after a given name and a surname a numeral in capitals is still a suffix
    assert names.tokens("JOHN SMITH II") == ("john", "smith") == names.tokens("John Smith II")
    assert names.block("JOHN SMITH II") == "smith-j"
    assert names.tokens("NEAL J. EVANS II") == ("neal", "j", "evans")
    assert names.tokens("JOHN SMITH III JR.") == ("john", "smith")


def test_an_inverted_name_is_the_name_written_in_order() -> None:
    # before: "Smith, J." read as the words "smith j": block "j-s", key "smith-j", and it was
    # never compatible with "J. Smith" (surname "j")
    assert names.tokens("Smith, J.") == names.tokens("J. Smith") == ("j", "smith")
    assert names.block("Smith, J.") == names.block("J. Smith") == "smith-j"
    assert names.name_key("Smith, J.") == "j-smith"
    assert names.compatible("Smith, J.", "John Smith")
    assert not names.compatible("Smith, J.", "Jane Jones")
    in_order = {
        "Smith, John": "John Smith",
        "Smith, Jr., John": "John Smith",  # BibTeX's "von Last, Jr, First"
        "Smith Jr., John": "John Smith",
        "Smith, John, Jr.": "John Smith",
        "Smith, John, III": "John Smith",
        "Evans II, Neal J.": "Neal J. Evans II",
        "van der Berg, J.": "J. van der Berg",
        "Ii, Kazuo": "Kazuo Ii",
        "D'Angelo, J.": "J. D'Angelo",
        "ATLAS Collaboration: Aad, G.": "G. Aad",
        "Montaruli, T. for the IceCube Collaboration": "T. Montaruli",
    }
    for inverted, written in in_order.items():
        assert names.tokens(inverted) == names.tokens(written), inverted
        assert names.block(inverted) == names.block(written), inverted
        assert not names.is_group(inverted), inverted
    # a comma before a suffix only, or after a name in order, inverts nothing
    assert names.tokens("John Smith, Jr.") == ("john", "smith")
    assert names.tokens("Neal J. Evans, II") == ("neal", "j", "evans")
    assert names.tokens("John Smith, PhD") == ("john", "smith")
    assert names.tokens("J. Smith, Jr.") == ("j", "smith")
    assert names.tokens("T. Montaruli, for the IceCube Collaboration") == ("t", "montaruli")
    assert names.tokens("Smith,") == ("smith",)
    assert names.is_group("Gemma Team, Google DeepMind")


def test_a_name_written_surname_first_is_the_same_name_only_at_one_position() -> None:
    # before: "Wang Wei" (arXiv, surname first) and "Wei Wang" (a profile) were never the same
    # author, even at the same position of the same paper
    same = [
        ("Wei Wang", "Wang Wei"),
        ("Mohit Kumar Ahuja", "Ahuja Mohit Kumar"),
        ("János Nagy", "Nagy János"),
        ("W. Wang", "Wang W."),
        ("W. Wang", "Wang Wei"),
        ("Wei Wang", "Wang W."),
        ("Min-jun Kim", "Kim Min-jun"),
        ("R. Dadashi", "Robert Dadashi"),  # compatible is compatible here too
    ]
    for a, b in same:
        assert names.compatible_at_position(a, b), (a, b)
        assert names.compatible_at_position(b, a), (b, a)
    other = [
        ("Wei Wang", "Wang Wen"),
        ("Wei Wang", "Wen Wang"),
        ("W. Wang", "W. Wei"),  # an initial is never read as a surname
        ("Wei Wang", "Wei Wen"),
        ("Mohit Kumar Ahuja", "Kumar Mohit Ahuja"),  # given names in another order
    ]
    for a, b in other:
        assert not names.compatible_at_position(a, b), (a, b)
    # nowhere else: not compatible, not one block, not one key
    assert not names.compatible("Wei Wang", "Wang Wei")
    assert names.block("Wei Wang") != names.block("Wang Wei")
    assert names.name_key("Wei Wang") != names.name_key("Wang Wei")


def test_a_listed_name_arxiv_writes_surname_first_is_placed_only_at_its_place() -> None:
    from scholarkg.resolution.authors import agreement

    # before: [None, 2], and the listed first author "not first on arXiv" refuted the paper
    assert align(["Wei Wang", "Ann Lee"], ["Wang Wei", "Ann Lee"]) == [1, 2]
    assert agreement(["Wei Wang", "Ann Lee"], ["Wang Wei", "Ann Lee"]) == 1.0
    # at the place the names before it were shifted to
    arxiv = ["Zoe Quinn", "Ann Lee", "Bo Chen", "Wang Wei"]
    assert align(["Ann Lee", "Bo Chen", "Wei Wang"], arxiv) == [2, 3, 4]
    # before: "W. Wang" two places on, and "Bo Chen" lost
    assert align(["Wei Wang", "Bo Chen"], ["Wang Wei", "Bo Chen", "W. Wang"]) == [1, 2]
    # near its place is not at it: only a name in order is looked for there
    assert align(["Ann Lee", "Wei Wang"], ["Ann Lee", "Bo Chen", "Wang Wei"]) == [1, None]
    assert align(["Ann Lee", "Wei Wang"], ["Ann Lee", "Bo Chen", "W. Wang"]) == [1, 3]
    assert align(["Wei Wang"], ["Wang Wen"]) == [None]


def _old_names(monkeypatch: pytest.MonkeyPatch, version: str = "1") -> None:
    """Names read as ``version`` did (1: every trailing suffix dropped, ``K. Ii`` → ``k``;
    2: ``Smith, J.`` read as ``smith j``, ``KAZUO II`` as ``kazuo``)."""
    monkeypatch.setattr(names, "NAMES", version)
    _clear_name_caches()


def _clear_name_caches() -> None:
    names.clear_caches()


def test_a_name_written_in_tex_reads_as_the_name_written_in_unicode() -> None:
    # arXiv snapshot author strings (tests/fixtures/arxiv/kaggle): before, each TeX accent
    # split a word ("Šrámek" read as "sr amek", block "amek-r"; "Tomàs" as "tom as")
    pairs = {
        "Rastislav \\v{S}r\\'amek": "Rastislav Šrámek",
        "Bro\\v{n}a Brejov\\'a": "Broňa Brejová",
        "Tom\\'a\\v{s} Vina\\v{r}": "Tomáš Vinař",
        "P\\'eter E. Frenkel": "Péter E. Frenkel",
        "R. Tom\\`as": "R. Tomàs",
        "Mikkel {\\O}bro": "Mikkel Øbro",
        "Fran\\c cois Mart\\'{\\i}n": "François Martín",
        "J. Stra{\\ss}er": "J. Straßer",
        "K. L{\\ae}ssig and J. S\\o rensen": "K. Læssig and J. Sørensen",
        "{\\AA}sa {\\L}ukasiewicz": "Åsa Łukasiewicz",
    }
    for tex, text in pairs.items():
        assert names.tokens(tex) == names.tokens(text), tex
        assert names.block(tex) == names.block(text) and names.compatible(tex, text)
    assert names.tokens("Rastislav Šrámek") == ("rastislav", "sramek")
    assert names.block("R. Tom\\`as") == "tomas-r"
    # a capital Ø, Ł or Đ folds like the small one (before: "øbro", "łukasz" kept the letter)
    assert names.tokens("Mikkel Øbro") == ("mikkel", "obro") == names.tokens("Mikkel øbro")
    assert names.compatible("Łukasz Kaiser", "Lukasz Kaiser")
    assert names.tokens("Đorđe Nikolić") == ("dorde", "nikolic")


def test_the_preferred_name_is_the_one_written_in_unicode_rather_than_tex() -> None:
    # before: the first of equally full spellings, so a person first seen in a snapshot's
    # author string was named "R. Tom\\`as"
    assert name_choice.preferred(["R. Tom\\`as", "R. Tomàs"]) == "R. Tomàs"
    assert name_choice.preferred(["Mikkel {\\O}bro", "Mikkel Øbro"]) == "Mikkel Øbro"
    assert name_choice.preferred(["R. Tomàs", "R. Tom\\`as"]) == "R. Tomàs"
    assert name_choice.preferred(["Ramon Tom\\`as", "R. Tomàs"]) == "Ramon Tom\\`as"  # fuller
    assert name_choice.preferred(["R. Tom\\`as"]) == "R. Tom\\`as"


def test_the_preferred_name_ranks_each_spelling_once_and_a_lone_one_not_at_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # before: every spelling's rank was worked out twice, a lone spelling's too (one person in
    # 30 has more than one): three quarters of emitting a person's graph
    ranked: list[str] = []
    shown_key = name_choice._shown_key

    def counted(name: str) -> tuple[object, ...]:
        ranked.append(name)
        return shown_key(name)

    monkeypatch.setattr(name_choice, "_shown_key", counted)
    assert name_choice.preferred(["ATLAS Collaboration: G. Aad"]) == "G. Aad"
    assert name_choice.preferred(["Wei Wang"], compared="Wei Wang") == "Wei Wang"
    assert ranked == []
    assert name_choice.preferred(["R. Dadashi", "Robert Dadashi", "R Dadashi"]) == "Robert Dadashi"
    assert sorted(ranked) == ["R Dadashi", "R. Dadashi", "Robert Dadashi"]


@pytest.mark.parametrize(
    ("version", "listed", "old_block", "new_block"),
    [
        ("1", "K. Ii", "k", "ii-k"),
        ("1", "Kazuo Ii", "kazuo", "ii-k"),
        ("1", "R. Tom\\`as", "as-r", "tomas-r"),
        ("1", "Smith, J.", "j-s", "smith-j"),
        ("2", "KAZUO II", "kazuo", "ii-k"),
        ("2", "Smith, J.", "j-s", "smith-j"),
        ("2", "Evans II, Neal J.", "j-e", "evans-n"),
        ("4", "Daniel O'Brien", "brien-d", "obrien-d"),
        ("4", "Anil D'Souza", "souza-a", "dsouza-a"),
        ("4", "Maria Dell’Orso", "orso-m", "dellorso-m"),
    ],
)
def test_a_registry_written_by_the_old_names_version_is_re_keyed_on_opening(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    version: str,
    listed: str,
    old_block: str,
    new_block: str,
) -> None:
    path = tmp_path / "identity.sqlite"
    with monkeypatch.context() as before:
        _old_names(before, version)
        reg = Registry(path)
        if version == "1":
            reg.db.execute("DELETE FROM meta WHERE key = 'names'")  # version 1 wrote no mark
        assert reg.db.execute("SELECT value FROM meta WHERE key = 'names'").fetchall() == (
            [] if version == "1" else [(version,)]
        )
        resolver = IdentityResolver(reg)
        resolver.add(_paper("2001.00001", listed, "Alice Martin", "Bob Stone"))
        old = _person_of(reg, "2001.00001", 1)
        assert reg.by_slug(old).block == old_block  # type: ignore[union-attr]
        reg.written(reg.dirty())
        reg.commit()
        reg.close()
    _clear_name_caches()
    reg = Registry(path)  # this version: the blocks are re-keyed
    try:
        person = reg.by_slug(old)
        assert person is not None and person.block == names.block(listed) == new_block
        assert reg.dirty() == [person.id]  # its graph says its new block
        resolver = IdentityResolver(reg)
        resolver.add(_paper("2001.00001", listed, "Alice Martin", "Bob Stone"))  # read again
        resolver.add(_paper("2001.00003", "Bob Stone", listed))  # new, shares Bob Stone
        assert _person_of(reg, "2001.00001", 1) == old
        assert _person_of(reg, "2001.00003", 2) == old  # not a second person of that name
        [mention] = reg.mentions([f"{BASE}2001.00003/authorship/2"]).values()
        assert mention.rule == "shared-coauthor"
        reg.written(reg.dirty())
        reg.commit()
    finally:
        reg.close()
    reg = Registry(path)  # re-keyed once: opening again changes nothing
    try:
        assert reg.dirty() == []
    finally:
        reg.close()


def test_an_old_registry_gives_a_person_written_for_a_group_the_persons_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "identity.sqlite"
    listed = "T. Montaruli for the IceCube Collaboration"  # keyed alike by both versions
    with monkeypatch.context() as before:
        _old_names(before)
        reg = Registry(path)
        reg.db.execute("DELETE FROM meta WHERE key = 'names'")
        IdentityResolver(reg).add(_paper("2001.00001", listed, "Alice Martin"))
        slug_ = _person_of(reg, "2001.00001", 1)
        reg.written(reg.dirty())
        reg.commit()
        reg.close()
    _clear_name_caches()
    reg = Registry(path)
    try:
        person = reg.by_slug(slug_)
        assert person is not None and person.block == "montaruli-t"  # as before
        assert reg.dirty() == [person.id]  # before: not written again, foaf:name the listed one
        [record] = reg.person_records([person.id])
        out = GraphEmitter()
        assert emit_person(record, MINTER, out)
        me = MINTER.person(slug_)
        assert [str(n) for n in out.graph.objects(me, FOAF.name)] == ["T. Montaruli"]
        assert {str(n) for n in out.graph.objects(me, SKG.nameVariant)} == {"T. Montaruli"}
    finally:
        reg.close()


def test_a_person_named_for_a_collaboration_is_that_person() -> None:
    listed = "ATLAS Collaboration: G. Aad"  # arXiv's form for a collaboration's first author
    assert not names.is_group(listed)
    assert names.tokens(listed) == ("g", "aad") and names.block(listed) == "aad-g"
    assert names.compatible(listed, "Georges Aad")
    assert names.written_for(listed) == "ATLAS Collaboration"
    assert (
        names.written_for("T. Montaruli for the IceCube Collaboration") == "IceCube Collaboration"
    )
    assert (
        names.written_for("A. Author on behalf of the LHCb Collaboration") == "LHCb Collaboration"
    )
    assert names.written_for("G. Aad") is None and names.written_for("Gemma Team") is None
    # what stays a group: nothing after the colon, or a group after it
    assert names.is_group("ATLAS Collaboration:")
    assert names.is_group("ATLAS Collaboration: CMS Collaboration")
    assert not names.is_group("Smith: John") and names.written_for("Smith: John") is None


def test_the_preferred_name_of_a_person_named_for_a_group_is_the_persons_part() -> None:
    assert names.person_part("ATLAS Collaboration: G. Aad") == "G. Aad"
    assert names.person_part("T. Montaruli for the IceCube Collaboration") == "T. Montaruli"
    assert names.person_part("A. Author, on behalf of the LHCb Collaboration") == "A. Author"
    assert names.person_part("G. Aad") == "G. Aad"
    assert names.person_part("Gemma Team") == "Gemma Team"  # a group is not cut
    assert names.person_part("Smith: John") == "Smith: John"
    assert names.person_part("John Ford") == "John Ford"  # a word, not "for"
    # before: the first of equally full names was kept, group and all
    assert name_choice.preferred(["ATLAS Collaboration: G. Aad", "G. Aad"]) == "G. Aad"
    assert name_choice.preferred(["ATLAS Collaboration: G. Aad"]) == "G. Aad"
    assert name_choice.preferred(["T. Montaruli for the IceCube Collaboration"]) == "T. Montaruli"
    assert name_choice.preferred(["ATLAS Collaboration: G. Aad", "Georges Aad"]) == "Georges Aad"
    assert name_choice.preferred(["ATLAS Collaboration: Georges Aad", "G. Aad"]) == "Georges Aad"


def test_the_record_states_the_person_position_and_the_collaboration() -> None:
    record = ArxivRecord(
        "1207.7214",
        "Observation of a new particle",
        "An abstract.",
        (ArxivAuthor("ATLAS Collaboration: G. Aad"), ArxivAuthor("B. Abbott")),
        (),
    )
    graph = arxiv_graph(record, MINTER).graph
    first = MINTER.authorship(MINTER.paper_by_arxiv("1207.7214"), 1)
    atlas = MINTER.group("ATLAS Collaboration")
    assert str(graph.value(first, SKG.nameAsListed)) == "ATLAS Collaboration: G. Aad"
    assert graph.value(first, SKG.author) is None  # the person is decided in the identity layer
    assert list(graph.objects(first, SKG.onBehalfOf)) == [atlas]
    assert str(graph.value(atlas, FOAF.name)) == "ATLAS Collaboration"
    mentions = arxiv_mentions(record, MINTER)
    assert [(a.position, a.name) for a in mentions.authors] == [
        (1, "ATLAS Collaboration: G. Aad"),
        (2, "B. Abbott"),
    ]


def test_the_person_named_for_a_collaboration_joins_their_other_papers(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    try:
        resolver = IdentityResolver(reg)
        resolver.add(_paper("1207.7214", "ATLAS Collaboration: G. Aad", "B. Abbott"))
        resolver.add(_paper("1208.0001", "B. Abbott", "Georges Aad"))
        assert _person_of(reg, "1208.0001", 2) == _person_of(reg, "1207.7214", 1)
    finally:
        reg.close()


def test_a_snapshot_with_a_person_named_for_a_collaboration_loads_them_as_a_person(
    tmp_path: Path,
) -> None:
    line = snapshot_line(
        "0704.0002", new_id="9001.00003", authors=["ATLAS Collaboration: G. Aad", "Ileana Streinu"]
    )
    snapshot = tmp_path / "s.jsonl"
    snapshot.write_text(line + "\n", encoding="utf-8")
    config = config_in(tmp_path / "store")
    report = load_snapshot(config, snapshot, workers=0).report
    assert report.records_loaded == 1 and not report.quarantined and not report.rejected
    first = f"<{MINTER.authorship(MINTER.paper_by_arxiv('9001.00003'), 1)}>"
    stored = content(config)
    authors = {
        o for triples in stored.values() for s, p, o in triples if s == first and p == AUTHOR
    }
    [person] = authors
    assert "/person/g-aad-" in person
    listed = {o for triples in stored.values() for s, p, o in triples if s == first and p == LISTED}
    assert listed == {'"ATLAS Collaboration: G. Aad"'}  # the authorship keeps it as listed
    named = {
        o for triples in stored.values() for s, p, o in triples if (s, p) == (person, FOAF_NAME)
    }
    assert named == {'"G. Aad"'}  # before: the listed name, group and all
    variant = f"<{SKG.nameVariant}>"
    variants = {
        o for triples in stored.values() for s, p, o in triples if (s, p) == (person, variant)
    }
    assert variants == {'"G. Aad"'}  # before: '"ATLAS Collaboration: G. Aad"' too
    assert _groups(config) == {
        f"<{MINTER.group('ATLAS Collaboration')}>": {'"ATLAS Collaboration"'}
    }


def test_kana_keep_their_voicing_marks_in_names() -> None:
    assert fold("ジョン", voicing=True) == "ジョン" and fold("ション", voicing=True) == "ション"
    assert fold("ｼﾞｮﾝ", voicing=True) == "ジョン"  # half-width kana, written with U+FF9E
    assert fold("パン", voicing=True) == "パン" != fold("ハン", voicing=True)
    assert fold("ジョン") == "ション"  # titles and slugs: as before (IRIs are keyed by them)
    assert names.tokens("ジョン") == ("ジョン",) and names.block("ジョン") == "ジョン"
    assert not names.compatible("ジョン", "ション")
    assert names.compatible("ジョン", "ｼﾞｮﾝ")
    assert names.tokens("Léonard Hussenot") == ("leonard", "hussenot")  # accents still go


def _persons(config: Config) -> dict[str, str]:
    """Each person IRI of the store with its name block (from the person graphs)."""
    block = f"<{SKG.nameBlock}>"
    return {
        s: o
        for graph, triples in content(config).items()
        if "/graph/person/" in graph
        for s, p, o in triples
        if p == block
    }


def _author_of(config: Config, arxiv_id: str, position: int) -> str:
    node = f"<{MINTER.authorship(MINTER.paper_by_arxiv(arxiv_id), position)}>"
    [person] = {o for t in content(config).values() for s, p, o in t if s == node and p == AUTHOR}
    return person


def test_a_store_built_when_voicing_marks_were_stripped_keeps_its_persons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lines(*papers: tuple[str, list[str]]) -> Path:
        path = tmp_path / f"s{len(papers)}.jsonl"
        text = [snapshot_line("0704.0002", new_id=i, authors=a) for i, a in papers]
        path.write_text("\n".join(text) + "\n", encoding="utf-8")
        return path

    john = ("9001.00011", ["ジョン", "Alice Martin"])
    shon = ("9001.00012", ["ション", "Bob Stone"])
    config = config_in(tmp_path / "store")
    with monkeypatch.context() as before:
        _old_names(before)
        load_snapshot(config, lines(john, shon), workers=0)
        persons_before = _persons(config)
        first = _author_of(config, "9001.00011", 1)
        assert persons_before[first] == '"ション"'  # the block the old rules gave ジョン
    _clear_name_caches()
    again = ("9001.00013", ["ジョン", "Alice Martin"])  # new: shares Alice Martin with john
    load_snapshot(config, lines(again), workers=0)  # the records before are not read again
    assert _author_of(config, "9001.00013", 1) == first  # not a second ジョン
    load_snapshot(config, lines(john, shon, again), workers=0)  # all of them again
    persons = _persons(config)
    assert set(persons) == set(persons_before)  # no person new, none lost
    assert _author_of(config, "9001.00011", 1) == first
    assert _author_of(config, "9001.00013", 1) == first
    assert _author_of(config, "9001.00012", 1) != first
    assert persons[first] == '"ジョン"'  # its graph written again with its new block


def test_a_name_ending_in_an_initial_is_read_surname_first_for_its_fullness() -> None:
    # before: "Wang W." was (1, 5), its "wang" a full given name, and preferred over "W. Wang"
    assert name_choice.completeness("Wang W.") == name_choice.completeness("W. Wang") == (0, 5)
    assert name_choice.completeness("Wang Wei") == name_choice.completeness("Wei Wang") == (1, 7)
    assert name_choice.preferred(["Wang W.", "W. Wang"]) == "W. Wang"
    assert name_choice.preferred(["W. Wang", "Wang W."]) == "W. Wang"
    assert name_choice.preferred(["Wang W.", "Wei Wang"]) == "Wei Wang"
    assert name_choice.surname_first_of("Wang Wei", "Wei Wang")
    assert not name_choice.surname_first_of("W. Wang", "Wei Wang")


# --- a name with a generational suffix through every door ----------------------------------
# The arXiv API, OAI-PMH (``arXiv``, ``oai_dc``, ``arXivRaw``'s free text), the snapshot
# (``authors_parsed`` and the free-text ``authors``) and a profile page. Inputs CONSTRUCTED from
# the real fixtures (the derived OAI record of 0704.0002, the first ``oai_dc`` record of the
# recorded ListRecords page, snapshot line 0704.0009, whose ``authors_parsed`` lists
# ``["Evans", "Neal J.", "II"]``), their authors changed.

OAI = ROOT / "tests" / "fixtures" / "arxiv" / "oai"
DERIVED = ROOT / "tests" / "fixtures" / "arxiv" / "derived"
EVANS_MYERS = [("neal", "j", "evans"), ("philip", "c", "myers")]


def _oai_arxiv() -> list[str]:
    xml = (DERIVED / "oai_arXiv_0704.0002.xml").read_text(encoding="utf-8")
    authors = (
        "<authors><author><keyname>Evans</keyname><forenames>Neal J.</forenames>"
        "<suffix>II</suffix></author><author><keyname>Myers</keyname>"
        "<forenames>Philip C.</forenames></author></authors>"
    )
    xml = re.sub(r"<authors>.*?</authors>", authors, xml, flags=re.DOTALL)
    page = parse_oai_response(xml.encode(), source="oai-arXiv", container="GetRecord")
    return [a.name for a in page.arxiv_records[0].authors]


def _oai_dc(creators: list[str]) -> list[str]:
    xml = OAI / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
    text = xml.read_text(encoding="utf-8")
    head, rest = text.split("<ListRecords>", 1)
    record = rest[: rest.index("</record>") + len("</record>")]
    record = re.sub(r"\s*<dc:creator>[^<]*</dc:creator>", "", record)
    listed = "".join(f"<dc:creator>{c}</dc:creator>" for c in creators)
    record = record.replace("<dc:title>", f"{listed}<dc:title>", 1)
    page = f"{head}<GetRecord>{record}</GetRecord></OAI-PMH>"
    found = parse_oai_response(page.encode(), source="oai-dc", container="GetRecord")
    return [a.name for a in found.arxiv_records[0].authors]


def _snapshot(*, parsed: bool, authors: str) -> list[str]:
    data = dict(snapshot_lines()["0704.0009"])
    data["authors"] = authors
    data["authors_parsed"] = (
        [["Evans", "Neal J.", "II"], ["Myers", "Philip C.", ""]] if parsed else []
    )
    record = parse_snapshot_line(json.dumps(data), source="snapshot")
    return [a.name for a in record.authors]


def _profile(authors: tuple[str, ...]) -> list[str]:
    listed = Listed("A Paper", dt.date(2007, 4, 2), authors)
    page = profile_page("Philip C. Myers", [listed])
    profile = parse_profile(
        page, source="p.txt", retrieved_at=dt.datetime(2026, 1, 1), subject_codes={"SE": "SE"}
    )
    return list(profile.papers[0].authors)


def test_a_name_with_a_suffix_reads_alike_through_every_door() -> None:
    """Before: ``oai_dc``'s ``Evans, Neal J., II`` read as ``Neal J., II Evans`` (surname
    "j"), and a suffix after a comma in a free-text list (``Neal J. Evans, II, Philip C.
    Myers``) was an author "II" of its own, every later position one off."""
    doors = {
        "oai arXiv": _oai_arxiv(),
        "oai_dc": _oai_dc(["Evans, Neal J., II", "Myers, Philip C."]),
        "oai_dc bibtex": _oai_dc(["Evans, II, Neal J.", "Myers, Philip C."]),
        "oai_dc in name": _oai_dc(["Evans II, Neal J.", "Myers, Philip C."]),
        "snapshot parsed": _snapshot(parsed=True, authors="Neal J. Evans II, Philip C. Myers"),
        "snapshot text": _snapshot(parsed=False, authors="Neal J. Evans II, Philip C. Myers"),
        "snapshot comma": _snapshot(parsed=False, authors="Neal J. Evans, II, Philip C. Myers"),
        "arXivRaw text": [a.name for a in split_author_string("Neal J. Evans, II and P. C. Myers")],
        "profile": _profile(("Neal J. Evans II", "Philip C. Myers")),
        "profile comma": _profile(("Neal J. Evans, II", "Philip C. Myers")),
    }
    for door, listed in doors.items():
        read = [names.tokens(n) for n in listed]
        if door == "arXivRaw text":
            assert read == [EVANS_MYERS[0], ("p", "c", "myers")], (door, listed)
        else:
            assert read == EVANS_MYERS, (door, listed)
    assert doors["oai_dc"] == doors["oai arXiv"] == ["Neal J. Evans II", "Philip C. Myers"]
    assert doors["profile comma"][0] == "Neal J. Evans, II"  # the suffix kept as listed


def test_a_suffix_after_a_comma_stays_with_its_name_and_its_affiliation() -> None:
    listed = split_author_string("John Smith, Jr. (MIT), Kazuo Ii (Tokyo), A. Lee, Sr.")
    assert [(a.name, a.affiliations) for a in listed] == [
        ("John Smith Jr.", ("MIT",)),  # as the parsed doors list it (keyname, forenames, suffix)
        ("Kazuo Ii", ("Tokyo",)),
        ("A. Lee Sr.", ()),
    ]
    # "Ii" is a surname, not a numeral written in capitals: an author of its own
    assert [a.name for a in split_author_string("Kazuo Ii, Ii, Wei Wang")] == [
        "Kazuo Ii",
        "Ii",
        "Wei Wang",
    ]
    # the suffixes names read as such, by the same rule (names.tokens drops "PhD" too)
    assert [a.name for a in split_author_string("Ann Lee, PhD, Bo Chen, Jr. III")] == [
        "Ann Lee PhD",
        "Bo Chen Jr. III",
    ]
    assert names.tokens("Ann Lee, PhD") == names.tokens("Ann Lee") == ("ann", "lee")


@pytest.mark.parametrize(
    "listed",
    [
        "The BABAR Collaboration, B. Aubert, et al",  # real: 0704.0020's free-text authors
        "The BABAR Collaboration, B. Aubert et al.",
        "The BABAR Collaboration, B. Aubert, Et Al.",
    ],
)
def test_an_et_al_closing_a_free_text_list_is_no_author(listed: str) -> None:
    """arXivRaw and a snapshot line without ``authors_parsed`` read "et al" as a third author
    (a person named "et al"); the snapshot's ``authors_parsed`` of the same record lists two."""
    assert [a.name for a in split_author_string(listed)] == [
        "The BABAR Collaboration",
        "B. Aubert",
    ]


def test_a_name_holding_et_al_inside_is_kept() -> None:
    """Only a closing "et al" is cut: a surname such as "Etal" or "Al" stays."""
    assert [a.name for a in split_author_string("A. Etal, B. Al, C. Et Alba")] == [
        "A. Etal",
        "B. Al",
        "C. Et Alba",
    ]
