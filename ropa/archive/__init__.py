"""Stage 5, archive: the auditor package, and everything that reads one back (verify, diff, package --since)."""
