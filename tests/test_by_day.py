"""A plan of several days solved day by day first (`coverage.solver.by_day`): a part of the
plan with the rest fixed admits exactly the rotas the whole plan admits with that rest,
a day alone is the day planned alone (which the brute force judges), and the plans it
leads to are the optima the whole model proves, the same each time."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from baseline import greedy_rota
from bruteforce import best_scores
from checker import check_rota
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import tiny_workspaces
from synthetic import conference
from test_progress import ctrl_c_when

from coverage.domain import Workspace
from coverage.hard_rules import Keeper, keeps_the_rules
from coverage.io import load_workspace
from coverage.plan import PlanOptions, plan
from coverage.problem import Option, Slot, StaffingProblem, build_problem
from coverage.solver import by_day
from coverage.solver import model as model_module
from coverage.solver.by_day import part_problem
from coverage.solver.model import SolveParams, StaffingModel
from coverage.solver.objective import coverage_score

SETTINGS = settings(max_examples=60)  # the rest: the shared profile (conftest.py)

Pair = tuple[str, str]


def random_rota(problem: StaffingProblem, data: st.DataObject) -> frozenset[Pair]:
    """A rota that keeps every rule: the pins, then every option in a drawn order as far as
    the rules allow."""
    keeper = Keeper(problem)
    for pair in sorted(problem.required):
        keeper.add(*pair)
    for pair in data.draw(st.permutations(sorted(problem.options))):
        if keeper.allows(*pair):
            keeper.add(*pair)
    return frozenset(keeper.taken)


def parts(problem: StaffingProblem) -> list[list[int]]:
    """Each day alone, two days together, and all of them."""
    days = sorted(problem.days)
    together = [days[:2]] if len(days) > 2 else []
    return [[day] for day in days] + together + ([days] if len(days) > 1 else [])


DAY0 = date(2018, 11, 5).toordinal()


@st.composite
def linked_problems(draw: st.DrawFn) -> StaffingProblem:
    """Staffing problems of two or three days with many links between them: clashes (some
    across midnight into the next day), rest pairs between meetings of different days,
    late nights with history in the window, duty caps and meetings-per-day caps."""
    days = tuple(DAY0 + k for k in range(draw(st.integers(2, 3))))
    people = [f"p{k}" for k in range(draw(st.integers(1, 3)))]
    slots = {}
    for k in range(draw(st.integers(2, 9))):
        day = draw(st.sampled_from(days))
        start = day * 1440 + draw(st.integers(8, 26)) * 60
        length = draw(st.sampled_from([60, 120, 180]))
        slots[f"m{k}"] = Slot(
            id=f"m{k}",
            day=day,
            start=start,
            end=start + length,
            weight=draw(st.integers(1, 5)),
            seats=draw(st.integers(1, 2)),
            issues=(),
            late=draw(st.sampled_from([True, True, False])),
            night_minutes=0,
        )
    pairs = [(a, m) for a in people for m in slots]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1))
    options = {pair: Option(pair[0], pair[1], level=1, leads=False) for pair in chosen}
    groups: dict[str, list[tuple[str, ...]]] = {}
    rest: dict[str, list[tuple[str, str]]] = {}
    for person in people:
        own = sorted(m for a, m in options if a == person)
        groups[person] = []
        rest[person] = []
        if len(own) > 1:
            group = st.lists(st.sampled_from(own), min_size=2, max_size=3, unique=True)
            groups[person] = [tuple(g) for g in draw(st.lists(group, max_size=3))]
        across = [(x, y) for x in own for y in own if slots[x].day < slots[y].day]
        if across:
            rest[person] = draw(st.lists(st.sampled_from(across), max_size=3, unique=True))
    max_late = draw(st.integers(1, 2))
    windows = {
        person: [
            (days[i : i + max_late + 1], draw(st.integers(0, 1)) if i == 0 else 0)
            for i in range(len(days))
        ]
        for person in people
    }
    return StaffingProblem(
        slots=slots,
        attendees=tuple(people),
        options=options,
        overlap_groups=groups,
        rest_pairs=rest,
        duty_caps={person: draw(st.sampled_from([120, 240, 600])) for person in people},
        late_windows=windows,
        max_late=max_late,
        days=days,
        meeting_caps={person: 1 for person in people if draw(st.booleans())},
    )


@settings(max_examples=500)
@given(linked_problems(), st.data())
def test_a_part_with_the_rest_fixed_admits_what_the_whole_admits(
    problem: StaffingProblem, data: st.DataObject
) -> None:
    whole = random_rota(problem, data)
    pins = data.draw(st.sets(st.sampled_from(sorted(whole)))) if whole else set()
    problem = dataclasses.replace(problem, required=frozenset(pins))
    assert keeps_the_rules(problem, whole)
    for days in parts(problem):
        inside = frozenset(p for p in whole if problem.slots[p[1]].day in days)
        part = part_problem(problem, days, whole)
        # What the whole has on those days, the part allows (nothing is over-restricted),
        assert keeps_the_rules(part, inside)
        # and the days alone, their links relaxed, allow it too.
        assert keeps_the_rules(part_problem(problem, days), inside)
        # Any rota the part allows, with the rest as it was, keeps every rule of the whole.
        other = random_rota(part, data)
        assert keeps_the_rules(part, other)
        assert keeps_the_rules(problem, (whole - inside) | other), (days, sorted(other))


@settings(max_examples=40)
@given(tiny_workspaces())
def test_a_day_alone_is_the_day_planned_alone(ws: Workspace) -> None:
    """The bound of the whole is the sum of the days' optima with their links relaxed: each
    is what the brute force finds for that day planned on its own."""
    days = ws.conference.days()
    problem = build_problem(ws, days)
    for day in days:
        part = part_problem(problem, [day.toordinal()])
        solution = StaffingModel(part).solve(
            SolveParams(time_limit=10, tiers=("coverage", "depth"), by_day=False)
        )
        assert [t.optimal for t in solution.tiers] == [True, True]
        assert tuple(t.value for t in solution.tiers) == best_scores(ws, [day])


def generated(tmp_path: Path, people: int, per_day: int, days: int, seed: int) -> Workspace:
    folder = tmp_path / f"{people}x{per_day}x{days}-{seed}"
    return load_workspace(conference(folder, people, per_day, days, seed))


def test_the_days_first_reach_the_optimum_the_whole_model_proves(tmp_path: Path) -> None:
    # Three scarce days where the days alone bound the whole exactly (10 x 40 a day), and
    # three where the links between days cost coverage (12 x 50): the bound is not the
    # optimum, and the search of the whole plan closes the gap.
    for people, per_day, seed in ((10, 40, 2), (12, 50, 3)):
        ws = generated(tmp_path, people, per_day, 3, seed)
        problem = build_problem(ws, ws.conference.days())
        found = []
        for days_first in (True, False):
            params = SolveParams(time_limit=30, tiers=("coverage", "depth"), by_day=days_first)
            solution = StaffingModel(problem).solve(params)
            assert all(t.optimal for t in solution.tiers)
            assert keeps_the_rules(problem, solution.assignments)
            found.append([t.value for t in solution.tiers])
        assert found[0] == found[1]


def test_the_days_first_give_the_same_rota_each_time(tmp_path: Path) -> None:
    ws = generated(tmp_path, 12, 50, 3, 3)
    days = ws.conference.days()
    first, second = (plan(ws, days, [], PlanOptions(time_limit=20)) for _ in range(2))
    assert first.assignments == second.assignments
    assert check_rota(ws, first.to_dict()) == []


def test_ctrl_c_while_the_days_are_solved_keeps_the_rota_so_far(tmp_path: Path) -> None:
    ws = generated(tmp_path, 10, 40, 3, 2)
    days = ws.conference.days()
    problem = build_problem(ws, days)
    floor = coverage_score(problem, greedy_rota(problem))
    on_progress = ctrl_c_when(lambda news: "day by day" in news.tier)
    rota = plan(ws, days, [], PlanOptions(time_limit=20, on_progress=on_progress))
    assert rota.interrupted
    assert rota.score("coverage").value >= floor  # type: ignore[union-attr]
    assert check_rota(ws, rota.to_dict()) == []


def test_six_days_short_of_people_are_proven_from_the_days(tmp_path: Path) -> None:
    """Six days of 25 people for 100 meetings a day (measured: the whole model alone, its
    MIP racing, proves coverage in 20 s; from the days, in under 2 s): the days' rota
    reaches the sum of their optima, so coverage is proven without a search of the whole."""
    ws = generated(tmp_path, 25, 100, 6, 2)
    problem = build_problem(ws, ws.conference.days())
    params = SolveParams(time_limit=30, tiers=("coverage",))
    model = StaffingModel(problem)
    (coverage,) = model.solve(params).tiers
    assert coverage.optimal and coverage.value == coverage.bound
    # The rota from the days reached the sum of their bounds: that is the proof.
    assert sum(model._day_bounds["coverage"].values()) == coverage.value


def test_a_stop_asked_from_outside_ends_the_solve_with_the_rota_so_far(tmp_path: Path) -> None:
    """The days of a plan are solved in threads no Ctrl-C reaches: they stop when the
    `stop` they were given says so. Asked after the first news of the days, the plan ends
    interrupted, no worse than the hand method, every rule kept."""
    ws = generated(tmp_path, 10, 40, 3, 2)
    problem = build_problem(ws, ws.conference.days())
    floor = coverage_score(problem, greedy_rota(problem))
    seen: list[str] = []
    params = SolveParams(
        time_limit=20,
        on_progress=lambda news: seen.append(news.tier),
        stop=lambda: any("day by day" in tier for tier in seen),
    )
    solution = StaffingModel(problem).solve(params)
    assert solution.interrupted
    assert coverage_score(problem, solution.assignments) >= floor
    assert keeps_the_rules(problem, solution.assignments)


class Recorder:
    """A `SolvePart` that keeps each part's greedy rota, uses `spend` of its budget, and
    records (days of the part, budget) for each part it is given."""

    def __init__(self, spend: float) -> None:
        self.spend = spend
        self.calls: list[tuple[tuple[int, ...], float]] = []

    def __call__(
        self,
        part: StaffingProblem,
        tiers: tuple[str, ...],
        seconds: float,
        hint: frozenset[Pair],
        bounds: object,
    ) -> by_day.PartSolved:
        self.calls.append((part.days, seconds))
        rota = frozenset(greedy_rota(part))
        return by_day.PartSolved(rota, {"coverage": (None, False)}, self.spend * seconds)


def test_what_a_relaxed_day_leaves_goes_to_the_days_after_it(tmp_path: Path) -> None:
    """Measured on the 200-person whole conference: days given an even share each were
    stopped short of a proof a little more would have reached, with far less expertise
    (125,748 for the 19 days against 133,287). Each day now gets what is left over the
    days still to solve: a day that proves early hands its rest on."""
    ws = generated(tmp_path, 10, 40, 4, 2)
    problem = build_problem(ws, ws.conference.days())
    solve = Recorder(spend=0.25)
    by_day.solve_by_day(
        problem,
        ("coverage",),
        {},
        frozenset(),
        8.0,
        60.0,
        solve,
        lambda part, rota: [coverage_score(part, rota)],
    )
    relaxed = [budget for _, budget in solve.calls[: len(problem.days)]]
    pool = 8.0 * by_day.RELAXED_SHARE
    expected = []
    for index in range(len(problem.days)):
        expected.append(pool / (len(problem.days) - index))
        pool -= 0.25 * expected[-1]
    assert relaxed == pytest.approx(expected)
    assert relaxed == sorted(relaxed) and relaxed[0] < relaxed[-1]


def test_a_window_that_costs_more_to_load_than_it_would_search_is_not_solved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three scarce days whose links cost coverage: the days are solved again three at a
    time around a day short of what it could do alone, unless the window's model would
    cost more to load than its share of the work (measured on the 200-person whole
    conference: 1.3 s each for nothing). The rota keeps every rule either way."""
    ws = generated(tmp_path, 12, 50, 3, 3)
    problem = build_problem(ws, ws.conference.days())
    seen: dict[float, list[int]] = {}
    real = by_day.solve_by_day

    def recording(*args: Any, **kwargs: Any) -> by_day.DayByDay:
        solve_part = args[6]

        def recorded(part: StaffingProblem, *rest: Any) -> by_day.PartSolved | None:
            seen[per_pair].append(len(part.days))
            return solve_part(part, *rest)

        return real(*args[:6], recorded, *args[7:], **kwargs)

    monkeypatch.setattr(by_day, "solve_by_day", recording)
    for per_pair in (5e-5, 1.0):
        seen[per_pair] = []
        monkeypatch.setattr(model_module, "LOAD_WORK_PER_PAIR", per_pair)
        params = SolveParams(time_limit=20, tiers=("coverage",))
        solution = StaffingModel(problem).solve(params)
        assert keeps_the_rules(problem, solution.assignments)
    assert 3 in seen[5e-5]  # a window was solved at the usual cost of loading
    assert seen[1.0] and 3 not in seen[1.0]


def test_a_window_of_more_pairs_than_the_largest_is_not_solved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured on the 200-person whole conference: windows of three days of 22,500 pairs
    and more found nothing, for 2 s of wall time each. A window of more eligible pairs
    than `LARGEST_WINDOW` is not solved, whatever its share; the rota keeps every rule
    either way."""
    ws = generated(tmp_path, 12, 50, 3, 3)
    problem = build_problem(ws, ws.conference.days())
    index = by_day.DayIndex.of(problem)
    window = sum(len(index.options.get(d, {})) for d in problem.days)
    seen: dict[int, list[int]] = {}
    real = by_day.solve_by_day

    def recording(*args: Any, **kwargs: Any) -> by_day.DayByDay:
        solve_part = args[6]

        def recorded(part: StaffingProblem, *rest: Any) -> by_day.PartSolved | None:
            seen[largest].append(len(part.days))
            return solve_part(part, *rest)

        return real(*args[:6], recorded, *args[7:], **kwargs)

    monkeypatch.setattr(by_day, "solve_by_day", recording)
    for largest in (window, window - 1):
        seen[largest] = []
        monkeypatch.setattr(by_day, "LARGEST_WINDOW", largest)
        params = SolveParams(time_limit=20, tiers=("coverage",))
        solution = StaffingModel(problem).solve(params)
        assert keeps_the_rules(problem, solution.assignments)
    assert 3 in seen[window]  # the window of all three days, at the largest allowed
    assert seen[window - 1] and 3 not in seen[window - 1]


def test_a_day_that_costs_more_to_load_than_it_would_search_is_repaired_not_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A day whose relaxed rota breaks a link is solved again with the others fixed,
    unless its model would cost more to load than its share of the work (measured on the
    200-person whole conference: 18 such searches found no rota at all, for 11 s of wall
    time): then its relaxed rota is repaired as the search would have started from it.
    The rota keeps every rule either way."""
    ws = generated(tmp_path, 12, 50, 3, 3)
    problem = build_problem(ws, ws.conference.days())
    days: dict[float, int] = {}
    real = by_day.solve_by_day

    def recording(*args: Any, **kwargs: Any) -> by_day.DayByDay:
        solve_part = args[6]

        def recorded(part: StaffingProblem, *rest: Any) -> by_day.PartSolved | None:
            days[per_pair] += len(part.days) == 1
            return solve_part(part, *rest)

        return real(*args[:6], recorded, *args[7:], **kwargs)

    monkeypatch.setattr(by_day, "solve_by_day", recording)
    for per_pair in (5e-5, 1.0):
        days[per_pair] = 0
        monkeypatch.setattr(model_module, "LOAD_WORK_PER_PAIR", per_pair)
        params = SolveParams(time_limit=20, tiers=("coverage",))
        solution = StaffingModel(problem).solve(params)
        assert keeps_the_rules(problem, solution.assignments)
    assert days[5e-5] > len(problem.days)  # a day was solved again, the others fixed
    assert days[1.0] == len(problem.days)  # only the relaxed days were searched


def test_the_parts_presolve_once_and_the_whole_plan_as_usual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The days of a plan are small models searched many times: each presolves in one
    pass and skips CP-SAT's phase on the hint (measured: half a day's time, for the same
    optimum), while a search of the whole plan keeps CP-SAT's defaults. The rota is the
    same each time. Five days, so that a window of three is smaller than the whole."""
    ws = generated(tmp_path, 12, 50, 5, 3)
    problem = build_problem(ws, ws.conference.days())
    searched: list[tuple[int, int, int]] = []  # (variables, presolve passes, hint conflicts)
    solve = model_module.cp_model.CpSolver.solve

    def spy(self: Any, model: Any, *args: Any) -> Any:
        parameters = self.parameters
        searched.append(
            (
                len(model.proto.variables),
                parameters.max_presolve_iterations,
                parameters.hint_conflict_limit,
            )
        )
        return solve(self, model, *args)

    monkeypatch.setattr(model_module.cp_model.CpSolver, "solve", spy)
    params = SolveParams(time_limit=20, tiers=("coverage", "depth", "expertise"), race=False)
    found = [StaffingModel(problem).solve(params) for _ in range(2)]
    assert found[0].assignments == found[1].assignments
    assert keeps_the_rules(problem, found[0].assignments)
    whole = len(StaffingModel(problem).model.proto.variables)
    parts = [s for s in searched if s[0] < whole]
    plans = [s for s in searched if s[0] >= whole]
    assert plans, "no search of the whole plan: the test needs one"
    assert parts and all(s[1:] == (1, 0) for s in parts), parts
    assert all(s[1:] == (3, 10) for s in plans), plans  # CP-SAT's defaults
