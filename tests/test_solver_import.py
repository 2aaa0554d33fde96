"""The solver imports OR-Tools' CP-SAT without pandas (`coverage.solver.cpsat`), and
still solves; pandas imported later is the real one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def run(code: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_solver_loads_no_pandas_and_still_solves() -> None:
    out = run(
        """
        import sys
        import coverage.solver
        from coverage.solver.cpsat import cp_model
        assert "pandas" not in sys.modules, "pandas loaded"
        # What the solver asks of CP-SAT: variables, constraints, hints, a copy, a
        # callback.
        model = cp_model.CpModel()
        x, y, z = (model.new_bool_var(n) for n in "xyz")
        model.add_at_most_one(x, y)
        model.add_bool_or([y, z])
        model.add_implication(x, z)
        model.add(cp_model.LinearExpr.weighted_sum([x, y, z], [1, 1, 1]) <= 2)
        model.add_hint(x, 1)
        copy = model.clone()
        copy.maximize(2 * x + y + z)

        class Seen(cp_model.CpSolverSolutionCallback):
            def __init__(self):
                super().__init__()
                self.values = []

            def on_solution_callback(self):
                self.values.append(round(self.objective_value))

        solver = cp_model.CpSolver()
        seen = Seen()
        assert solver.solve(copy, seen) == cp_model.OPTIMAL
        print(solver.value(x), solver.value(y), solver.value(z), seen.values[-1])
        assert "pandas" not in sys.modules, "pandas loaded by a solve"
        # The pandas helpers still work, with the real pandas, loaded when first used.
        import pandas
        assert hasattr(pandas, "DataFrame"), "the stand-in is still there"
        index = pandas.Index(["a", "b"])
        series = copy.new_bool_var_series("s", index)
        assert isinstance(series, pandas.Series)
        print(list(solver.values([x, y])))
        """
    )
    assert out.split() == ["1", "0", "1", "3", "[1,", "0]"]


def test_a_module_that_asks_more_of_pandas_is_imported_the_usual_way(tmp_path: Path) -> None:
    # A helper that takes the stand-in as it is imported, and a module that then asks
    # for more than the stand-in has: both must end with the real pandas.
    package = tmp_path / "needs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helper.py").write_text("import pandas as pd\nINDEX = pd.Index\n")
    (package / "main.py").write_text(
        "import pandas as pd\nfrom needs import helper\nFRAME = pd.DataFrame\n"
    )
    out = run(
        """
        from coverage.solver.cpsat import import_without_pandas
        module = import_without_pandas("needs.main")
        import pandas
        from needs import helper
        assert module.FRAME is pandas.DataFrame, "main"
        assert helper.INDEX is pandas.Index and helper.pd is pandas, "helper"
        print("real")
        """,
        cwd=tmp_path,
    )
    assert out.split() == ["real"]


def test_pandas_already_loaded_is_used_as_it_is() -> None:
    out = run(
        """
        import pandas
        from coverage.solver.cpsat import cp_model
        assert cp_model.pd is pandas
        print("same")
        """
    )
    assert out.split() == ["same"]
