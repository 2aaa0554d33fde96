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
        model = cp_model.CpModel()
        x = model.new_bool_var("x")
        y = model.new_bool_var("y")
        model.add_at_most_one(x, y)
        model.maximize(2 * x + y)
        solver = cp_model.CpSolver()
        assert solver.solve(model) == cp_model.OPTIMAL
        print(solver.value(x), solver.value(y))
        import pandas
        assert hasattr(pandas, "DataFrame"), "the stand-in is still there"
        """
    )
    assert out.split() == ["1", "0"]


def test_a_module_that_asks_more_of_pandas_is_imported_the_usual_way(tmp_path: Path) -> None:
    (tmp_path / "needs_pandas.py").write_text(
        "import pandas as pd\nFRAME = pd.DataFrame\nINDEX = pd.Index\n"
    )
    out = run(
        """
        import sys
        sys.path.insert(0, ".")
        from coverage.solver.cpsat import import_without_pandas
        module = import_without_pandas("needs_pandas")
        import pandas
        assert module.FRAME is pandas.DataFrame and module.INDEX is pandas.Index
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
