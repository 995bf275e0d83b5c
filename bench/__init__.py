"""Benchmarks for trainer: `make bench` (or `python -m bench`) runs them all.

See bench/README.md for what each one measures, its goal and the last figures.
"""
