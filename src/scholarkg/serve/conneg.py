"""HTTP plumbing shared by the routes: responses and ``Accept`` content negotiation."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from scholarkg.serve.bidi import controls_named

HTML = "text/html"
TEXT = "text/plain"


@dataclass
class Response:
    """What a route answers: status, media type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def text_response(status: int, message: str, **headers: str) -> Response:
    """A plain-text response (errors and short notes), each bidi control in it drawn as a mark
    naming it (:func:`.bidi.controls_named`): none reverses the words after it."""
    body = controls_named(message if message.endswith("\n") else message + "\n")
    return Response(status, f"{TEXT}; charset=utf-8", body.encode("utf-8"), dict(headers))


def html_response(status: int, page: str, **headers: str) -> Response:
    return Response(status, f"{HTML}; charset=utf-8", page.encode("utf-8"), dict(headers))


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header: ``type/subtype`` (either may be ``*``) and its q."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How precisely this range matches ``media_type`` (-1: no match, 2: exactly)."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


@functools.lru_cache(maxsize=64)  # one request negotiates several times over one header
def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an ``Accept`` header; an absent or empty header accepts anything."""
    if header is None or not header.strip():
        return (MediaRange("*", "*", 1.0),)
    ranges = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
                # nan and inf are no weights: min(1.0, nan) is 1.0, so q=nan beat q=0.5
                q = max(0.0, min(1.0, weight)) if math.isfinite(weight) else 0.0
        ranges.append(MediaRange(kind, sub, q))
    return tuple(ranges)


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q the client gives ``media_type``: that of the most specific matching range."""
    best, q = -1, 0.0
    for media_range in ranges:
        spec = media_range.specificity(media_type)
        if spec > best:
            best, q = spec, media_range.q
    return q if best >= 0 else 0.0


def _weights(ranges: Sequence[MediaRange]) -> dict[tuple[str, str], float]:
    """Each range's q by its ``(type, subtype)`` (``*/x`` counts as ``*/*``, as
    :meth:`MediaRange.specificity` reads it), the first of equals kept: one pass over a header,
    after which a media type's q is three look-ups (:func:`_quality`), not one more pass."""
    weights: dict[tuple[str, str], float] = {}
    for r in ranges:
        weights.setdefault(("*", "*") if r.type == "*" else (r.type, r.subtype), r.q)
    return weights


@functools.lru_cache(maxsize=64)
def _weights_for(accept: str | None) -> dict[tuple[str, str], float]:
    """:func:`_weights` of an ``Accept`` header, kept for the next negotiation of the request
    (read only)."""
    return _weights(parse_accept(accept))


def _quality(weights: dict[tuple[str, str], float], media_type: str) -> float:
    """:func:`quality` over :func:`_weights`: that of the most specific matching range."""
    kind, _, sub = media_type.partition("/")
    for key in ((kind, sub), (kind, "*"), ("*", "*")):
        if key in weights:
            return weights[key]
    return 0.0


def choose(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the client prefers (ties go to the earlier offer), or None."""
    weights = _weights_for(accept)
    best: str | None = None
    best_q = 0.0
    for offer in offers:
        q = _quality(weights, offer)
        if q > best_q:
            best, best_q = offer, q
    return best


def prefers_html(accept: str | None) -> bool:
    """True when the client asks for HTML at least as much as for anything else (browsers)."""
    ranges = parse_accept(accept)
    html_q = _quality(_weights_for(accept), HTML)
    explicit = any(r.type == "text" and r.subtype == "html" for r in ranges)
    return explicit and html_q > 0 and html_q >= max(r.q for r in ranges)


def accepts_html(accept: str | None) -> bool:
    """Whether the client takes HTML at all (browsers, and ``*/*``)."""
    return _quality(_weights_for(accept), HTML) > 0
