"""Who is who: names, the identity registry, evidence rules, overrides and person graphs."""
