"""The arXiv jobs — fetch by id, harvest OAI-PMH, load a snapshot — on the one pipeline.

Each reads records through its door, sends them through :class:`~scholarkg.runs.records.Ingest`
(emit, gate, identity, title index) into the run's loader, and closes the run like every job.
A snapshot load uses the bulk loader by default; the others load graph by graph.

Each job has its module (:mod:`~scholarkg.runs.arxiv_fetch`,
:mod:`~scholarkg.runs.arxiv_harvest`, :mod:`~scholarkg.runs.arxiv_snapshot`); they are
imported from here.
"""

from __future__ import annotations

from scholarkg.runs.arxiv_fetch import fetch_ids
from scholarkg.runs.arxiv_harvest import check_again, harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot

__all__ = ["check_again", "fetch_ids", "harvest", "load_snapshot"]
