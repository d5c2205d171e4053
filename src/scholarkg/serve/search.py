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
READ_BUDGET = 20_000  # entry numbers a search reads from the postings at most
SCAN_ENTRIES = 5_000  # entries checked one by one when every word is more common than that
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
        entry_words: list[tuple[str, ...]] = []
        for number, hit in enumerate(self.entries):
            held: dict[str, None] = {}
            for name in labels[(hit.iri, hit.kind)]:
                for word in map(sys.intern, fold(name)):  # one string per word, shared
                    postings.setdefault(word, set()).add(number)
                    held[word] = None
            entry_words.append(tuple(held))
        self.postings = postings
        self.words = sorted(postings)
        self.entry_words = entry_words  # each entry's words: a term checked on a candidate
        self._read = [0]  # postings held by the sorted words before each: a prefix's cost
        for word in self.words:
            self._read.append(self._read[-1] + len(postings[word]))

    def _span(self, word: str, *, prefix: bool) -> tuple[int, int]:
        """Where the words ``word`` matches are among the sorted words (two binary searches
        for a prefix, one for a whole word): the words ``word`` begins run from it up to
        ``word`` followed by the last code point (a noncharacter, in no word)."""
        start = bisect.bisect_left(self.words, word)
        if prefix:
            return start, bisect.bisect_left(self.words, word + _LAST, lo=start)
        found = start < len(self.words) and self.words[start] == word
        return start, start + 1 if found else start

    def _matching(self, span: tuple[int, int]) -> set[int]:
        """The entries holding the words of ``span``, no copy of the rest of the words."""
        start, end = span
        return set().union(*(self.postings[w] for w in self.words[start:end]))

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Entries with every word of ``query`` (the last one and initials as prefixes),
        people first. The work is bounded: at most :data:`READ_BUDGET` entry numbers are read
        from the postings (the rarest words first; a further word is checked on the entries
        found so far instead), and when even the rarest word matches more than that (every
        word common: ``a b c d e f g h``), the first :data:`SCAN_ENTRIES` entries in the order
        hits are listed are checked, the hits among them kept."""
        words = fold(query)[:8]
        if not words:
            return []
        last = len(words) - 1
        # a word given twice is matched once ("a a a a a a a a" matched most entries 8 times)
        terms = dict.fromkeys((w, i == last or _initial(w)) for i, w in enumerate(words))
        costed = []
        for word, prefix in terms:
            span = self._span(word, prefix=prefix)
            costed.append((self._read[span[1]] - self._read[span[0]], span, word, prefix))
        costed.sort()
        if costed[0][0] > READ_BUDGET:
            return self._scan(list(terms), limit)
        read, span, _, _ = costed[0]
        found = self._matching(span)
        for cost, span, word, prefix in costed[1:]:
            if not found:
                break
            if read + cost <= READ_BUDGET:
                found &= self._matching(span)
                read += cost
            else:  # too common to read: checked on the (at most READ_BUDGET) entries found
                found = {n for n in found if _has(self.entry_words[n], word, prefix)}
        return [self.entries[n] for n in heapq.nsmallest(limit, found)]

    def _scan(self, terms: list[tuple[str, bool]], limit: int) -> list[Hit]:
        """The hits among the first :data:`SCAN_ENTRIES` entries, in the order listed."""
        hits = []
        for number in range(min(len(self.entries), SCAN_ENTRIES)):
            words = self.entry_words[number]
            if all(_has(words, word, prefix) for word, prefix in terms):
                hits.append(self.entries[number])
                if len(hits) == limit:
                    break
        return hits


def _has(words: tuple[str, ...], word: str, prefix: bool) -> bool:
    """Whether an entry of ``words`` matches ``word`` (as a prefix, or whole)."""
    if prefix:
        return any(w.startswith(word) for w in words)
    return word in words


def _rank(hit: Hit) -> tuple[int, int, str, str]:
    """Where ``hit`` is listed: people first, then groups…, the shorter label first."""
    return KIND_ORDER.get(hit.kind, 9), len(hit.label), hit.label, hit.iri


def _initial(word: str) -> bool:
    """A single letter, as an initial is written (``R.`` of ``R. Dadashi``)."""
    return len(word) == 1 and word.isalpha()
