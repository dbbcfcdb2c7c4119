"""Benchmarks: each module's `main()` prints figures and ratios against a baseline run beside it.

`python -m bench` (or `make bench`) runs them all; `python -m bench NAME …` runs the ones named.
"""
