"""Tests of the auditor package, verify and diff."""
