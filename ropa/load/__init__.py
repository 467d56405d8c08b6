"""Stage 2, load: the files' nodes into typed models, located errors, cross-references resolved."""
