"""Person identity: normalised name keys, with explicit merges and splits from config."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scholarkg.iris import name_key


@dataclass(frozen=True)
class People:
    """Decides which person key a name, as listed on one paper, belongs to.

    ``merge`` maps a name key to the key it is the same person as (``l-hussenot`` →
    ``leonard-hussenot``). ``split`` maps ``"<paper>|<name as listed>"`` (paper = arXiv id or
    exact title) to a key of its own, for namesakes that are different people.
    """

    merge: Mapping[str, str] = field(default_factory=dict)
    split: Mapping[str, str] = field(default_factory=dict)

    def key(self, name: str, paper: str | None = None) -> str:
        if paper is not None and (chosen := self.split.get(f"{paper}|{name}")):
            return chosen
        key = name_key(name)
        seen = {key}
        while key in self.merge:  # follow chains, never loop
            key = name_key(self.merge[key])
            if key in seen:
                break
            seen.add(key)
        return key
