"""Shared test setup: the benchmarks' hand method (`baseline.greedy_rota`) is importable, so
that tests can hold the solver to the floor the benchmarks measure it against."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from hypothesis import HealthCheck, settings

# The marks of workspaces validated whole (coverage.io.remember_valid) go to a cache folder
# of the test run, not the user's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="rota-tests-cache-")

# Every property test: the same examples on every run and machine (derandomized, no
# database), no per-example deadline (solves vary with the machine), and no complaint about
# slow generation or filtering. A test file sets only how many examples it tries.
settings.register_profile(
    "rota",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
settings.load_profile("rota")
