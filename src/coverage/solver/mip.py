"""The coverage tier as a mixed-integer programme, solved by HiGHS (through OR-Tools'
MathOpt, bundled with the `ortools` wheel); `coverage.solver.race` runs it on the second
core while CP-SAT searches.

Measured on scarce synthetic days and conferences (README, "How a rota is found, and
proven"): an LP-based branch and bound proves the coverage tier where one CP-SAT worker
does not (a whole conference of 40 people and 2,700 meetings: proven in about 15 s against
0.8 % short after 45 s), and is never far behind elsewhere. For the depth and quality tiers
CP-SAT is better, so only coverage races.

The rules are the same as `Constraints` (one function per rule below, in the same order);
`tests/test_engine.py` checks that both reach the same proven optimum.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ortools.math_opt.python import mathopt

from coverage.problem import StaffingProblem

Pair = tuple[str, str]


@dataclass(frozen=True)
class MipResult:
    """What HiGHS found: the rota (None when it found none), and whether it is proven."""

    chosen: frozenset[Pair] | None
    proven: bool
    seconds: float


class CoverageMip:
    """The coverage tier of one staffing problem as a MIP, with the earlier tiers' holds
    (commitments) as constraints: a binary per eligible pair and per coverable meeting."""

    def __init__(self, problem: StaffingProblem, commitments: int | None = None) -> None:
        self.problem = problem
        self.model = mathopt.Model(name="coverage")
        self.x = {key: self.model.add_binary_variable() for key in problem.options}
        meetings = sorted({m for _, m in problem.options})
        self.y = {m: self.model.add_binary_variable() for m in meetings}
        self._by_meeting: dict[str, list[mathopt.Variable]] = defaultdict(list)
        self._by_attendee: dict[str, list[tuple[str, mathopt.Variable]]] = defaultdict(list)
        for (attendee, meeting), var in self.x.items():
            self._by_meeting[meeting].append(var)
            self._by_attendee[attendee].append((meeting, var))
        self._seats()
        self._no_overlap()
        self._rest_between_days()
        self._daily_duty()
        self._late_nights_in_a_row()
        self._covered_means_someone_attends()
        if commitments is not None and problem.pinned:
            pinned = [self.x[p] for p in sorted(problem.pinned) if p in self.x]
            self.model.add_linear_constraint(mathopt.fast_sum(pinned) >= commitments)
        self.model.maximize(
            mathopt.fast_sum(problem.slots[m].weight * var for m, var in self.y.items())
        )

    def _add(self, expression: mathopt.LinearExpression | mathopt.BoundedLinearExpression) -> None:
        self.model.add_linear_constraint(expression)

    def _seats(self) -> None:
        for meeting, attending in self._by_meeting.items():
            seats = self.problem.slots[meeting].seats
            if len(attending) > seats:
                self._add(mathopt.fast_sum(attending) <= seats)

    def _no_overlap(self) -> None:
        for attendee, groups in self.problem.overlap_groups.items():
            for group in groups:
                self._add(mathopt.fast_sum(self.x[attendee, m] for m in group) <= 1)

    def _rest_between_days(self) -> None:
        for attendee, pairs in self.problem.rest_pairs.items():
            for first, second in pairs:
                self._add(self.x[attendee, first] + self.x[attendee, second] <= 1)

    def _daily_duty(self) -> None:
        for attendee, taken in self._by_attendee.items():
            per_day: dict[int, list[tuple[int, mathopt.Variable]]] = defaultdict(list)
            for meeting, var in taken:
                slot = self.problem.slots[meeting]
                per_day[slot.day].append((slot.minutes, var))
            for day, terms in per_day.items():
                cap = self.problem.duty_left(attendee, day)
                if sum(minutes for minutes, _ in terms) > cap:
                    self._add(mathopt.fast_sum(minutes * var for minutes, var in terms) <= cap)

    def _late_nights_in_a_row(self) -> None:
        late: dict[tuple[str, int], mathopt.Variable] = {}
        for attendee, taken in self._by_attendee.items():
            for meeting, var in taken:
                slot = self.problem.slots[meeting]
                if slot.late:
                    night = late.get((attendee, slot.day))
                    if night is None:
                        night = late[attendee, slot.day] = self.model.add_binary_variable()
                    self._add(var <= night)
        limit = self.problem.max_late
        for attendee, windows in self.problem.late_windows.items():
            for days, already in windows:
                nights = [late[attendee, d] for d in days if (attendee, d) in late]
                if nights and len(nights) + already > limit:
                    self._add(mathopt.fast_sum(nights) <= max(0, limit - already))

    def _covered_means_someone_attends(self) -> None:
        for meeting, covered in self.y.items():
            self._add(covered <= mathopt.fast_sum(self._by_meeting[meeting]))

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
        started = datetime.datetime.now()
        result = mathopt.solve(
            self.model,
            mathopt.SolverType.HIGHS,
            params=params,
            model_params=model_params,
        )
        elapsed = (datetime.datetime.now() - started).total_seconds()
        proven = result.termination.reason == mathopt.TerminationReason.OPTIMAL
        if not result.has_primal_feasible_solution():
            return MipResult(None, False, elapsed)
        solution = result.variable_values()
        found = frozenset(key for key, var in self.x.items() if solution[var] > 0.5)
        return MipResult(found, proven, elapsed)
