"""The coverage tier as a mixed-integer programme, solved by HiGHS (through OR-Tools'
MathOpt, bundled with the `ortools` wheel); `coverage.solver.race` runs it on the second
core while CP-SAT searches.

Measured on scarce synthetic days and conferences (README, "How a rota is found, and
proven"): an LP-based branch and bound proves the coverage tier on some days and
conferences where one CP-SAT worker does not in the same time (a whole conference of 40
people and 2,700 meetings: HiGHS alone proves it in about 45 s, CP-SAT alone is still short
of the optimum after 60 s), and CP-SAT is faster on others. For the depth and quality tiers
CP-SAT is far better, so only coverage races.

The rules are those of `coverage.hard_rules`, as for CP-SAT; `tests/test_optimality.py`
checks the MIP against brute force and `tests/test_engine.py` against CP-SAT's optimum.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.math_opt.python import mathopt

from coverage.hard_rules import HARD_RULES, Decisions, late_night_keys
from coverage.problem import StaffingProblem

Pair = tuple[str, str]


@dataclass(frozen=True)
class MipResult:
    """What HiGHS found: the rota (None when it found none), and whether it is proven."""

    chosen: frozenset[Pair] | None
    proven: bool
    seconds: float


class MathOptLinear:
    """`coverage.hard_rules.Linear` on a MathOpt model."""

    def __init__(self, model: mathopt.Model) -> None:
        self._model = model

    def at_most_one(self, variables: Sequence[Any]) -> None:
        self._model.add_linear_constraint(mathopt.fast_sum(variables) <= 1)

    def not_both(self, first: Any, second: Any) -> None:
        self._model.add_linear_constraint(first + second <= 1)

    def at_most(self, terms: Sequence[tuple[int, Any]], bound: int) -> None:
        self._model.add_linear_constraint(mathopt.fast_sum(c * v for c, v in terms) <= bound)

    def implies(self, condition: Any, consequence: Any) -> None:
        self._model.add_linear_constraint(condition <= consequence)


class CoverageMip:
    """The coverage tier of one staffing problem as a MIP, with the earlier tiers' holds
    (commitments) as constraints: a binary per eligible pair, per coverable meeting and per
    (attendee, day) that could be a late night; the hard rules of `coverage.hard_rules`."""

    def __init__(self, problem: StaffingProblem, commitments: int | None = None) -> None:
        self.problem = problem
        self.model = mathopt.Model(name="coverage")
        add = self.model.add_binary_variable
        self.x = {key: add() for key in problem.options}
        self.y = {m: add() for m in sorted({m for _, m in problem.options})}
        decisions = Decisions(self.x, {key: add() for key in late_night_keys(problem)})
        linear = MathOptLinear(self.model)
        for rule in HARD_RULES:
            rule.constrain(linear, problem, decisions)
        # A meeting counts as covered only when someone sits in it.
        for meeting, covered in self.y.items():
            attending = decisions.by_meeting[meeting]
            self.model.add_linear_constraint(covered <= mathopt.fast_sum(attending))
        if commitments is not None and problem.pinned:
            pinned = [self.x[p] for p in sorted(problem.pinned) if p in self.x]
            self.model.add_linear_constraint(mathopt.fast_sum(pinned) >= commitments)
        self.model.maximize(
            mathopt.fast_sum(problem.slots[m].weight * var for m, var in self.y.items())
        )

    def solve(
        self,
        seconds: float,
        hint: Iterable[Pair] = (),
    ) -> MipResult:
        """Solve within `seconds` of wall time, starting from `hint` (a rota that keeps
        the rules)."""
        chosen = frozenset(hint) & self.x.keys()
        covered = {m for _, m in chosen}
        values = {var: float(key in chosen) for key, var in self.x.items()}
        values.update({var: float(m in covered) for m, var in self.y.items()})
        model_params = mathopt.ModelSolveParameters(
            solution_hints=[mathopt.SolutionHint(variable_values=values)]
        )
        params = mathopt.SolveParameters(
            time_limit=datetime.timedelta(seconds=max(0.05, seconds)), random_seed=0
        )
        started = time.perf_counter()
        result = mathopt.solve(
            self.model,
            mathopt.SolverType.HIGHS,
            params=params,
            model_params=model_params,
        )
        elapsed = time.perf_counter() - started
        proven = result.termination.reason == mathopt.TerminationReason.OPTIMAL
        if not result.has_primal_feasible_solution():
            return MipResult(None, False, elapsed)
        solution = result.variable_values()
        found = frozenset(key for key, var in self.x.items() if solution[var] > 0.5)
        return MipResult(found, proven, elapsed)
