"""Where the coverage tier's bound falls short on scarce days (a separate command, never
part of the tests; `tests/test_bounds.py` checks the pieces on small days).

    .venv/bin/python benchmarks/bounds.py                  # every day-sized case
    .venv/bin/python benchmarks/bounds.py --only scarce-25x180 --seconds 60

For each day of `scale.CASES` (one day, up to 40 people), side by side:

- the LP bound of the plain model (the MIP of `coverage.solver.mip`, integrality relaxed:
  what CP-SAT's and HiGHS's root bounds start from);
- the Dantzig-Wolfe bound: the same LP with each person's day replaced by the convex hull
  of the rotas that person can keep alone (no two clashing meetings, the duty cap), found
  by column generation (the pricing is a dynamic programme over the person's meetings by
  end time and duty minutes). It is what an exact per person-day formulation (a path or
  flow over the sorted meetings with duty levels, or column generation) would prove at
  its root: how much of the gap lies inside one person's day;
- CP-SAT on the coverage tier alone (one worker, `linearization_level` 2, hinted with the
  warm start; not `rota`'s coverage step, which adds its own narrowing, seed and
  neighbourhoods), its default search and its best-bound-first search (`lb_tree_search`),
  value and bound after `--seconds`;
- HiGHS on the MIP `rota`'s race solves (through MathOpt, here from no hint) after
  `--seconds`.

The Dantzig-Wolfe bound relaxes the rules that span days (rest, late nights), the
meetings-per-day caps, pins and commitments: on one day without history or pins (the
generated cases) they bind nothing, so it is exact there; elsewhere it stays a valid,
weaker bound. `--dw-seconds` stops its column generation early (its best Lagrangian bound,
still valid, is then reported as not converged).
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import math
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ortools.linear_solver import pywraplp  # noqa: E402
from ortools.math_opt.python import mathopt  # noqa: E402
from synthetic import conference  # noqa: E402

from coverage.io import load_workspace  # noqa: E402
from coverage.problem import Slot, StaffingProblem, build_problem  # noqa: E402
from coverage.solver.constraints import Constraints  # noqa: E402
from coverage.solver.cpsat import cp_model  # noqa: E402
from coverage.solver.mip import CoverageMip  # noqa: E402
from coverage.solver.objective import coverage  # noqa: E402
from coverage.solver.variables import create_variables  # noqa: E402
from coverage.solver.warm import warm_start  # noqa: E402

TOLERANCE = 1e-7


def best_day(
    slots: Sequence[Slot], values: Sequence[float], cap: int, changeover: int, unit: int = 1
) -> tuple[float, list[int]]:
    """The most valuable set of one person's meetings of one day that keeps the person's
    rules alone: no two closer than `changeover` (or overlapping), at most `cap` minutes in
    all. Returns its value and the indices (into `slots`) it takes. A dynamic programme
    over the meetings by end time and the minutes used, in steps of `unit` minutes (which
    divides every length and the cap)."""
    if not slots or cap < 0:
        return 0.0, []
    levels = cap // unit
    order = sorted(range(len(slots)), key=lambda i: (slots[i].end, slots[i].start))
    free_at = [slots[i].end + changeover for i in order]  # when each frees its person
    # best[k][t]: the best set among the first k meetings by end, within t units; how[k][t]
    # the last meeting it takes, with where the rest of it is (k', t').
    best = [[0.0] * (levels + 1)]
    how: list[list[tuple[int, int, int] | None]] = [[None] * (levels + 1)]
    for k, i in enumerate(order):
        size = slots[i].minutes // unit
        before = bisect.bisect_right(free_at, slots[i].start, 0, k)  # those it can follow
        row, way = list(best[k]), list(how[k])
        for t in range(size, levels + 1):
            value = best[before][t - size] + values[i]
            if value > row[t] + TOLERANCE:
                row[t], way[t] = value, (i, before, t - size)
        best.append(row)
        how.append(way)
    taken: list[int] = []
    step = how[len(order)][levels]
    while step is not None:
        i, k, t = step
        taken.append(i)
        step = how[k][t]
    return best[len(order)][levels], sorted(taken)


def keeps_own_rules(slots: Sequence[Slot], cap: int, changeover: int) -> bool:
    """Whether one person may take all of `slots` (of one day) by the rules `best_day`
    keeps: checked pair by pair, independently of it."""
    if sum(s.minutes for s in slots) > cap:
        return False
    return all(
        a.end + changeover <= b.start or b.end + changeover <= a.start
        for n, a in enumerate(slots)
        for b in slots[n + 1 :]
    )


@dataclass(frozen=True)
class Bound:
    """An upper bound on coverage: the best Lagrangian bound of the column generation
    (the master's value plus every person-day's best reduced cost above zero), which is
    the Dantzig-Wolfe bound itself once `converged` (no column left to add)."""

    value: float
    iterations: int
    columns: int
    seconds: float
    converged: bool


def _person_days(problem: StaffingProblem) -> dict[tuple[str, int], list[str]]:
    days: dict[tuple[str, int], list[str]] = {}
    for attendee, meeting in problem.options:
        days.setdefault((attendee, problem.slots[meeting].day), []).append(meeting)
    return {key: sorted(found) for key, found in sorted(days.items())}


def _check_clashes(problem: StaffingProblem, person_days: dict[tuple[str, int], list[str]]) -> None:
    """The pricing's clash rule must be the problem's own, both ways: two of a person's
    meetings of a day share an overlap group exactly when their times clash (closer than
    the changeover). Otherwise the bound could be too low (or too high) to be exact."""
    grouped: set[tuple[str, str, str]] = set()
    for attendee, groups in problem.overlap_groups.items():
        for group in groups:
            for n, first in enumerate(group):
                for second in group[n + 1 :]:
                    grouped.add((attendee, *sorted((first, second))))
    for (attendee, _), found in person_days.items():
        for n, first in enumerate(found):
            for second in found[n + 1 :]:
                apart = keeps_own_rules(
                    [problem.slots[first], problem.slots[second]], 10**9, problem.changeover
                )
                if apart == ((attendee, first, second) in grouped):
                    raise ValueError(
                        f"{attendee}: {first} and {second} clash "
                        f"{'in the problem but not' if apart else 'by their times but not'} "
                        f"{'by their times' if apart else 'in the problem'}: the pricing "
                        "would not be exact"
                    )


def dantzig_wolfe_bound(problem: StaffingProblem, limit: float = 600.0) -> Bound:
    """The coverage tier's LP bound with each person-day as the convex hull of the rotas
    the person can keep alone, by column generation (GLOP for the master LP)."""
    started = time.perf_counter()
    person_days = _person_days(problem)
    _check_clashes(problem, person_days)
    meetings = sorted({m for _, m in problem.options})
    # Each person-day's meetings and duty cap, the same at every pricing.
    own = {
        (a, d): ([problem.slots[m] for m in found], max(0, problem.duty_left(a, d)))
        for (a, d), found in person_days.items()
    }
    lengths = [problem.slots[m].minutes for m in meetings]
    unit = reduce(math.gcd, [*lengths, *(cap for _, cap in own.values())]) or 1
    lp = pywraplp.Solver.CreateSolver("GLOP")
    infinity = lp.infinity()
    objective = lp.Objective()
    objective.SetMaximization()
    # covered[m] <= sum of the columns that take m; the seats; one rota per person-day.
    cover, seats, covered = {}, {}, {}
    for m in meetings:
        covered[m] = lp.NumVar(0.0, 1.0, f"y[{m}]")
        objective.SetCoefficient(covered[m], problem.slots[m].weight)
        cover[m] = lp.Constraint(-infinity, 0.0)
        cover[m].SetCoefficient(covered[m], 1.0)
        seats[m] = lp.Constraint(-infinity, float(problem.slots[m].seats))
    one = {key: lp.Constraint(-infinity, 1.0) for key in person_days}
    priced: set[tuple[tuple[str, int], tuple[int, ...]]] = set()
    columns = iterations = 0
    best = math.inf
    while True:
        iterations += 1
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            raise RuntimeError("the master LP was not solved")
        value = objective.Value()
        # Every dual first: a column added makes the solution stale. (For a maximisation,
        # GLOP's duals of <= rows are >= 0.)
        price = {m: cover[m].dual_value() - seats[m].dual_value() for m in meetings}
        rent = {key: row.dual_value() for key, row in one.items()}
        added = 0
        above = 0.0  # the person-days' best reduced costs above zero
        for (attendee, day), found in person_days.items():
            slots, cap = own[attendee, day]
            gain, taken = best_day(slots, [price[m] for m in found], cap, problem.changeover, unit)
            above += max(0.0, gain - rent[attendee, day])
            if gain - rent[attendee, day] > 1e-6:
                if ((attendee, day), tuple(taken)) in priced:
                    # Its reduced cost in the master is <= 0: the pricing and the master
                    # disagree (a dual's sign, or a tolerance), and the loop would not end.
                    raise RuntimeError(
                        f"column generation priced a column of {attendee} on day {day} "
                        "that the master already has"
                    )
                priced.add(((attendee, day), tuple(taken)))
                column = lp.NumVar(0.0, infinity, f"rota[{attendee},{day},{columns}]")
                for i in taken:
                    cover[found[i]].SetCoefficient(column, -1.0)
                    seats[found[i]].SetCoefficient(column, 1.0)
                one[attendee, day].SetCoefficient(column, 1.0)
                columns += 1
                added += 1
        best = min(best, value + above)
        if not added or time.perf_counter() - started > limit:
            break
    return Bound(best, iterations, columns, time.perf_counter() - started, not added)


def lp_bound(problem: StaffingProblem) -> float:
    """The plain model's LP bound: the coverage MIP with integrality relaxed."""
    mip = CoverageMip(problem)
    for var in mip.model.variables():
        var.integer = False
    result = mathopt.solve(mip.model, mathopt.SolverType.HIGHS)
    return float(result.objective_value())


def cp_sat(problem: StaffingProblem, seconds: float, best_bound_first: bool) -> tuple[int, int]:
    """CP-SAT on the coverage tier alone, hinted with the warm start: value and bound."""
    model = cp_model.CpModel()
    variables = create_variables(model, problem)
    Constraints(model, problem, variables).add_all()
    chosen = warm_start(problem, ())
    seated = {m for _, m in chosen}
    for key, var in variables.covers.items():
        model.add_hint(var, key in chosen)
    for meeting, var in variables.covered.items():
        model.add_hint(var, meeting in seated)
    model.maximize(coverage(model, problem, variables))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.optimize_with_lb_tree_search = best_bound_first
    solver.solve(model)
    return round(solver.objective_value), round(solver.best_objective_bound)


def highs(problem: StaffingProblem, seconds: float) -> tuple[int, float, bool]:
    """HiGHS on the coverage MIP `rota`'s race solves (from no hint): value, bound,
    proven."""
    mip = CoverageMip(problem)
    params = mathopt.SolveParameters(time_limit=datetime.timedelta(seconds=seconds))
    result = mathopt.solve(mip.model, mathopt.SolverType.HIGHS, params=params)
    proven = result.termination.reason == mathopt.TerminationReason.OPTIMAL
    return round(result.objective_value()), result.termination.objective_bounds.dual_bound, proven


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--dw-seconds", type=float, default=600.0)
    args = parser.parse_args()
    from scale import CASES  # (here: the tests import this module, not the benchmarks')

    cases = [c for c in CASES if c.days == 1 and c.people <= 40]
    cases = [c for c in cases if not args.only or any(o in c.name for o in args.only)]
    s = f"{args.seconds:g} s"
    print(
        f"| case | pairs | LP bound | Dantzig-Wolfe bound (columns; s) | CP-SAT, {s}: value / "
        f"bound | CP-SAT best bound first, {s} | HiGHS, {s}: value / bound |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            folder = conference(
                Path(tmp) / case.name, case.people, case.per_day, case.days, case.seed
            )
            workspace = load_workspace(folder)
            problem = build_problem(workspace, workspace.conference.days())
            relaxed = lp_bound(problem)
            hull = dantzig_wolfe_bound(problem, args.dw_seconds)
            default = cp_sat(problem, args.seconds, False)
            tree = cp_sat(problem, args.seconds, True)
            value, bound, proven = highs(problem, args.seconds)
            mip = f"{value} proven" if proven else f"{value} / {bound:.1f}"
            print(
                f"| {case.name} | {len(problem.options)} | {relaxed:.2f} | {hull.value:.2f}"
                f"{'' if hull.converged else ' (not converged)'} "
                f"({hull.columns}; {hull.seconds:.1f} s) | {default[0]} / {default[1]} | "
                f"{tree[0]} / {tree[1]} | {mip} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
