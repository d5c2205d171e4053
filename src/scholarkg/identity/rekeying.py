"""Re-keying a registry after the rules that key it changed (a part of
:class:`~.registry.Registry`): name blocks an older names version wrote, and paper and
organisation keys an older fold wrote. Once each, on opening."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from scholarkg import iris
from scholarkg.identity import names
from scholarkg.identity.name_reading import tokens_as
from scholarkg.iris import fold, slug


class Rekeying:
    """The re-keying part of :class:`~.layout.Layout`."""

    db: sqlite3.Connection
    set_paper_authors: Callable[..., None]  # the evidence tables'

    def _rekey_names(self) -> None:
        """Re-key the name blocks an older names version wrote (:data:`~.names.NAMES`; a
        registry without the mark is version 1): a block that version gave a name and this one
        does not is written again, the co-author pairs of its papers are indexed again, and a
        person whose name reads otherwise now, or whose preferred name is now the person's part
        of a name written for a group (``T. Montaruli``, not ``T. Montaruli for the IceCube
        Collaboration``), has their graph written again. Decisions stay: the next run reviews
        those the new reading may change (meta ``review``: :mod:`~.name_review`)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'names'").fetchone()
        was = "1" if row is None else str(row[0])
        if was == names.NAMES:
            return
        persons = []
        for pid, block, name in self.db.execute("SELECT id, block, name FROM persons"):
            if names.tokens(name) != tokens_as(name, was):
                now = names.block(name) if block == names.block_as(name, was) else block
                persons.append((now, int(pid)))
            elif names.person_part(name) != name:  # its foaf:name was the name as listed
                persons.append((block, int(pid)))
        self.db.executemany("UPDATE persons SET block = ?, dirty = 1 WHERE id = ?", persons)
        authors = [
            (names.block(name), str(paper), str(node))
            for paper, node, block, name in self.db.execute(
                "SELECT paper, node, block, name FROM paper_authors"
            )
            if block == names.block_as(name, was) != names.block(name)
        ]
        self.db.executemany(
            "UPDATE paper_authors SET block = ? WHERE paper = ? AND node = ?", authors
        )
        for paper in sorted({paper for _, paper, _ in authors}):
            self.set_paper_authors(paper, (), complete=False)  # its pairs from the new blocks
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('names', ?)", (names.NAMES,))
        # the decisions were made under `was`: the resolver reviews them (the earliest kept)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('review', ?)", (was,))

    def _refold_keys(self) -> None:
        """Give the papers and organisations keyed by an older fold
        (:data:`~scholarkg.iris.LETTERS`; a registry without the mark folded by letters 1,
        which kept ``ørsted`` for ``Ørsted``; letters 2 dropped TeX letters from an
        organisation's name) the key this fold writes too (``orsted``),
        beside the old one: a profile paper minted again under its new key is found as the
        paper it was (``same-paper``), a ``[people]`` reference by title finds the paper, an
        organisation keeps its label. Only a key with a letter past ASCII can fold otherwise
        now. Once."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'letters'").fetchone()
        if row is not None and str(row[0]) == iris.LETTERS:
            return
        wide = "WHERE key GLOB '*[^ -~]*'"  # a character past ASCII
        papers = self.db.execute(f"SELECT key, paper FROM paper_keys {wide}").fetchall()  # noqa: S608
        self.db.executemany(
            "INSERT OR IGNORE INTO paper_keys VALUES (?, ?)",
            ((fold(str(key), symbols=True), paper) for key, paper in papers),
        )
        for table, label in (("organizations", "preferred"), ("organization_labels", "label")):
            rows = self.db.execute(f"SELECT key, {label} FROM {table} {wide}").fetchall()  # noqa: S608
            # a name in TeX keyed by letters 2 lost its TeX letters ("{\\O}resund": "resund-…"):
            # keyed again from the name
            tex = f"SELECT {label}, {label} FROM {table} WHERE instr({label}, '\\')"  # noqa: S608
            rows += self.db.execute(tex).fetchall()
            self.db.executemany(
                f"INSERT OR IGNORE INTO {table} VALUES (?, ?)",  # noqa: S608
                ((slug(str(key)), text) for key, text in rows),
            )
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('letters', ?)", (iris.LETTERS,))
