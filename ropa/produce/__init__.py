"""Stage 4 around render/: documents rendered in worker processes, reused from a signed cache, written atomically."""
