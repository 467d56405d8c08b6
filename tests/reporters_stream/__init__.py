"""Reporters write their output incrementally: same bytes as before, bounded memory."""
