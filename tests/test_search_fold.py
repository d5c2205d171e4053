"""The endpoint's search folds as the graph's keys fold (:func:`scholarkg.iris.fold`): a name
or title written with a Latin letter NFKD keeps whole (``Łukasz``, ``Yıldız``, ``Ørsted``) is
found by arXiv's ASCII spelling and the other way round, through a real server on 127.0.0.1.
The entries added to the constructed v2 store here are CONSTRUCTED."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from rdflib.namespace import DCTERMS, FOAF

from scholarkg.iris import SKG
from serve_fixtures import BASE, build_v2_store
from serve_helpers import running_server

pytestmark = pytest.mark.server

# (IRI, kind, label): each name or title beside its ASCII spelling, as two entries
ENTRIES = [
    (f"{BASE}person/lukasz-kaiser", "Person", "Łukasz Kaiser"),
    (f"{BASE}person/lukasz-kaiser-2", "Person", "Lukasz Kaiser"),
    (f"{BASE}person/deniz-yildiz", "Person", "Deniz Yıldız"),
    (f"{BASE}person/deniz-yildiz-2", "Person", "Deniz Yildiz"),
    (f"{BASE}person/thordur-gudmundsson", "Person", "Þórður Guðmundsson"),
    (f"{BASE}person/thordur-gudmundsson-2", "Person", "Thordur Gudmundsson"),
    (f"{BASE}paper/arxiv/9004.00001", "Paper", "ØRSTED Modes of a Constructed Cavity"),
    (f"{BASE}paper/arxiv/9004.00002", "Paper", "Orsted modes of a constructed resonator"),
    (f"{BASE}paper/arxiv/9004.00003", "Paper", "Constructed $\\Lambda_b^0$ decays in C++"),
    (f"{BASE}paper/arxiv/9004.00004", "Paper", "{\\O}resund Bridge Loads"),
]
_TRIG = "\n".join(
    f"<{BASE}graph/search-fold/{n}> {{ <{iri}> a <{SKG[kind]}> ; "
    f'<{FOAF.name if kind == "Person" else DCTERMS.title}> "{label}" . }}'
    for n, (iri, kind, label) in enumerate(ENTRIES)
).replace("\\", "\\\\")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = build_v2_store(tmp_path_factory.mktemp("search-fold") / "store", _TRIG)
    with running_server(path, build=False) as (server, _):
        yield server.url


def labels(url: str, query: str) -> list[str]:
    response = requests.get(
        url + "search", params={"q": query}, headers={"Accept": "application/json"}, timeout=60
    )
    assert response.status_code == 200, response.text
    return [hit["label"] for hit in response.json()]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("lukasz", ["Lukasz Kaiser", "Łukasz Kaiser"]),  # before: "Lukasz Kaiser" only
        ("Łukasz kai", ["Lukasz Kaiser", "Łukasz Kaiser"]),  # before: "Łukasz Kaiser" only
        ("ŁUKASZ", ["Lukasz Kaiser", "Łukasz Kaiser"]),  # before: none ("łukasz")
        ("yildiz", ["Deniz Yildiz", "Deniz Yıldız"]),
        ("deniz yıl", ["Deniz Yildiz", "Deniz Yıldız"]),
        ("thordur gud", ["Þórður Guðmundsson", "Thordur Gudmundsson"]),
        ("Þórður", ["Þórður Guðmundsson", "Thordur Gudmundsson"]),
        (
            "orsted",
            ["ØRSTED Modes of a Constructed Cavity", "Orsted modes of a constructed resonator"],
        ),
        (
            "ørst",
            ["ØRSTED Modes of a Constructed Cavity", "Orsted modes of a constructed resonator"],
        ),
    ],
)
def test_search_finds_either_spelling_of_a_letter_nfkd_keeps_whole(
    url: str, query: str, found: list[str]
) -> None:
    assert labels(url, query) == found


def test_search_reads_tex_and_symbols_as_the_keys_do(url: str) -> None:
    """A title's TeX symbol is its character (``\\Lambda`` is ``λ``), a kept symbol a word."""
    title = "Constructed $\\Lambda_b^0$ decays in C++"
    assert labels(url, "λ") == labels(url, "\\Lambda") == [title]
    assert labels(url, "c++ constructed") == [title]
    assert labels(url, "c+") == [title]  # before: every title with a word beginning "c"
    assert labels(url, "oresund") == labels(url, "Øresund b") == ["{\\O}resund Bridge Loads"]
    assert labels(url, "lambda") == []  # before: "lambda_b", a word TeX and its subscript made
