"""A SPARQL server's answer in UTF-8, whatever charset its ``Content-Type`` declares.

pyoxigraph reads query results and RDF as UTF-8 only, and reads SELECT results lazily: an answer
in ISO-8859-1 or UTF-16 (``application/sparql-results+json; charset=ISO-8859-1``) failed as a
``SyntaxError`` raised while the caller went through the rows, a traceback past every handler
of the store's errors. The answer is decoded with the charset it declares and encoded as UTF-8;
one that does not decode so is a one-line :class:`~scholarkg.errors.QueryError` before anything
reads it.
"""

from __future__ import annotations

import codecs
from email.message import Message

from scholarkg.errors import QueryError

_UTF8 = {"utf-8", "utf8"}


def declared_charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` value (lowercase), or None."""
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_param("charset")
    return charset.strip().lower() if isinstance(charset, str) and charset.strip() else None


def as_utf8(body: bytes, content_type: str, where: str) -> bytes:
    """``body`` as UTF-8, decoded with the charset ``content_type`` declares (none: UTF-8); a
    :class:`QueryError` naming ``where`` when it does not decode."""
    charset = declared_charset(content_type) or "utf-8"
    if charset in _UTF8:
        text = _decode(body, "utf-8-sig", charset, where)  # a byte-order mark is no text
        return body if not body.startswith(codecs.BOM_UTF8) else text.encode("utf-8")
    try:
        codecs.lookup(charset)
    except LookupError:
        raise QueryError(
            f"{where}: the answer's charset {charset!r} is unknown (Content-Type: {content_type!r})"
        ) from None
    return _decode(body, charset, charset, where).encode("utf-8")


def _decode(body: bytes, codec: str, charset: str, where: str) -> str:
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        raise QueryError(
            f"{where}: the answer is not {charset} text as its Content-Type says: byte "
            f"0x{body[exc.start]:02x} at offset {exc.start}"
        ) from None
