"""The pieces of `benchmarks/bounds.py` (where the coverage bound falls short): the
pricing's dynamic programme against brute force, and the Dantzig-Wolfe bound between the
proven optimum and the plain LP bound."""

from __future__ import annotations

import dataclasses
import itertools
import math
import random

import pytest
from bounds import best_day, dantzig_wolfe_bound, keeps_own_rules, lp_bound
from ortools.linear_solver import pywraplp
from synthetic import conference

from coverage.io import load_workspace
from coverage.problem import Slot, StaffingProblem, build_problem
from coverage.solver.model import SolveParams, StaffingModel


def _day(tmp_path, seed: int) -> StaffingProblem:  # type: ignore[no-untyped-def]
    """A generated day of 6 people and 36 meetings, as a staffing problem."""
    workspace = load_workspace(conference(tmp_path / "day", 6, 36, 1, seed))
    return build_problem(workspace, workspace.conference.days())


def _slot(n: int, start: int, minutes: int) -> Slot:
    return Slot(f"m{n}", 1, start, start + minutes, 1, 1, (), False, 0)


@pytest.mark.parametrize("seed", range(40))
def test_best_day_is_the_best_set_brute_force_finds(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(1, 9)
    slots = [
        _slot(n, rng.randrange(0, 600, 15), rng.choice([30, 60, 90, 120, 180]))
        for n in range(count)
    ]
    values = [rng.choice([0.0, 0.5, 1.0, 2.5, 4.0, -1.0]) for _ in range(count)]
    cap = rng.choice([60, 120, 240, 360, 1000])
    changeover = rng.choice([0, 15, 30])
    value, taken = best_day(slots, values, cap, changeover, unit=15)
    assert keeps_own_rules([slots[i] for i in taken], cap, changeover)
    assert value == pytest.approx(sum(values[i] for i in taken))
    best = max(
        sum(values[i] for i in subset)
        for size in range(count + 1)
        for subset in itertools.combinations(range(count), size)
        if keeps_own_rules([slots[i] for i in subset], cap, changeover)
    )
    assert value == pytest.approx(best)


# On the day of seed 2 the person-days' hulls are tighter than the plain LP (305 against
# 311.5, the optimum 305); on the others both are the optimum.
@pytest.mark.parametrize(("seed", "tighter"), [(1, False), (2, True), (3, False)])
def test_the_dantzig_wolfe_bound_lies_between_the_optimum_and_the_lp_bound(
    tmp_path, seed: int, tighter: bool
) -> None:
    problem = _day(tmp_path, seed)
    solution = StaffingModel(problem).solve(
        SolveParams(time_limit=20, tiers=("coverage",), race=False)
    )
    (coverage,) = solution.tiers
    assert coverage.optimal
    bound = dantzig_wolfe_bound(problem)
    relaxed = lp_bound(problem)
    assert coverage.value - 1e-6 <= bound.value <= relaxed + 1e-6
    assert (bound.value < relaxed - 1) == tighter
    assert bound.converged and bound.columns > 0
    # Stopped after its first master LP, the Lagrangian bound still holds.
    early = dantzig_wolfe_bound(problem, limit=0.0)
    assert not early.converged
    assert math.isfinite(early.value) and early.value >= bound.value - 1e-6


def _rotas(problem, found: list[str], cap: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Every set of `found` (a person's meetings of a day) the person may take alone,
    the empty one first."""
    rotas: list[list[str]] = []
    stack: list[tuple[list[str], int]] = [([], 0)]
    while stack:
        rota, start = stack.pop()
        rotas.append(rota)
        for n in range(start, len(found)):
            longer = [*rota, found[n]]
            if keeps_own_rules([problem.slots[m] for m in longer], cap, problem.changeover):
                stack.append((longer, n + 1))
    return rotas


def _every_rota_bound(problem) -> float:  # type: ignore[no-untyped-def]
    """The Dantzig-Wolfe bound with every rota of every person-day as a column, each
    found by enumeration and checked by `keeps_own_rules` (no pricing, no duty units)."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    objective = lp.Objective()
    objective.SetMaximization()
    meetings = sorted({m for _, m in problem.options})
    cover = {}
    for m in meetings:
        covered = lp.NumVar(0.0, 1.0, f"y[{m}]")
        objective.SetCoefficient(covered, problem.slots[m].weight)
        cover[m] = lp.Constraint(-lp.infinity(), 0.0)
        cover[m].SetCoefficient(covered, 1.0)
    days: dict[tuple[str, int], list[str]] = {}
    for attendee, meeting in sorted(problem.options):
        days.setdefault((attendee, problem.slots[meeting].day), []).append(meeting)
    for (attendee, day), found in days.items():
        cap = problem.duty_left(attendee, day)
        one = lp.Constraint(-lp.infinity(), 1.0)
        rotas = _rotas(problem, found, cap)
        for rota in rotas[1:]:
            column = lp.NumVar(0.0, lp.infinity(), "")
            one.SetCoefficient(column, 1.0)
            for m in rota:
                cover[m].SetCoefficient(column, -1.0)
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    return float(objective.Value())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_dantzig_wolfe_bound_is_the_lp_over_every_rota_of_every_person_day(
    tmp_path, seed: int
) -> None:
    problem = _day(tmp_path, seed)
    assert dantzig_wolfe_bound(problem).value == pytest.approx(_every_rota_bound(problem))


def test_the_bound_refuses_a_problem_whose_clashes_are_not_its_meetings_times(
    tmp_path,
) -> None:
    problem = _day(tmp_path, 2)
    dantzig_wolfe_bound(problem)  # the problem's own clashes: accepted
    with pytest.raises(ValueError, match="by their times but not in the problem"):
        dantzig_wolfe_bound(dataclasses.replace(problem, overlap_groups={}))
    # Two of a person's meetings far apart in time put in one group.
    attendee = problem.attendees[0]
    own = sorted(
        (m for a, m in problem.options if a == attendee), key=lambda m: problem.slots[m].start
    )
    first, last = own[0], own[-1]
    assert problem.slots[first].end + problem.changeover <= problem.slots[last].start
    groups = dict(problem.overlap_groups)
    groups[attendee] = [*groups.get(attendee, []), (first, last)]
    with pytest.raises(ValueError, match="in the problem but not by their times"):
        dantzig_wolfe_bound(dataclasses.replace(problem, overlap_groups=groups))
