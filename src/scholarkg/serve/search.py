"""A search index over names and titles: people, groups, papers, organisations, categories.

Built once per store version from one query (in a worker) and kept in the server's memory:
every folded word points to the entries holding it; a search keeps the entries that have every
word of the query, the last word matched as a prefix (so results come while typing), and so is
an initial (a single letter: ``R. Dadashi`` finds ``Robert Dadashi``).
"""

from __future__ import annotations

import bisect
import heapq
import sys
from dataclasses import dataclass

import pyoxigraph as ox

from scholarkg import iris
from scholarkg.serve.jobs import QueryOutcome

INDEX_QUERY = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?s ?label ?kind WHERE {
  { ?s a skg:Person ; foaf:name ?label . BIND ("person" AS ?kind) }
  UNION { ?s a skg:Group ; foaf:name ?label . BIND ("group" AS ?kind) }
  UNION { ?s a skg:Paper ; dcterms:title ?label . BIND ("paper" AS ?kind) }
  UNION { ?s a skg:Organization . { ?s skos:prefLabel ?label } UNION { ?s skos:altLabel ?label }
          BIND ("organisation" AS ?kind) }
  UNION { ?s a skg:Category ; skos:prefLabel ?label . BIND ("category" AS ?kind) }
}"""
KIND_ORDER = {"person": 0, "group": 1, "organisation": 2, "category": 3, "paper": 4}
_LAST = chr(sys.maxunicode)  # U+10FFFF, no word character: above every word a prefix begins


def fold(text: str) -> list[str]:
    """The words of ``text`` as the graph's keys fold them (:func:`scholarkg.iris.fold`, its
    symbols kept): ``Léonard`` is ``leonard``, ``Łukasz`` ``lukasz``, ``Yıldız`` ``yildiz``,
    ``Ørsted`` ``orsted``, ``$\\Lambda$`` ``λ``, ``C++`` ``c + +``."""
    return iris.fold(text, symbols=True).split()


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    kind: str


class SearchIndex:
    """Words → entries; built from :data:`INDEX_QUERY`'s outcome."""

    def __init__(self, outcome: QueryOutcome) -> None:
        labels: dict[tuple[str, str], list[str]] = {}  # (IRI, kind) → its labels, in order
        for s, label, kind in outcome.rows:
            if (
                isinstance(s, ox.NamedNode)
                and isinstance(label, ox.Literal)
                and isinstance(kind, ox.Literal)
            ):
                labels.setdefault((s.value, kind.value), []).append(label.value)
        # numbered in the order hits are listed (people first, then the shorter label): a
        # search keeps its first ``limit`` numbers, and sorts or reads no other match (a
        # one-letter prefix matches most of a large store: all of them were sorted, per key)
        self.entries = sorted(
            (Hit(iri, names[0], kind) for (iri, kind), names in labels.items()), key=_rank
        )
        postings: dict[str, set[int]] = {}
        for number, hit in enumerate(self.entries):
            for name in labels[(hit.iri, hit.kind)]:
                for word in fold(name):
                    postings.setdefault(word, set()).add(number)
        self.postings = postings
        self.words = sorted(postings)

    def _matching(self, word: str, *, prefix: bool) -> set[int]:
        if not prefix:
            return set(self.postings.get(word, ()))
        # the words ``word`` begins are the sorted ones from ``word`` up to ``word`` followed by
        # the last code point (a noncharacter, in no word): two binary searches, no copy of the rest
        start = bisect.bisect_left(self.words, word)
        end = bisect.bisect_left(self.words, word + _LAST, lo=start)
        return set().union(*(self.postings[w] for w in self.words[start:end]))

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Entries with every word of ``query`` (the last one and initials as prefixes),
        people first."""
        words = fold(query)[:8]
        if not words:
            return []
        last = len(words) - 1
        # a word given twice is matched once ("a a a a a a a a" matched most entries 8 times)
        terms = dict.fromkeys((w, i == last or _initial(w)) for i, w in enumerate(words))
        sets = [self._matching(w, prefix=prefix) for w, prefix in terms]
        sets.sort(key=len)
        found = sets[0]
        for other in sets[1:]:
            found &= other
        return [self.entries[n] for n in heapq.nsmallest(limit, found)]


def _rank(hit: Hit) -> tuple[int, int, str, str]:
    """Where ``hit`` is listed: people first, then groups…, the shorter label first."""
    return KIND_ORDER.get(hit.kind, 9), len(hit.label), hit.label, hit.iri


def _initial(word: str) -> bool:
    """A single letter, as an initial is written (``R.`` of ``R. Dadashi``)."""
    return len(word) == 1 and word.isalpha()
