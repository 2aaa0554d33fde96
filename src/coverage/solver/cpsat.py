"""OR-Tools' CP-SAT module (`cp_model`), imported without pandas.

`ortools.sat.python.cp_model` imports pandas at its top, for its `*_series` helpers and
their type hints, which this package never uses. On the 2-core machine of the README
pandas took 0.27-0.37 s of a `rota replan` of about 1.5 s. So, unless something has
already imported pandas, `cp_model` is imported with `pandas` naming a stand-in whose
`Index` and `Series` are classes nothing is an instance of (all `cp_model` asks of pandas
as it is imported), and the stand-in is taken away at once: a later `import pandas`
anywhere loads the real one. Should the stand-in not serve (an OR-Tools that asks more of
pandas as it is imported), `cp_model` is imported the usual way, with pandas.

Every solver module imports `cp_model` from here (`tests/test_solver_import.py` checks
that importing the solver loads no pandas, and that the model still solves)."""

from __future__ import annotations

import importlib
import sys
import types


def _stand_in() -> types.ModuleType:
    module = types.ModuleType("pandas", "A stand-in for pandas while cp_model is imported.")

    class Index:  # nothing is an instance of these
        pass

    class Series:
        pass

    module.Index = Index  # type: ignore[attr-defined]
    module.Series = Series  # type: ignore[attr-defined]
    return module


def import_without_pandas(name: str) -> types.ModuleType:
    """The module `name`, imported with the stand-in for pandas when neither is loaded
    yet; imported the usual way when the stand-in does not serve."""
    if name not in sys.modules and "pandas" not in sys.modules:
        stand_in = _stand_in()
        sys.modules["pandas"] = stand_in
        try:
            return importlib.import_module(name)
        except Exception:
            # Not enough for this module: forget it half imported, and import it the
            # usual way below.
            sys.modules.pop(name, None)
        finally:
            if sys.modules.get("pandas") is stand_in:
                del sys.modules["pandas"]
    return importlib.import_module(name)


import_without_pandas("ortools.sat.python.cp_model")

from ortools.sat.python import cp_model  # noqa: E402

__all__ = ["cp_model"]
