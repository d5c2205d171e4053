"""Namespaces and deterministic IRI minting: the same input always mints the same IRI."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

from rdflib import Namespace, URIRef

SKG = Namespace("https://w3id.org/scholarkg/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/scholarkg/ontology")
CATEGORY = Namespace("https://w3id.org/scholarkg/category/")
CATEGORY_SCHEME = URIRef("https://w3id.org/scholarkg/category/arxiv-scheme")
DEFAULT_BASE = "https://w3id.org/scholarkg/id/"

FABIO = Namespace("http://purl.org/spar/fabio/")
PRO = Namespace("http://purl.org/spar/pro/")
BIDO = Namespace("http://purl.org/spar/bido/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")

_TEX_COMMAND = re.compile(r"\\[a-zA-Z]+\s*")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form of ``text`` with single spaces."""
    text = _TEX_COMMAND.sub(" ", text).replace("{", "").replace("}", "")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("đ", "d")
    return " ".join(_NON_WORD.sub(" ", stripped.casefold()).replace("_", " ").split())


def name_key(name: str) -> str:
    """Normalised key of a person's name (``Léonard Hussenot`` → ``leonard-hussenot``)."""
    return fold(name).replace(" ", "-")


def title_key(title: str) -> str:
    """Normalised form of a title used for matching and hashing."""
    return fold(title)


def slug(text: str) -> str:
    """A readable, IRI-safe path segment for ``text``."""
    return fold(text).replace(" ", "-") or "x"


def _digest(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


class Minter:
    """Mints instance and graph IRIs under one base (configurable, ends with ``/``)."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + quote(path, safe="/.-_~"))

    def person(self, slug: str) -> URIRef:
        """A person, by the slug the identity registry gave it."""
        return self._iri(f"person/{slug}")

    def person_graph(self, slug: str) -> URIRef:
        """The identity-layer graph of one person."""
        return self._iri(f"graph/person/{slug}")

    def group(self, name: str) -> URIRef:
        """A collaboration, team or consortium that authors papers (not a person)."""
        return self._iri(f"group/{slug(name)}")

    def paper_listed(self, title: str, first_author: str | None) -> URIRef:
        """A paper only a profile lists: keyed by its folded title and its first listed author,
        so two works with one title stay apart and one work listed twice stays one."""
        lead = "-".join(fold(first_author or "").split()[-1:])
        return self._iri(f"paper/listed/{_digest(title_key(title) + '|' + lead)}")

    def paper_by_arxiv(self, arxiv_id: str) -> URIRef:
        return self._iri(f"paper/arxiv/{arxiv_id}")

    def paper_version(self, paper: URIRef, number: int) -> URIRef:
        return URIRef(f"{paper}/v{number}")

    def authorship(self, paper: URIRef, token: int | str) -> URIRef:
        """An authorship of ``paper``: by position (``…/authorship/3``), or ``listed-2`` /
        ``profile-<slug>`` where the position is not known."""
        return URIRef(f"{paper}/authorship/{quote(str(token), safe='-')}")

    def organization(self, name: str) -> URIRef:
        return self._iri(f"organization/{slug(name)}")

    def profile(self, profile_slug: str) -> URIRef:
        return self._iri(f"profile/{profile_slug}")

    def profile_snapshot(self, profile_slug: str, content_sha256: str) -> URIRef:
        return self._iri(f"profile/{profile_slug}/snapshot/{content_sha256[:16]}")

    def metric_observation(self, snapshot: URIRef, metric: str) -> URIRef:
        return URIRef(f"{snapshot}/{metric}")

    def resolution(self, profile_slug: str, paper_title: str) -> URIRef:
        return self._iri(f"profile/{profile_slug}/resolution/{_digest(title_key(paper_title))}")

    def profile_graph(self, profile_slug: str) -> URIRef:
        return self._iri(f"graph/profile/{profile_slug}")

    def snapshot_graph(self, profile_slug: str, content_sha256: str) -> URIRef:
        return self._iri(f"graph/profile/{profile_slug}/snapshot/{content_sha256[:16]}")

    def arxiv_graph(self, arxiv_id: str) -> URIRef:
        return self._iri(f"graph/arxiv/{arxiv_id}")

    def ontology_graph(self) -> URIRef:
        return self._iri("graph/ontology")

    def category_graph(self) -> URIRef:
        return self._iri("graph/categories")


def category(notation: str) -> URIRef:
    """IRI of an arXiv category concept (``cs.LG``) in the category scheme."""
    return CATEGORY[notation]


def category_group(group: str) -> URIRef:
    """IRI of an arXiv group concept (``cs``, ``physics``) in the category scheme."""
    return CATEGORY[f"group/{group}"]
