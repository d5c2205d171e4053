"""What, besides its input bytes, decides the graphs a chunk of arXiv records becomes: a chunk
whose bytes and fingerprint the store has seen before is skipped by a later run."""

from __future__ import annotations

import hashlib

from scholarkg import __version__
from scholarkg.iris import MINTING, Minter
from scholarkg.limits import Limits, record_limits
from scholarkg.resources import ONTOLOGY_FILES, ontology_dir, shapes_dir

# bump when transform/arxiv.py changes what it emits or the snapshot reader what it refuses
# (arxiv-4: control characters quarantine their line; arxiv-5: C1 controls too, as the API and
# OAI-PMH readers refuse them, and "ATLAS Collaboration: G. Aad" is a person named for a group,
# skg:onBehalfOf; arxiv-6: an author without a name quarantines its line, and a free-text list
# keeps a generational suffix with its name and has no author called "et al"; arxiv-7: a DOI
# field's "10.1007/ s00373-…" is one DOI, "doi:" is no part of one, "10.1007/" is none, and an
# "authors" text over literal_bytes quarantines its line; arxiv-8: published is the first
# version's day and updated the latest's, never another version's, and a version date that is
# no JSON string quarantines its line; arxiv-9: an id is ASCII digits and letters, its version
# at most 6 digits, or the line is quarantined; arxiv-10: a free-text author list names its
# authors as arXiv's parsed list does, TeX letters as the letters and a space after each
# initial, affiliations' TeX letters too; arxiv-11: a line giving a key twice with different
# values is quarantined; arxiv-12: a free-text list's affiliations are read as arXiv's parser
# reads them, footnote numbers by a legend it reads and an author without one taking the
# next author's; arxiv-13: a name read again is itself, so a parsed list's "A. .B" and stacked
# or braced accents list as the free text's do; arxiv-14: a key given twice with texts that
# differ only in white space is that text; arxiv-15: titles are NFC, whatever the door wrote (a
# record in NFD gave dcterms:title in NFD); arxiv-16: a free-text author whose suffix follows
# its own affiliation keeps both affiliations, and a free-text `J. Smith, Jr.` lists as
# `J. Smith Jr.` as every parsed door does; arxiv-17: a version date's four-digit year is the
# year written, 0001 no longer 2001, and year 0000 quarantines its line; arxiv-18: a title (and
# a name) is written and keyed without the characters no one sees, identity.invisible; arxiv-19:
# an author named with such characters alone quarantines its line, as a nameless one, and a
# DOI is read without them too (a soft hyphen or bidi mark linked another DOI); arxiv-20: an
# id's digit count is its month's, 4 from 0704 to 1412 and 5 from 1501, else its line is
# quarantined (0704.00020 loaded); chunks loaded before are read again)
MAPPING_VERSION = "arxiv-20"


def fingerprint(limits: Limits, iri_base: str) -> str:
    """What, besides the input bytes, decides a chunk's graphs: mapping, IRI base, shapes,
    ontology, and the limits that decide which records are quarantined."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (MAPPING_VERSION, MINTING, __version__, Minter(iri_base).base):
        digest.update(part.encode() + b"\0")
    digest.update((" ".join(map(str, record_limits(limits))) + "\0").encode())
    for path in [
        *sorted(shapes_dir().glob("*.ttl")),
        *(ontology_dir() / n for n in ONTOLOGY_FILES),
    ]:
        digest.update(path.read_bytes())
    return digest.hexdigest()
