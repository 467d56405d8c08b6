"""Stage 1, read: YAML with positions and limits, from regular files inside the register folder only."""
