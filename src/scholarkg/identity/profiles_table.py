"""The profile tables of the registry: profiles, their sources and snapshots, organisations."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence


class ProfileTables:
    """Profiles and organisations (a part of :class:`~.registry.Registry`)."""

    db: sqlite3.Connection
    live: Callable[[int], int]  # the registry's (persons)
    mark_dirty: Callable[[int], None]

    def profile_for(self, keys: Sequence[str]) -> str | None:
        """The profile slug registered under the first of ``keys`` that is known."""
        for key in keys:
            row = self.db.execute(
                "SELECT slug FROM profile_sources WHERE key = ?", (key,)
            ).fetchone()
            if row is not None:
                return str(row[0])
        return None

    def profile_name(self, slug: str) -> str | None:
        row = self.db.execute("SELECT name FROM profiles WHERE slug = ?", (slug,)).fetchone()
        return None if row is None else str(row[0])

    def add_profile(self, slug: str, name: str, location: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO profiles (slug, name, location) VALUES (?, ?, ?)",
            (slug, name, location),
        )

    def add_profile_source(self, key: str, slug: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO profile_sources VALUES (?, ?)", (key, slug))

    def set_profile_person(self, slug: str, pid: int) -> None:
        self.db.execute("UPDATE profiles SET person = ? WHERE slug = ?", (pid, slug))
        self.mark_dirty(pid)

    def profile_person(self, slug: str) -> int | None:
        """The live person a profile is about."""
        row = self.db.execute("SELECT person FROM profiles WHERE slug = ?", (slug,)).fetchone()
        return None if row is None or row[0] is None else self.live(int(row[0]))

    def profile_founder(self, slug: str) -> int | None:
        """The person a profile founded (live or merged into another since)."""
        row = self.db.execute("SELECT person FROM profiles WHERE slug = ?", (slug,)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def profiles_of(self, pid: int) -> list[str]:
        """Slugs of the profiles whose researcher is ``pid``."""
        rows = self.db.execute("SELECT slug, person FROM profiles WHERE person IS NOT NULL")
        return sorted(str(slug) for slug, person in rows if self.live(int(person)) == pid)

    def add_snapshot(self, iri: str, profile: str, metrics: str) -> None:
        """A snapshot of a profile and its metric suffixes; a new one dirties the person."""
        row = self.db.execute("SELECT metrics FROM snapshots WHERE iri = ?", (iri,)).fetchone()
        if row is not None and str(row[0]) == metrics:
            return
        self.db.execute(
            "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)", (iri, profile, metrics)
        )
        if (pid := self.profile_person(profile)) is not None:
            self.mark_dirty(pid)

    def snapshots_of(self, profiles: Sequence[str]) -> list[tuple[str, str]]:
        """(snapshot IRI, metric suffixes joined by spaces) of these profiles."""
        out: list[tuple[str, str]] = []
        for slug in profiles:
            rows = self.db.execute(
                "SELECT iri, metrics FROM snapshots WHERE profile = ? ORDER BY iri", (slug,)
            )
            out += [(str(i), str(m)) for i, m in rows]
        return out

    # -- organisations ------------------------------------------------------------------------

    def organization_label(self, key: str, label: str) -> str:
        """Remember a spelling of an organisation; returns its preferred (first seen) label."""
        self.db.execute("INSERT OR IGNORE INTO organizations VALUES (?, ?)", (key, label))
        self.db.execute("INSERT OR IGNORE INTO organization_labels VALUES (?, ?)", (key, label))
        row = self.db.execute(
            "SELECT preferred FROM organizations WHERE key = ?", (key,)
        ).fetchone()
        return str(row[0])
