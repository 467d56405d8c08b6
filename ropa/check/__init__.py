"""Stage 3, check: the rule catalogue run on a loaded register, with overrides and waivers, into findings."""
