"""SYNTHETIC (constructed for tests, as tests/test_oai_pmh.py's wrappers): OAI-PMH ``GetRecord``
answers in the ``arXivRaw`` format holding 0704.0002's facts, one version
(:data:`ARXIV_RAW_0704_0002`) or both (:data:`ARXIV_RAW`), for tests that edit a field of one
through that door; and 0704.0002's real snapshot line, parsed (:data:`SNAPSHOT_0704_0002`)."""

from __future__ import annotations

import json

from arxiv_replay import OAI_DIR

ARXIV_RAW_0704_0002 = b"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2025-04-01T10:00:00Z</responseDate>
<GetRecord><record><header><identifier>oai:arXiv.org:0704.0002</identifier>
<datestamp>2008-12-13</datestamp></header>
<metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/">
<id>0704.0002</id><submitter>Louis Theran</submitter>
<version version="v1"><date>Sat, 31 Mar 2007 02:26:18 GMT</date><size>17kb</size></version>
<title>Sparsity-certifying Graph Decompositions</title>
<authors>Ileana Streinu and Louis Theran</authors><categories>math.CO cs.CG</categories>
</arXivRaw></metadata></record></GetRecord></OAI-PMH>"""

# SYNTHETIC: no real arXivRaw answer exists offline (see PROVENANCE.md). This record follows
# arXiv/oaipmh's record_formats.xml template; its facts are 0704.0002's from the snapshot
# sample, the sizes and source types are invented for the test.
ARXIV_RAW = b"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2025-04-01T10:00:00Z</responseDate>
<request verb="GetRecord" identifier="oai:arXiv.org:0704.0002" metadataPrefix="arXivRaw">https://oaipmh.arxiv.org/oai</request>
<GetRecord><record><header><identifier>oai:arXiv.org:0704.0002</identifier>
<datestamp>2008-12-13</datestamp><setSpec>cs</setSpec><setSpec>math</setSpec></header>
<metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/">
<id>0704.0002</id><submitter>Louis Theran</submitter>
<version version="v2"><date>Sat, 13 Dec 2008 17:26:00 GMT</date><size>20kb</size>
<source_type>D</source_type></version>
<version version="v1"><date>Sat, 31 Mar 2007 02:26:18 GMT</date><size>17kb</size></version>
<title>Sparsity-certifying Graph Decompositions</title>
<authors>Ileana Streinu and Louis Theran</authors><categories>math.CO cs.CG</categories>
<comments>To appear in Graphs and Combinatorics</comments>
<license>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</license>
<abstract>  We describe a new algorithm, the $(k,\\ell)$-pebble game with colors.</abstract>
</arXivRaw></metadata></record></GetRecord></OAI-PMH>"""

SNAPSHOT_0704_0002 = json.loads(
    (OAI_DIR.parent / "kaggle" / "snapshot_sample_100.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()[0]
)
