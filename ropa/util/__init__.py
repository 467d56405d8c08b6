"""Small helpers every stage uses: atomic writes and safe paths, the document date, normalised zips."""
