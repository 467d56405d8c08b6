"""Tests of the rendered documents (PDF register, annexes, safety of rendering)."""
