"""Shared test setup: the benchmarks' hand method (`baseline.greedy_rota`) is importable, so
that tests can hold the solver to the floor the benchmarks measure it against."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
