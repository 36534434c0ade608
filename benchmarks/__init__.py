"""Benchmarks: each ``bench_*.py`` module has ``main()`` that measures and prints its figures,
as ratios against baselines measured in the same run. Run them all with ``python -m benchmarks``."""
