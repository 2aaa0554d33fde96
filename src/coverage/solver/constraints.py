"""The hard rules (`coverage.hard_rules`) as CP-SAT constraints, and what `covered` means."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coverage.hard_rules import HARD_RULES, Decisions
from coverage.problem import StaffingProblem
from coverage.solver.cpsat import cp_model
from coverage.solver.variables import Variables


class CpSatLinear:
    """`coverage.hard_rules.Linear` on a CP-SAT model."""

    def __init__(self, model: cp_model.CpModel) -> None:
        self._model = model

    def at_most_one(self, variables: Sequence[Any]) -> None:
        self._model.add_at_most_one(variables)

    def not_both(self, first: Any, second: Any) -> None:
        self._model.add_bool_or([first.Not(), second.Not()])

    def at_most(self, terms: Sequence[tuple[int, Any]], bound: int) -> None:
        self._model.add(sum(c * v if c != 1 else v for c, v in terms) <= bound)

    def implies(self, condition: Any, consequence: Any) -> None:
        self._model.add_implication(condition, consequence)


class Constraints:
    """Adds every hard rule of the staffing problem to a model."""

    def __init__(self, model: cp_model.CpModel, problem: StaffingProblem, variables: Variables):
        self._model = model
        self._problem = problem
        self._decisions = Decisions(variables.covers, variables.late_night)
        self._covered = variables.covered

    def add_all(self) -> None:
        """Every hard rule, and what `covered` means."""
        linear = CpSatLinear(self._model)
        for rule in HARD_RULES:
            rule.constrain(linear, self._problem, self._decisions)
        self._covered_means_someone_attends()

    def _covered_means_someone_attends(self) -> None:
        """A meeting counts as covered only when at least one attendee sits in it."""
        # Only this direction: every tier pushes `covered` up or holds its weighted sum, and
        # scores are computed from the assignments, not from `covered`.
        for meeting, covered in self._covered.items():
            self._model.add(covered <= sum(self._decisions.by_meeting[meeting]))
