"""SYNTHETIC (constructed for tests, as tests/test_oai_pmh.py's wrappers): one OAI-PMH
``GetRecord`` answer in the ``arXivRaw`` format holding 0704.0002's facts (one version), for
tests that edit a field of it through that door."""

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
