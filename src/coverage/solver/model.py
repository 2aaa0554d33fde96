"""The staffing model and its lexicographic solve."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from coverage.problem import StaffingProblem
from coverage.solver.constraints import Constraints
from coverage.solver.objective import TIERS, Tier
from coverage.solver.variables import Variables, create_variables


@dataclass(frozen=True)
class SolveParams:
    """How hard and how to search.

    `time_limit` is the budget in seconds for all tiers together. One worker with a fixed
    seed is deterministic; with more workers the search is interleaved deterministically
    (see README, "Same input, same rota")."""

    time_limit: float = 60.0
    workers: int = 1
    seed: int = 0
    tiers: tuple[str, ...] = tuple(t.name for t in TIERS)


@dataclass(frozen=True)
class TierResult:
    """What one tier achieved: its value, the solver's bound on it, and whether the value is
    proven optimal (given the tiers before it)."""

    name: str
    sense: str
    meaning: str
    value: int
    bound: int
    optimal: bool
    status: str
    seconds: float


@dataclass
class Solution:
    """The assignments chosen and each tier's result."""

    assignments: frozenset[tuple[str, str]]  # (attendee, meeting)
    tiers: list[TierResult] = field(default_factory=list)

    @property
    def optimal(self) -> bool:
        """Whether every tier solved is proven optimal."""
        return all(t.optimal for t in self.tiers)


class StaffingModel:
    """The CP-SAT model of one staffing problem: variables, constraints, objective tiers."""

    def __init__(self, problem: StaffingProblem) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        self.variables: Variables = create_variables(self.model, problem)
        Constraints(self.model, problem, self.variables).add_all()

    def hint(self, assignments: Iterable[tuple[str, str]]) -> None:
        """Suggest a rota as the starting point (replacing any earlier hint)."""
        chosen = set(assignments)
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for key, var in self.variables.covers.items():
            self.model.add_hint(var, key in chosen)

    def solve(self, params: SolveParams) -> Solution:
        """Optimise the tiers in order; each later tier keeps the earlier ones at the value
        found (the proven optimum when the solver proved it)."""
        started = time.monotonic()
        tiers = [t for t in TIERS if t.name in params.tiers]
        results: list[TierResult] = []
        best: list[int] | None = None
        for index, tier in enumerate(tiers):
            remaining = max(0.05, params.time_limit - (time.monotonic() - started))
            share = 0.5 if index < 2 and len(tiers) > index + 1 else 1 / (len(tiers) - index)
            result, values = self._solve_tier(tier, params, remaining * share)
            if values is None:
                # No rota found in time for this tier: keep the previous one.
                results.append(result)
                break
            best = values
            results.append(result)
            self._hold(tier, result.value)
            self._hint_values(values)
        assignments = frozenset(
            key
            for key, var in self.variables.covers.items()
            if best is not None and best[var.index]
        )
        return Solution(assignments, results)

    def _solve_tier(
        self, tier: Tier, params: SolveParams, seconds: float
    ) -> tuple[TierResult, list[int] | None]:
        expression = tier.expression(self.problem, self.variables)
        if tier.sense == "max":
            self.model.maximize(expression)
        else:
            self.model.minimize(expression)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = max(1, params.workers)
        solver.parameters.random_seed = params.seed
        solver.parameters.linearization_level = 2
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.max_deterministic_time = seconds
        if params.workers > 1:
            solver.parameters.interleave_search = True
        tick = time.monotonic()
        status = solver.solve(self.model)
        elapsed = time.monotonic() - tick
        name = solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if status == cp_model.MODEL_INVALID:
                raise RuntimeError(f"internal error: invalid model ({self.model.validate()})")
            return TierResult(tier.name, tier.sense, tier.meaning, 0, 0, False, name, elapsed), None
        values = list(solver.response_proto.solution)
        result = TierResult(
            name=tier.name,
            sense=tier.sense,
            meaning=tier.meaning,
            value=round(solver.objective_value),
            bound=round(solver.best_objective_bound),
            optimal=status == cp_model.OPTIMAL,
            status=name,
            seconds=round(elapsed, 3),
        )
        return result, values

    def _hold(self, tier: Tier, value: int) -> None:
        expression = tier.expression(self.problem, self.variables)
        if isinstance(expression, int):
            return  # nothing to decide in this tier
        if tier.sense == "max":
            self.model.add(expression >= value)
        else:
            self.model.add(expression <= value)

    def _hint_values(self, values: list[int]) -> None:
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for var in self.variables.all():
            self.model.add_hint(var, values[var.index])
