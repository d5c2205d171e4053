"""Bulk path: records → N-Triples terms → fast SHACL gate → Oxigraph bulk load, in parallel."""
