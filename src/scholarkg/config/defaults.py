"""The default tables: profile subject codes → arXiv categories, and the schedules."""

from __future__ import annotations

from typing import Any

SUBJECT_CODES: dict[str, str] = {
    "AI": "cs.AI",
    "AR": "cs.AR",
    "CC": "cs.CC",
    "CE": "cs.CE",
    "CG": "cs.CG",
    "CL": "cs.CL",
    "CR": "cs.CR",
    "CV": "cs.CV",
    "CY": "cs.CY",
    "DB": "cs.DB",
    "DC": "cs.DC",
    "DL": "cs.DL",
    "DM": "cs.DM",
    "DS": "cs.DS",
    "ET": "cs.ET",
    "FL": "cs.FL",
    "GL": "cs.GL",
    "GR": "cs.GR",
    "GT": "cs.GT",
    "HC": "cs.HC",
    "IR": "cs.IR",
    "IT": "cs.IT",
    "LG": "cs.LG",
    "LO": "cs.LO",
    "MA": "cs.MA",
    "MM": "cs.MM",
    "MS": "cs.MS",
    "NA": "cs.NA",
    "NE": "cs.NE",
    "NI": "cs.NI",
    "OH": "cs.OH",
    "OS": "cs.OS",
    "PF": "cs.PF",
    "PL": "cs.PL",
    "RO": "cs.RO",
    "SC": "cs.SC",
    "SD": "cs.SD",
    "SE": "cs.SE",
    "SI": "cs.SI",
    "SY": "cs.SY",
    "ML": "stat.ML",
    "AS": "eess.AS",
    "IV": "eess.IV",
    "SP": "eess.SP",
}
"""Profile subject codes; your ``[subject_codes]`` table is merged over these."""

SCHEDULES: dict[str, dict[str, Any]] = {
    "nightly-profiles": {
        "flow": "build_kg",
        "cron": "0 3 * * *",
        "timezone": "UTC",
        "parameters": {},
    },
    "daily-arxiv-harvest": {
        "flow": "harvest_arxiv",
        "cron": "30 4 * * *",
        "timezone": "UTC",
        "parameters": {"set_spec": "cs"},
    },
}
"""The deployments `scholarkg schedule serve` runs; your ``[schedules.*]`` replace them."""
