"""Short forms of English given names: ``Chris`` for ``Christopher``, ``Bill`` for ``William``.

A person who writes ``Chris Manning`` on one paper writes ``Christopher Manning`` on another.
This is a small table of well-known English hypocorisms (the usual short and pet forms of
common given names, as listed in general references such as the Oxford Dictionary of First
Names), not a full dictionary: each short form stands for the few full names it is commonly
used for (``Alex`` for Alexander or Alexandra, ``Kate`` for Katherine, Catherine or Kathryn),
and two short forms of one full name agree (``Bill`` and ``Will``). A short form is never an
initial: ``Chris`` agrees with no ``Christian`` unless the table says so (it does), nor
``Dan`` with ``Danielle``. Comparison only: keys and blocks stay as written, and the names
still need evidence (a shared co-author, one position of one paper) to be one person.
"""

from __future__ import annotations

# short form (folded) -> the full names (folded) it stands for
_TABLE = {
    "alex": ("alexander", "alexandra"),
    "andy": ("andrew",),
    "ben": ("benjamin",),
    "beth": ("elizabeth",),
    "bill": ("william",),
    "billy": ("william",),
    "bob": ("robert",),
    "bobby": ("robert",),
    "cathy": ("catherine",),
    "charlie": ("charles",),
    "chris": ("christopher", "christian", "christine", "christina"),
    "dan": ("daniel",),
    "danny": ("daniel",),
    "dave": ("david",),
    "doug": ("douglas",),
    "ed": ("edward",),
    "fred": ("frederick",),
    "greg": ("gregory",),
    "jeff": ("jeffrey",),
    "jen": ("jennifer",),
    "jenny": ("jennifer",),
    "jim": ("james",),
    "jimmy": ("james",),
    "joe": ("joseph",),
    "jon": ("jonathan",),
    "josh": ("joshua",),
    "kate": ("katherine", "catherine", "kathryn"),
    "kathy": ("katherine", "kathryn"),
    "katie": ("katherine", "catherine", "kathryn"),
    "ken": ("kenneth",),
    "liz": ("elizabeth",),
    "matt": ("matthew",),
    "mike": ("michael",),
    "nick": ("nicholas", "nicolas"),
    "pete": ("peter",),
    "phil": ("philip", "phillip"),
    "rob": ("robert",),
    "ron": ("ronald",),
    "sam": ("samuel", "samantha"),
    "steve": ("steven", "stephen"),
    "ted": ("edward", "theodore"),
    "tim": ("timothy",),
    "tom": ("thomas",),
    "tony": ("anthony",),
    "will": ("william",),
}
FULL_NAMES: dict[str, frozenset[str]] = {short: frozenset(f) for short, f in _TABLE.items()}


def same_given(x: str, y: str) -> bool:
    """Two folded given names one person writes: a short form and a full name it stands for
    (``chris``, ``christopher``), or two short forms of one full name (``bill``, ``will``)."""
    fx, fy = FULL_NAMES.get(x), FULL_NAMES.get(y)
    if fx is None and fy is None:
        return False
    return (fx is not None and (y in fx or (fy is not None and not fx.isdisjoint(fy)))) or (
        fy is not None and x in fy
    )


def full_name_blocks(words: tuple[str, ...]) -> list[str]:
    """The name blocks of the full names a name's first given name stands for, other than its
    own (``bill smith``: ``smith-w``; ``kate smith``: ``smith-c``)."""
    if len(words) < 2:
        return []
    first = words[0]
    initials = {f[0] for f in FULL_NAMES.get(first, ()) if f[0] != first[0]}
    return [f"{words[-1]}-{initial}" for initial in sorted(initials)]
