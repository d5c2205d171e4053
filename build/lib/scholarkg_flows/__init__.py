"""Prefect flows: thin wiring of scholarkg library calls (installed as ``scholarkg_flows``)."""
