"""Benchmarks of CTIMS at scale: `make bench` (see bench/README.md)."""
