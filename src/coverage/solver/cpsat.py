"""OR-Tools' CP-SAT module (`cp_model`), imported without pandas.

`ortools.sat.python.cp_model` imports pandas at its top, for its `*_series` helpers and
their type hints, which this package never uses. On the 2-core machine of the README
pandas took 0.27-0.37 s of a `rota replan` of about 1.5 s. So, unless something has
already imported pandas, `cp_model` is imported with `pandas` naming a stand-in whose
`Index` and `Series` are classes nothing is an instance of (all `cp_model` asks of pandas
as it is imported). The stand-in is taken away at once, so that a later `import pandas`
anywhere loads the real one, and in `cp_model` it is replaced by a name that loads the
real pandas when first used: the pandas helpers still work, and only they load it.
Should the stand-in not serve (an OR-Tools that asks more of pandas as it is imported),
`cp_model` is imported the usual way, with pandas.

`cp_model`'s own dependencies (numpy, its compiled helpers) are imported first, so that
the stand-in is in place only while `cp_model.py` itself runs; the solver is imported in
the main thread before any other starts (a thread importing pandas in that moment would
get the stand-in). Every solver module imports `cp_model` from here
(`tests/test_solver_import.py` checks that importing the solver loads no pandas, that the
model still solves, and that the pandas helpers work)."""

from __future__ import annotations

import contextlib
import importlib
import sys
import types
from typing import Any

# What `cp_model` imports besides pandas, imported before the stand-in is in place.
_DEPENDENCIES = (
    "numpy",
    "ortools.sat.python.cp_model_helper",
    "ortools.util.python.sorted_interval_list",
)


def _stand_in() -> types.ModuleType:
    module = types.ModuleType("pandas", "A stand-in for pandas while cp_model is imported.")

    class Index:  # nothing is an instance of these
        pass

    class Series:
        pass

    module.Index = Index  # type: ignore[attr-defined]
    module.Series = Series  # type: ignore[attr-defined]
    return module


class _OnFirstUse(types.ModuleType):
    """pandas, imported when one of its names is first asked for."""

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("pandas"), name)


def import_without_pandas(name: str, before: tuple[str, ...] = ()) -> types.ModuleType:
    """The module `name`, imported (after the modules `before`) with the stand-in for
    pandas when neither it nor pandas is loaded yet; imported the usual way when the
    stand-in does not serve."""
    if name in sys.modules or "pandas" in sys.modules:
        return importlib.import_module(name)
    for dependency in before:
        with contextlib.suppress(ImportError):
            importlib.import_module(dependency)
    loaded = set(sys.modules)
    stand_in = _stand_in()
    sys.modules["pandas"] = stand_in
    try:
        module = importlib.import_module(name)
    except Exception:
        # Not enough for this module: forget every module imported meanwhile (they may
        # hold the stand-in), and import it the usual way below.
        for added in set(sys.modules) - loaded:
            del sys.modules[added]
    else:
        lazy = _OnFirstUse("pandas", "pandas, imported when first used.")
        for added in set(sys.modules) - loaded:
            namespace = vars(sys.modules[added])
            for key, value in list(namespace.items()):
                if value is stand_in:
                    namespace[key] = lazy
        return module
    finally:
        if sys.modules.get("pandas") is stand_in:
            del sys.modules["pandas"]
    return importlib.import_module(name)


import_without_pandas("ortools.sat.python.cp_model", _DEPENDENCIES)

from ortools.sat.python import cp_model  # noqa: E402

__all__ = ["cp_model"]
