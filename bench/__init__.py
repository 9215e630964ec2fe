"""Benchmarks for liveview: run them as scripts (``make bench``), not as tests."""
