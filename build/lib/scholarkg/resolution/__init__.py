"""Resolving profile papers to arXiv: local title index, batched API searches, scoring."""
