"""Guards for loops over remote pages: every such loop ends.

A server may hand out the same resumption token forever (or A → B → A), serve the same page under
ever new tokens, serve empty pages under ever new tokens, hand out a token that grows page after
page, or simply never reach the end. :class:`PageGuard` stops a loop on a repeated token, on a
token too long to send back (:data:`MAX_TOKEN_BYTES`), on a repeated page, on
:data:`EMPTY_PAGES_IN_A_ROW` empty pages in a row, on a page cap and on a deadline, with a one-line
:class:`PagingStopped` that names what happened and the limit to raise. Its memory of tokens and
pages is plain data (short digests), so a resumable loop can keep it in its checkpoint and a
resumed run still recognises a cycle that began before it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from scholarkg.errors import ExtractError
from scholarkg.shown_text import shown

SEEN_WINDOW = 1000  # tokens and pages remembered (longer cycles end at the page cap)
# empty pages followed in a row, each with a new token: no progress (arXiv sends none)
EMPTY_PAGES_IN_A_ROW = 100
# the longest token followed: a token goes back in the URL, and servers refuse a request line
# much longer (Apache 8190 bytes, nginx 8 KB); arXiv's are a few dozen bytes
MAX_TOKEN_BYTES = 8192
_TOKEN_SHOWN = 60  # the characters of a token an error line shows


class PagingStopped(ExtractError):
    """A loop over remote pages was stopped by a guard: the source misbehaves or a limit hit."""


def digest(text: str) -> str:
    """A short, stable digest of a token or page key (what a checkpoint keeps)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _shown(token: str) -> str:
    """``token`` as an error line shows it: quoted, :func:`~scholarkg.shown_text.shown` (cut
    after its first 60 characters, ``…[8132 more characters]``; a control as its escape)."""
    return shown(token, limit=_TOKEN_SHOWN, quoted=True)


@dataclass
class PageGuard:
    """The state of one loop over pages: :meth:`page_done` after each page, then, before
    following its token, :meth:`check_limits` (a resumable loop saves its checkpoint between).

    ``tokens`` and ``pages`` are digests of what came so far (most recent last), ``empty`` the
    empty pages that came last in a row, ``pages_run`` counts the pages of this run (the cap and
    the deadline apply per run: a loop stopped by them can be resumed).
    """

    what: str
    max_pages: int
    deadline: float
    max_pages_key: str = "[limits] harvest_max_pages"
    deadline_key: str = "[limits] harvest_deadline"
    tokens: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    empty: int = 0
    pages_run: int = 0
    started: float = field(default_factory=time.monotonic)

    def page_done(self, source: str, next_token: str | None, page_key: str | None) -> None:
        """Note a page; raise :class:`PagingStopped` if it or ``next_token`` came before.

        ``page_key`` identifies the page's content (None for a page with nothing in it).
        """
        self.pages_run += 1
        self.empty = self.empty + 1 if page_key is None and next_token else 0
        if self.empty >= EMPTY_PAGES_IN_A_ROW:  # before: followed to the page cap (100 000)
            raise PagingStopped(
                source,
                f"{self.what}: {self.empty} pages in a row with no record, each with a new "
                "resumptionToken (the list gets no further); stopping",
            )
        if next_token:
            size = len(next_token.encode("utf-8"))
            if size > MAX_TOKEN_BYTES:
                raise PagingStopped(
                    source,
                    f"{self.what}: resumptionToken of {size} bytes ({_shown(next_token)}) is "
                    f"longer than a URL can carry back (over {MAX_TOKEN_BYTES} bytes); stopping",
                )
            mark = digest(next_token)
            if mark in self.tokens:
                raise PagingStopped(
                    source,
                    f"{self.what}: resumptionToken {_shown(next_token)} came back (the server "
                    "pages in a cycle); stopping",
                )
            self._remember(self.tokens, mark)
        if page_key is not None:
            mark = digest(page_key)
            if mark in self.pages:
                raise PagingStopped(
                    source, f"{self.what}: the server sent a page it had sent before; stopping"
                )
            self._remember(self.pages, mark)

    def check_limits(self, source: str) -> None:
        """Raise :class:`PagingStopped` when this run has read its pages or used its time."""
        if self.pages_run >= self.max_pages:
            raise PagingStopped(
                source,
                f"{self.what}: stopped after {self.pages_run} pages in this run: over "
                f"{self.max_pages_key} = {self.max_pages}; raise it in your config if the list "
                "is genuinely that long",
            )
        elapsed = time.monotonic() - self.started
        if elapsed > self.deadline:
            raise PagingStopped(
                source,
                f"{self.what}: stopped after {elapsed:.0f} s and {self.pages_run} pages in this "
                f"run: over {self.deadline_key} = {self.deadline:g}; raise it in your config if "
                "the list is genuinely that long",
            )

    @staticmethod
    def _remember(seen: list[str], mark: str) -> None:
        seen.append(mark)
        del seen[:-SEEN_WINDOW]
