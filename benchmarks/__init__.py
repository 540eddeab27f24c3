"""Benchmarks: `python -m benchmarks [NAME ...]` (or `make bench`). Not tests: they print figures."""
