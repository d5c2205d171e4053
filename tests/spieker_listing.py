"""A paper Helge Spieker's profile page lists and a snapshot line gives under another id, with
the title :data:`TITLE` (CONSTRUCTED: the real line of 0704.0002 and a page in the sample page's
layout; :func:`inputs`, whose id and titles test_fold_tex_letters_build.py changes): shared by
test_profile_resolved_later.py, test_split_title_of_two_papers.py and
test_fold_tex_letters_build.py."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_config
from constructed import listing, profile_page, snapshot_line
from scholarkg.config import Config, load_config

AUTHORS = ("Helge Spieker", "Arnaud Gotlieb")
TITLE = "Constructed Loads on Constructed Bridges"


def inputs(
    directory: Path, new_id: str = "9004.00003", titled: str = TITLE, listed_as: str = TITLE
) -> tuple[Config, Path]:
    """The config (the profile page, listing the paper as ``listed_as``) and the snapshot (the
    line as ``new_id``, titled ``titled``) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    line = json.loads(snapshot_line("0704.0002", new_id=new_id, authors=list(AUTHORS)))
    line["title"] = titled
    snapshot = directory / "snapshot.jsonl"
    snapshot.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    page = directory / "profile.txt"
    listed = listing("2202.12139", title=listed_as, authors=AUTHORS, truncated=False)
    page.write_bytes(profile_page("Helge Spieker", [listed]))
    return load_config(write_config(directory, [page])), snapshot
