"""Namespaces and deterministic IRI minting: the same input always mints the same IRI."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

from rdflib import Namespace, URIRef

from scholarkg.identity.invisible import unjoined
from scholarkg.tex_letters import tex_letters

SKG = Namespace("https://w3id.org/scholarkg/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/scholarkg/ontology")
CATEGORY = Namespace("https://w3id.org/scholarkg/category/")
CATEGORY_SCHEME = URIRef("https://w3id.org/scholarkg/category/arxiv-scheme")
DEFAULT_BASE = "https://w3id.org/scholarkg/id/"
# bump when the same input mints a different IRI (2: works keep their symbols; 3: a group's
# leading article is not part of its key; 4: more TeX symbols are their characters; 5: a key
# past KEY_CHARS is cut, with a digest of the whole; 6: letters NFKD keeps whole fold, capitals
# too: LETTERS; 7: TeX letters and accents are their letters: LETTERS 3; 8: a title is keyed
# without the characters no one sees, identity.invisible: "Atten\u200btion" was "atten tion")
MINTING = "8"
KEY_CHARS = 100  # characters of a name's key kept in an IRI (an IRI of 20 000 is no link)

FABIO = Namespace("http://purl.org/spar/fabio/")
PRO = Namespace("http://purl.org/spar/pro/")
BIDO = Namespace("http://purl.org/spar/bido/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")

# Latin letters NFKD does not take apart, as arXiv's ASCII spellings of names write them
# ("Łukasz" as "Lukasz", "Yıldız" as "Yildiz", "Guðmundsson" as "Gudmundsson", "Þór" as "Thor",
# "Læssig" as "Laessig"), capitals as capitals (``cased``). Not folded: ŋ, ĸ, ə, ƒ, whose ASCII
# spellings differ from writer to writer.
_ASCII = {
    "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d",
    "Ð": "D", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ı": "i", "æ": "ae", "Æ": "Ae", "œ": "oe",
    "Œ": "Oe", "þ": "th", "Þ": "Th",
}  # fmt: skip
_LETTER = re.compile("[{}]".format("".join(_ASCII)))  # (a search is ~8x str.translate's speed)
# Catalan's "l·l" (and "Ŀl", which NFKD writes "L·l"): one word, as "ll" ("Col·lell", "Collell")
_GEMINATE_L = re.compile("(?<=[lL])\u00b7(?=[lL])")
# the letters fold folds: 3: TeX letters and accents are their letters too ("{\O}resund" is
# "oresund", "Schr\"odinger" "schrodinger"; 2 dropped a letter command and split a word at an
# accent: "resund", "schr odinger"); 2 (minting 6): those of _ASCII, capitals too, and "l·l"; 1
# (minting 5 and before, names versions up to 3): only ß and a small ø, ł, đ (Ø kept as ø)
LETTERS = "3"
_TEX_COMMAND = re.compile(r"\\[a-zA-Z]+\s*")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


# TeX commands that name a symbol; every other command is formatting (dropped by fold)
_TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ",
    "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "varepsilon": "ε", "vartheta": "θ", "varpi": "π", "varrho": "ρ", "varsigma": "σ",
    "varphi": "φ", "ell": "ℓ", "hbar": "ħ", "infty": "∞", "partial": "∂", "nabla": "∇", "pm": "±",
    "mp": "∓", "times": "×", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "leftrightarrow": "↔", "leq": "≤", "geq": "≥", "neq": "≠", "sim": "∼", "approx": "≈",
    "otimes": "⊗", "oplus": "⊕", "le": "≤", "ge": "≥", "ne": "≠", "leqslant": "≤",
    "geqslant": "≥", "ll": "≪", "gg": "≫", "lesssim": "≲", "gtrsim": "≳", "simeq": "≃",
    "cong": "≅", "equiv": "≡", "propto": "∝", "in": "∈", "notin": "∉", "ni": "∋",
    "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇", "cup": "∪", "cap": "∩",
    "setminus": "∖", "emptyset": "∅", "varnothing": "∅", "forall": "∀", "exists": "∃",
    "neg": "¬", "wedge": "∧", "vee": "∨", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "Leftrightarrow": "⇔", "mapsto": "↦", "sum": "∑", "prod": "∏", "int": "∫", "oint": "∮",
    "sqrt": "√", "perp": "⊥", "parallel": "∥", "star": "⋆", "ast": "∗", "circ": "∘",
    "varkappa": "ϰ", "aleph": "ℵ",
}  # fmt: skip
_TEX_SYMBOL = re.compile(
    r"\\({})(?![a-zA-Z])".format("|".join(sorted(_TEX_SYMBOLS, key=len)[::-1]))
)


def _kept_symbol(c: str) -> bool:
    """A character that tells two titles apart (``+`` in C++, ``#`` in C#, ``→``, ``∞``), not
    TeX syntax (``$ ^ _ | ~``) or punctuation."""
    return c == "#" or (unicodedata.category(c) in ("Sm", "Sc", "So") and c not in "$|~")


_ASCII_KEPT = frozenset("#+<=>")  # the ASCII characters :func:`_kept_symbol` keeps


_VOICING = "\u3099\u309a"  # kana voiced / semi-voiced sound marks (dakuten, handakuten)
_VOICED = re.compile("([\u3040-\u30ff\u31f0-\u31ff]?)([\u3099\u309a])")


def _voiced(found: re.Match[str]) -> str:
    """A kana with its voicing mark as one character; a mark no kana takes precomposed (or with
    no kana before it) is dropped, as :func:`fold` drops every other combining mark."""
    composed = unicodedata.normalize("NFC", found.group(0))
    return composed if len(composed) == 1 else found.group(1)


def fold(
    text: str,
    *,
    symbols: bool = False,
    voicing: bool = False,
    cased: bool = False,
    letters: str | None = None,
) -> str:
    """Lower-case, accent-free, punctuation-free form of ``text`` with single spaces, the Latin
    letters NFKD keeps whole as their ASCII spellings (``Ø`` and ``ø`` as ``o``, ``Ł`` ``l``,
    ``Đ`` and ``Ð`` ``d``, ``Ħ`` ``h``, ``Ŧ`` ``t``, ``ı`` ``i``, ``Æ`` ``ae``, ``Œ`` ``oe``,
    ``Þ`` ``th``, ``ß`` ``ss``; ``l·l`` and ``Ŀl`` as ``ll``): ``Łukasz`` is ``lukasz``;
    ``symbols``: TeX symbols as their characters, and symbols kept as words of their own;
    ``voicing``: kana keep their voicing marks (``ジョン`` is not ``ション``; half-width kana
    as full-width), which are letters of their own, not accents; ``cased``: letters keep their
    case (the same words otherwise: names tell a suffix ``II`` from a surname ``Ii`` by it;
    ``Ł`` is ``L``); ``letters``: which letters fold (``None``: :data:`LETTERS`; ``"1"`` or
    ``"2"``: as minting 5 and before, or 6, folded them, for keys written then). TeX letters
    and accents are their letters (``{\\O}resund`` is ``oresund``,
    :func:`~scholarkg.tex_letters.tex_letters`); other TeX commands are dropped.

    Titles, work keys and slugs fold without ``voicing`` (paper, group and organisation IRIs
    and the title index are keyed by it); names fold with it (:mod:`scholarkg.identity.names`)."""
    if symbols:
        text = _TEX_SYMBOL.sub(lambda m: f" {_TEX_SYMBOLS[m.group(1)]} ", text)
    if (letters or LETTERS) >= "3":
        text = tex_letters(text)
    text = _TEX_COMMAND.sub(" ", text).replace("{", "").replace("}", "")
    stripped = unicodedata.normalize("NFKD", text)
    if not stripped.isascii():  # (ASCII has no marks to strip: most titles)
        stripped = "".join(
            c for c in stripped if not unicodedata.combining(c) or (voicing and c in _VOICING)
        )
        if voicing:  # kana and mark composed again (nothing else: Hangul stays as NFKD left it)
            stripped = _VOICED.sub(_voiced, stripped)
        if (letters or LETTERS) == "1":
            stripped = stripped.replace("ß", "ss").replace("ø", "o").replace("ł", "l")
            stripped = stripped.replace("đ", "d")
        else:
            stripped = _LETTER.sub(lambda m: _ASCII[m[0]], stripped)
            if "\u00b7" in stripped:
                stripped = _GEMINATE_L.sub("", stripped)
    lowered = stripped if cased else stripped.casefold()
    if symbols and not (lowered.isascii() and _ASCII_KEPT.isdisjoint(lowered)):
        spaced = _NON_WORD.sub(
            lambda m: " ".join(["", *filter(_kept_symbol, m.group()), ""]), lowered
        )
    else:
        spaced = _NON_WORD.sub(" ", lowered)
    return " ".join(spaced.replace("_", " ").split())


def name_key(name: str) -> str:
    """Normalised key of a person's name (``Léonard Hussenot`` → ``leonard-hussenot``)."""
    return fold(name).replace(" ", "-")


_ARTICLES = frozenset({"the"})


def group_key(name: str) -> str:
    """Key of a group author: its folded name without a leading article, so ``The LIGO
    Scientific Collaboration`` and ``LIGO Scientific Collaboration`` are one group."""
    words = fold(name).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        del words[0]
    return "-".join(words) or "x"


def title_key(title: str) -> str:
    """Normalised form of a title used for matching and hashing, read without the characters
    no one sees (:func:`~scholarkg.identity.invisible.unjoined`: ``Atten\u200btion`` is
    ``attention``, before ``atten tion``)."""
    return fold(unjoined(title))


def work_key(title: str) -> str:
    """The key a work is minted from: :func:`title_key` with its symbols (``$\\Lambda_b^0$``
    and ``Λ_b^0`` → ``λ b 0``; ``C++`` → ``c + +``), so titles that differ only there are two
    works. A title without such symbols has its :func:`title_key`; a hidden character (a
    zero-width space, a bidi override, a tag character) splits no work (minting 8)."""
    return fold(unjoined(title), symbols=True)


def slug(text: str) -> str:
    """A readable, IRI-safe path segment for ``text``."""
    return fold(text).replace(" ", "-") or "x"


def capped(key: str) -> str:
    """``key`` (hyphenated words) as an IRI's path segment: itself up to :data:`KEY_CHARS`
    characters; a longer one cut at a hyphen within them, followed by a digest of the whole,
    so two long keys alike in their first hundred characters stay two. A name of 20 000
    characters minted a person IRI the endpoint refused as a request head too large."""
    if len(key) <= KEY_CHARS:
        return key
    head = key[:KEY_CHARS]
    if "-" in head[1:]:
        head = head[: head.rindex("-")]
    return f"{head}-{_digest(key, 12)}"


def _snapshot_id(snapshot_key: str) -> str:
    """A snapshot's IRI segment: a whole content hash cut to 16 digits, a key kept whole."""
    return snapshot_key[:16] if len(snapshot_key) == 64 else snapshot_key


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
        """A collaboration, team or consortium that authors papers (not a person), keyed by
        :func:`group_key` (a leading article does not make another group)."""
        return self._iri(f"group/{capped(group_key(name))}")

    def paper_listed(self, title: str, first_author: str | None) -> URIRef:
        """A paper only a profile lists: keyed by its folded title and its first listed author,
        so two works with one title stay apart and one work listed twice stays one."""
        lead = "-".join(fold(first_author or "").split()[-1:])
        return self._iri(f"paper/listed/{_digest(work_key(title) + '|' + lead)}")

    def paper_by_arxiv(self, arxiv_id: str) -> URIRef:
        return self._iri(f"paper/arxiv/{arxiv_id}")

    def paper_version(self, paper: URIRef, number: int) -> URIRef:
        return URIRef(f"{paper}/v{number}")

    def authorship(self, paper: URIRef, token: int | str) -> URIRef:
        """An authorship of ``paper``: by position (``…/authorship/3``), or ``listed-2`` /
        ``profile-<slug>`` where the position is not known."""
        return URIRef(f"{paper}/authorship/{quote(str(token), safe='-')}")

    def organization(self, name: str) -> URIRef:
        return self._iri(f"organization/{capped(slug(name))}")

    def profile(self, profile_slug: str) -> URIRef:
        return self._iri(f"profile/{profile_slug}")

    def profile_snapshot(self, profile_slug: str, snapshot_key: str) -> URIRef:
        """``snapshot_key``: :attr:`~.models.Profile.snapshot_key` (a content hash is cut to
        its first 16 digits)."""
        return self._iri(f"profile/{profile_slug}/snapshot/{_snapshot_id(snapshot_key)}")

    def metric_observation(self, snapshot: URIRef, metric: str) -> URIRef:
        return URIRef(f"{snapshot}/{metric}")

    def resolution(self, profile_slug: str, paper_title: str) -> URIRef:
        return self._iri(f"profile/{profile_slug}/resolution/{_digest(work_key(paper_title))}")

    def profile_graph(self, profile_slug: str) -> URIRef:
        return self._iri(f"graph/profile/{profile_slug}")

    def snapshot_graph(self, profile_slug: str, snapshot_key: str) -> URIRef:
        return self._iri(f"graph/profile/{profile_slug}/snapshot/{_snapshot_id(snapshot_key)}")

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


def doi_iri(doi: str) -> URIRef:
    """The ``https://doi.org/`` IRI of a DOI, every character an IRI or URL cannot hold as it
    is percent-encoded (a SICI-style DOI holds ``<``, ``>``, ``#``): the ``owl:sameAs`` the
    store holds and the link the paper page shows."""
    return URIRef("https://doi.org/" + quote(doi, safe="/:;()._-"))
