"""Parse and normalise arXiv identifiers (new- and old-style, URLs, OAI identifiers)."""

from __future__ import annotations

import re
from typing import NamedTuple

from scholarkg.errors import ParseError

OAI_PREFIX = "oai:arXiv.org:"

# YYMM.NNNN (2007-04 .. 2014-12) or YYMM.NNNNN (2015-01 on), as arXiv numbers them
# (https://info.arxiv.org/help/arxiv_identifier.html); the other digit count for the month is
# refused (before: either was taken for any month, ``0704.00020`` beside ``0704.0002``, as
# arXiv's API answers ``0808.05394`` with an empty feed, not an error), and so is a month before
# 0704, when that form began (older e-prints are ``archive/YYMMNNN``).
# Digits and letters are ASCII (re.ASCII: ``\d`` took ``٠٧٠٤.٠٠٠٢`` and ``０７０４.０００２``,
# IGNORECASE ``ſ`` and the Kelvin sign for s and k) and a version has at most 6 digits, as a
# version label (``v٢`` read as 2; 5 000 digits reached ``int()``, whose ValueError no caller
# expected). Letters are read in any case, ASCII only, everywhere: the version's ``v`` as the
# ``arXiv:`` prefix and an old-style archive (before, ``2104.12255V1`` was refused while
# ``ARXIV:`` and ``QUANT-PH/0201082V1`` were read, and ``ARXİV:`` with a Turkish dotted İ too).
_VERSION = r"(?:v(?P<version>[0-9]{1,6}))?"
_NEW = re.compile(
    r"(?P<yymm>[0-9]{4})\.(?P<number>[0-9]{4,5})" + _VERSION, re.IGNORECASE | re.ASCII
)
# archive[.XX]/YYMMNNN; the optional subject class (``math.GT/0309136``) is not part of the id.
_OLD = re.compile(
    r"(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z]{2})?/(?P<number>[0-9]{7})" + _VERSION,
    re.IGNORECASE | re.ASCII,
)
_URL = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<rest>.+?)(?:\.pdf)?/?$",
    re.IGNORECASE | re.ASCII,
)
_OAI = re.compile(r"^oai:arxiv\.org:", re.IGNORECASE | re.ASCII)
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE | re.ASCII)


class ArxivId(NamedTuple):
    """An identifier without its version, and the version asked for (None: latest)."""

    arxiv_id: str
    version: int | None = None

    def versioned(self) -> str:
        """``2104.12255v3`` when a version is set, else the bare id."""
        return self.arxiv_id if self.version is None else f"{self.arxiv_id}v{self.version}"


def _month_ok(yymm: str) -> bool:
    return 1 <= int(yymm[2:4]) <= 12


FIRST_NEW = "0704"  # the first month of new-style ids
FIVE_DIGITS = "1501"  # the first month whose numbers have 5 digits


def _digits_problem(yymm: str, number: str) -> str | None:
    """Why ``yymm.number`` is no id arXiv gives (a month before the form began, or the other
    digit count than the month's), None when it is one."""
    if yymm < FIRST_NEW:
        return (
            f"arXiv ids of the form YYMM.NNNN begin at {FIRST_NEW}, older ones are archive/YYMMNNN"
        )
    if yymm < FIVE_DIGITS and len(number) != 4:
        return (
            f"arXiv ids from {FIRST_NEW} to 1412 have 4 digits after the point, not {len(number)}"
        )
    if yymm >= FIVE_DIGITS and len(number) != 5:
        return f"arXiv ids from {FIVE_DIGITS} on have 5 digits after the point, not {len(number)}"
    return None


def _version(text: str | None, raw: str, source: str) -> int | None:
    if text is None:
        return None
    number = int(text)
    if number < 1:
        raise ParseError(source, f"{raw!r}: arXiv versions start at v1")
    return number


def _candidate(text: str) -> str:
    """``text`` without white space around it, its URL's part before the id, ``oai:arXiv.org:``
    and ``arXiv:``."""
    candidate = text.strip()
    url = _URL.match(candidate)
    if url:
        candidate = url.group("rest")
    return _ARXIV_PREFIX.sub("", _OAI.sub("", candidate))


def digits_problem(text: str) -> str | None:
    """Why ``text``, in the form of a new-style id, is none: its digit count not its month's
    (``arXiv ids from 0704 to 1412 have 4 digits after the point, not 5``); None otherwise."""
    new = _NEW.fullmatch(_candidate(text))
    if new is None or not _month_ok(new.group("yymm")):
        return None
    return _digits_problem(new.group("yymm"), new.group("number"))


def not_an_id(text: str) -> str:
    """How a failure tells ``text``, which :func:`parse_arxiv_id` refuses: ``not an arXiv
    identifier``, and why when its form is an id's but its digit count not its month's
    (:func:`digits_problem`)."""
    problem = digits_problem(text)
    return "not an arXiv identifier" + (f": {problem}" if problem else "")


def parse_arxiv_id(text: str, *, source: str = "arXiv identifier") -> ArxivId:
    """``(id without version, version or None)`` for any accepted spelling; ParseError otherwise.

    Accepts ``2104.12255``, ``2104.12255v3``, ``0704.0001``, ``quant-ph/0201082v1``,
    ``math.GT/0309136`` (subject class dropped), ``arXiv:…``, ``http(s)://arxiv.org/abs/…``,
    ``…/pdf/….pdf`` and ``oai:arXiv.org:…``; a ``YYMM.NNNN`` id only from 0704, with 4 digits
    after the point to 1412 and 5 from 1501 (``0704.00020``, ``1501.1234``: refused, the
    reason saying which count the month has).
    """
    raw = text
    candidate = _candidate(text)
    new = _NEW.fullmatch(candidate)
    if new and _month_ok(new.group("yymm")):
        problem = _digits_problem(new.group("yymm"), new.group("number"))
        if problem is not None:
            raise ParseError(source, f"not an arXiv identifier: {raw!r} ({problem})")
        bare = f"{new.group('yymm')}.{new.group('number')}"
        return ArxivId(bare, _version(new.group("version"), raw, source))
    old = _OLD.fullmatch(candidate)
    if old and _month_ok(old.group("number")[:4]):
        bare = f"{old.group('archive').lower()}/{old.group('number')}"
        return ArxivId(bare, _version(old.group("version"), raw, source))
    raise ParseError(source, f"not an arXiv identifier: {raw!r}")


def normalise_arxiv_id(text: str, *, source: str = "arXiv identifier") -> str:
    """The identifier without version (``arXiv:2104.12255v3`` → ``2104.12255``)."""
    return parse_arxiv_id(text, source=source).arxiv_id


def is_arxiv_id(text: str) -> bool:
    """Whether ``text`` is an identifier :func:`parse_arxiv_id` accepts."""
    try:
        parse_arxiv_id(text)
    except ParseError:
        return False
    return True


def oai_identifier(text: str) -> str:
    """The OAI-PMH identifier of an article (``oai:arXiv.org:2104.12255``).

    OAI-PMH exposes articles, not versions: a versioned id is a :class:`ValueError`.
    """
    parsed = parse_arxiv_id(text)
    if parsed.version is not None:
        raise ValueError(f"{text!r}: OAI-PMH identifiers never carry a version")
    return OAI_PREFIX + parsed.arxiv_id
