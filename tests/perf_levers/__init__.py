"""Tests that the speed settings of rendering leave the documents as they were."""
