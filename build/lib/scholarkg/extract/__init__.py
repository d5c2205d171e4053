"""Extractors: fetch sources, archive their raw bytes, parse them into records."""
