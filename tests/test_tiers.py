"""The quality tiers: one instance each whose optimum is worked out by hand, and a property
that each tier's solver objective is exactly its score on the rota (README, "The
objective")."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path
from typing import Any

from checker import check_rota
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from strategies import tiny_workspaces
from workspaces import meeting, person, workspace

from coverage.domain import Workspace
from coverage.plan import FixedAssignment, PlanOptions, plan, replan
from coverage.problem import StaffingProblem, build_problem
from coverage.solver import model as solver_model
from coverage.solver.model import SolveParams, StaffingModel
from coverage.solver.objective import (
    TIERS,
    continuity_given,
    continuity_score,
    coverage_limit,
    depth_limit,
    depth_score,
    fairness_given,
    fairness_score,
    least_attendees,
)

DAY = date(2018, 11, 5)
OPTIONS = PlanOptions(seed=0, time_limit=20)


def scores(rota: dict[str, Any]) -> dict[str, tuple[int, bool]]:
    return {s["tier"]: (s["value"], s["optimal"]) for s in rota["scores"]}


def planned(ws: Workspace) -> dict[str, Any]:
    rota = plan(ws, [DAY], [], OPTIONS).to_dict()
    assert check_rota(ws, rota) == []
    return rota


def two_issues_two_people(tmp_path: Path) -> Workspace:
    """Two privacy meetings and two AI meetings in turn, two equal people."""
    return workspace(
        tmp_path,
        [person("ana"), person("ben")],
        [
            meeting("p1", "09:00", "10:00"),
            meeting("a1", "10:30", "11:30", issues=["ai"]),
            meeting("p2", "12:00", "13:00"),
            meeting("a2", "13:30", "14:30", issues=["ai"]),
        ],
    )


def three_people_three_meetings(tmp_path: Path) -> Workspace:
    """Two meetings at 09:00 (ana, the privacy expert, is the best for both) and one at
    11:00: everyone needed, every meeting covered."""
    return workspace(
        tmp_path,
        [person("ana", expertise={"privacy": 3}), person("ben"), person("cy")],
        [
            meeting("p1", "09:00", "10:00", priority=2),
            meeting("p2", "09:00", "10:00"),
            meeting("p3", "11:00", "12:00", issues=["ai"]),
        ],
    )


def optimised(
    model: cp_model.CpModel, sense: str, expression: Any
) -> tuple[cp_model.CpSolverStatus, int]:
    """Optimise `expression` over `model` (one worker): the status and the value."""
    if sense == "max":
        model.maximize(expression)
    else:
        model.minimize(expression)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    return status, round(solver.objective_value)


def test_expertise_sends_the_lead(tmp_path: Path) -> None:
    # One seat on privacy (issue weight 3, priority 1: weight 3). Ana knows it at level 2;
    # Ben at level 3 and leads it: 3 + 3 levels. Best: Ben, 3 x 6 = 18.
    ws = workspace(
        tmp_path,
        [person("ana"), person("ben", expertise={"privacy": 3}, leads=["privacy"])],
        [meeting("m", "10:00", "11:00")],
    )
    rota = planned(ws)
    assert scores(rota)["expertise"] == (18, True)
    assert [(a["attendee"], a["meeting"]) for a in rota["assignments"]] == [("ben", "m")]


def test_fairness_splits_the_day(tmp_path: Path) -> None:
    # Two one-hour meetings, two equal people: one each, the heaviest load 60 minutes
    # (one person taking both would carry 120).
    ws = workspace(
        tmp_path,
        [person("ana"), person("ben")],
        [meeting("a", "10:00", "11:00"), meeting("b", "12:00", "13:00")],
    )
    rota = planned(ws)
    assert scores(rota)["fairness"] == (60, True)
    assert len({a["attendee"] for a in rota["assignments"]}) == 2


def test_continuity_keeps_one_person_on_an_issue(tmp_path: Path) -> None:
    # Two privacy meetings and two AI meetings, two equal people: two each (fairness
    # 120 either way); one person per issue gives 2 (person, day, issue) threads, any
    # other split of two-and-two gives 4.
    ws = two_issues_two_people(tmp_path)
    rota = planned(ws)
    assert scores(rota)["fairness"] == (120, True)
    assert scores(rota)["continuity"] == (2, True)
    by_person: dict[str, set[str]] = {}
    for a in rota["assignments"]:
        by_person.setdefault(a["attendee"], set()).add(a["meeting"][0])
    assert sorted(by_person.values(), key=sorted) == [{"a"}, {"p"}]


def test_stability_changes_only_what_coverage_needs(tmp_path: Path) -> None:
    # Published: Ana in a (10-11), Ben in b (12-13). Then c (12-13, priority 5, member
    # states only) appears, and only Ben sits on a delegation. Covering all three needs Ben
    # in c and Ana in b: remove Ben-b, add Ben-c, add Ana-b, 3 changes, 2 people told;
    # Ana-a stays.
    people = [person("ana"), person("ben", delegation="BRA")]
    first = [meeting("a", "10:00", "11:00"), meeting("b", "12:00", "13:00")]
    before = workspace(tmp_path / "before", people, first)
    published = [
        FixedAssignment(m, who, DAY, before.meeting(m).start, before.meeting(m).end)
        for who, m in (("ana", "a"), ("ben", "b"))
    ]
    extra = meeting("c", "12:00", "13:00", priority=5, access="member_states")
    ws = workspace(tmp_path / "after", people, [*first, extra])
    now = datetime.fromisoformat("2018-11-05T09:00:00+04:00")
    rota = replan(ws, DAY, published, now, [], OPTIONS, based_on=1).to_dict()
    assert check_rota(ws, rota) == []
    assert scores(rota)["coverage"][0] == 3 * 1 + 3 * 1 + 3 * 5
    assert scores(rota)["stability"] == (3, True)
    assert scores(rota)["messaged"] == (2, True)
    pairs = {(a["attendee"], a["meeting"]) for a in rota["assignments"]}
    assert pairs == {("ana", "a"), ("ana", "b"), ("ben", "c")}


@settings(max_examples=30)
@given(tiny_workspaces())
def test_each_tier_s_objective_is_its_score_on_the_rota(ws: Workspace) -> None:
    """With the assignments fixed at the solver's rota and the earlier tiers held at their
    scores (as the lexicographic solve holds them), each tier's expression, optimised over
    its helper variables alone, equals the tier's score computed from the rota."""
    days = ws.conference.days()
    problem = build_problem(ws, days)
    chosen = StaffingModel(problem).solve(SolveParams(time_limit=5)).assignments
    model = StaffingModel(problem)
    for key, var in model.variables.covers.items():
        model.model.add(var == int(key in chosen))
    for tier in TIERS:
        if not tier.applies(problem):
            continue
        expression = tier.build(model.model, problem, model.variables)
        score = tier.score(problem, chosen)
        if isinstance(expression, int):
            assert expression == score, tier.name
            continue
        status, value = optimised(model.model, tier.sense, expression)
        assert status == cp_model.OPTIMAL
        assert value == score, tier.name
        model.model.add(expression >= score if tier.sense == "max" else expression <= score)


def test_a_joint_step_cut_short_reports_the_second_tier_s_bound(tmp_path: Path) -> None:
    # Fairness and continuity are solved as one objective, `fairness x scale + continuity`.
    # When the search stops with fairness proven (its value is the first part of the
    # step's bound) but continuity not, continuity's bound is the rest of the step's bound:
    # every rota with that fairness has at least that many threads. It used to be reported
    # as 0 (a gap of thousands of per cent on a day where the solver knew better).
    ws = two_issues_two_people(tmp_path)
    problem = build_problem(ws, [DAY])
    model = StaffingModel(problem)
    step = [t for t in TIERS if t.name in ("fairness", "continuity")]
    # The rota of test_continuity_keeps_one_person_on_an_issue, but split 4 threads.
    chosen = frozenset({("ana", "p1"), ("ana", "a1"), ("ben", "p2"), ("ben", "a2")})
    scale = 100

    def results(bound: int) -> dict[str, tuple[int | None, bool]]:
        run = solver_model._Run(0, "FEASIBLE", 120 * scale + 4, bound, 1.0, chosen, scale)
        return {r.name: (r.bound, r.optimal) for r in model._results(step, run, chosen)}

    # Fairness proven at 120, continuity known to be at least 3.
    assert results(120 * scale + 3) == {"fairness": (120, True), "continuity": (3, False)}
    # The bound reaches the value: continuity is proven too.
    assert results(120 * scale + 4) == {"fairness": (120, True), "continuity": (4, True)}
    # Fairness not proven: continuity has no bound beyond its own range.
    assert results(110 * scale + 50) == {"fairness": (110, False), "continuity": (0, False)}


@settings(max_examples=40)
@given(tiny_workspaces())
def test_no_rota_goes_beyond_a_tier_s_limit(ws: Workspace) -> None:
    """A tier whose rota reaches its limit is proven without a search, so the limit must
    bound every rota that keeps the rules: each tier optimised alone (no earlier tier held,
    no limit given to the solver) stays within it."""
    problem = build_problem(ws, ws.conference.days())
    for tier in TIERS:
        if tier.limit is None or not tier.applies(problem):
            continue
        model = StaffingModel(problem)
        expression = tier.build(model.model, problem, model.variables)
        limit = tier.limit(problem)
        if isinstance(expression, int):
            assert (expression <= limit) if tier.sense == "max" else (expression >= limit)
            continue
        if tier.narrow is not None:  # (depth's: a meeting attended counts as covered)
            tier.narrow(model.model, problem, model.variables)
        status, best = optimised(model.model, tier.sense, expression)
        if status == cp_model.INFEASIBLE:
            return  # pins no rota can keep
        assert status == cp_model.OPTIMAL
        assert (best <= limit) if tier.sense == "max" else (best >= limit), tier.name


def held_at_random(
    problem: StaffingProblem, data: st.DataObject
) -> tuple[StaffingModel, dict[str, int]]:
    """The model with coverage and depth held at values drawn from their ranges, as the
    later steps hold them; the values."""
    held = {
        "coverage": data.draw(st.integers(0, coverage_limit(problem)), label="coverage"),
        "depth": data.draw(st.integers(0, depth_limit(problem)), label="depth"),
    }
    model = StaffingModel(problem)
    for tier in TIERS:
        if tier.name in held:
            expression = tier.build(model.model, problem, model.variables)
            model.model.add(expression >= held[tier.name])
    return model, held


@settings(max_examples=60)
@given(tiny_workspaces(), st.data())
def test_no_rota_holding_coverage_and_depth_is_fairer_than_their_bound(
    ws: Workspace, data: st.DataObject
) -> None:
    """Fairness's bound given the tiers held before it (the least load that reaches the
    coverage and depth held, shared out over everyone): with coverage and depth held at
    any values in the model (as the later steps hold them), the fairest rota the model
    allows carries at least that heaviest load."""
    problem = build_problem(ws, ws.conference.days())
    model, held = held_at_random(problem, data)
    tiers = {tier.name: tier for tier in TIERS}
    fairness = tiers["fairness"].build(model.model, problem, model.variables)
    status, best = optimised(model.model, "min", fairness)
    if status == cp_model.INFEASIBLE:
        return  # no rota reaches those values (or keeps the pins)
    assert status == cp_model.OPTIMAL
    assert best >= fairness_given(problem, held)


def test_fairness_is_bounded_by_the_load_coverage_needs(tmp_path: Path) -> None:
    """Two people, four meetings of an hour at different times, all covered: four hours
    of load between two people, so someone carries two (the bound, counted by hand);
    one meeting fewer needs less, nothing held needs nothing; the plan's fairness is
    that bound, proven."""
    ws = workspace(
        tmp_path,
        [person("ana"), person("ben")],
        [meeting(f"m{i}", f"{9 + 2 * i:02d}:00", f"{10 + 2 * i:02d}:00") for i in range(4)],
    )
    problem = build_problem(ws, ws.conference.days())
    full = coverage_limit(problem)
    assert fairness_given(problem, {"coverage": full, "depth": 0}) == 120
    assert fairness_given(problem, {"coverage": full - 1, "depth": 0}) < 120
    assert fairness_given(problem, {}) == 0
    solution = StaffingModel(problem).solve(SolveParams(time_limit=5))
    by_name = {t.name: t for t in solution.tiers}
    assert by_name["coverage"].value == full
    assert by_name["fairness"].value == fairness_score(problem, solution.assignments) == 120
    assert by_name["fairness"].bound == 120 and by_name["fairness"].optimal


def test_continuity_is_bounded_by_the_people_its_meetings_need_at_once(tmp_path: Path) -> None:
    """Three people; privacy meetings at 09:00 (two seats) and 10:10 (one seat: within the
    15-minute changeover of the first, so no one sits in both), and at 14:00; AI meetings
    at 16:00 and 17:15 (just the changeover apart: one person may take both). Counted by
    hand: with everything covered and every seat taken, three people are on privacy at
    once around 10:00 and one on AI at a time: four threads at least. With
    coverage one meeting short, any meeting may go without anyone; with depth one seat
    short, the first may have one attendee."""
    ws = workspace(
        tmp_path,
        [person("ana"), person("ben"), person("cy")],
        [
            meeting("p1", "09:00", "10:00", seats=2),
            meeting("p2", "10:10", "11:00"),
            meeting("p3", "14:00", "15:00"),
            meeting("a1", "16:00", "17:00", issues=["ai"]),
            meeting("a2", "17:15", "18:00", issues=["ai"]),
        ],
    )
    problem = build_problem(ws, [DAY])
    full = {"coverage": coverage_limit(problem), "depth": depth_limit(problem)}
    assert least_attendees(problem, full) == {"p1": 2, "p2": 1, "p3": 1, "a1": 1, "a2": 1}
    assert continuity_given(problem, full) == 3 + 1
    one_seat_short = {**full, "depth": full["depth"] - 3}  # (priority 1 x privacy's 3)
    assert least_attendees(problem, one_seat_short) == {"p1": 1, "p2": 1, "p3": 1, "a1": 1, "a2": 1}
    assert continuity_given(problem, one_seat_short) == 2 + 1
    short = {"coverage": full["coverage"] - 3, "depth": 0}
    assert least_attendees(problem, short) == {}
    assert continuity_given(problem, short) == 0
    assert continuity_given(problem, {}) == 0
    # Four threads are possible (ana on p1 and p3, ben on p1, cy on p2, a1 and a2), but
    # fairness comes first: the heaviest load is 120 minutes at best (ana and ben carry
    # p1, cy p2, and p3, a1 and a2 cannot be shared out below that), and then no one has
    # room for both AI meetings (105 minutes): five, proven.
    rota = plan(ws, [DAY], [], OPTIONS)
    fairness, continuity = rota.score("fairness"), rota.score("continuity")
    assert fairness is not None and (fairness.value, fairness.optimal) == (120, True)
    assert continuity is not None and (continuity.value, continuity.optimal) == (5, True)


def test_an_issue_named_twice_on_a_meeting_is_one_thread(tmp_path: Path) -> None:
    # `issues: [privacy, privacy]` loads as privacy once: one meeting, one person, one
    # thread. Counted twice, continuity's bound was 2 above a value of 1 (reported as
    # proven), and the joint step's bound on fairness above its value.
    ws = workspace(
        tmp_path, [person("ana")], [meeting("p1", "09:00", "10:00", issues=["privacy", "privacy"])]
    )
    assert ws.meetings[0].issues == ("privacy",)
    problem = build_problem(ws, [DAY])
    full = {"coverage": coverage_limit(problem), "depth": depth_limit(problem)}
    assert continuity_given(problem, full) == 1
    twice = dataclasses.replace(problem.slots["p1"], issues=("privacy", "privacy"))
    doubled = dataclasses.replace(problem, slots={**problem.slots, "p1": twice})
    assert continuity_given(doubled, full) == 1
    for tier in plan(ws, [DAY], [], OPTIONS).tiers:
        assert tier.optimal and tier.value == tier.bound, tier


def one_seat_short(tmp_path: Path) -> tuple[StaffingProblem, int]:
    """Two meetings at the same time, m1 with two seats; Ana, Ben and Cy. The problem and
    one meeting's weight."""
    ws = workspace(
        tmp_path,
        [person("ana"), person("ben"), person("cy")],
        [meeting("m1", "09:00", "10:00", seats=2), meeting("m2", "09:00", "10:00")],
    )
    problem = build_problem(ws, [DAY])
    return problem, problem.slots["m1"].weight


def test_a_depth_that_a_later_step_lowered_is_not_reported_as_proven(tmp_path: Path) -> None:
    # Coverage held at one meeting's weight (a search stopped short of two), depth proven
    # at one second seat: Ana and Ben on m1. A later step holds depth's expression, in
    # which Ana on m1 and Ben on m2 (more coverage, no second seat) counts m2 as
    # uncovered and its weight as depth; it was reported as depth 0, proven, its bound a
    # second seat.
    problem, weight = one_seat_short(tmp_path)
    both = frozenset({("ana", "m1"), ("ben", "m1")})
    split = frozenset({("ana", "m1"), ("ben", "m2")})
    model = StaffingModel(problem)
    depth_step = [t for t in TIERS if t.name == "depth"]
    run = solver_model._Run(None, "OPTIMAL", weight, weight, 0.0, both)
    (kept,) = model._results(depth_step, run, both)
    assert (kept.value, kept.bound, kept.optimal) == (weight, weight, True)
    (lowered,) = model._results(depth_step, run, split)
    assert (lowered.value, lowered.bound, lowered.optimal) == (0, weight, False)


def test_depth_searched_with_coverage_held_short_scores_the_rota_s_own_depth(
    tmp_path: Path,
) -> None:
    # Depth's own search, coverage held at one meeting's weight: its objective is the
    # depth of the rota it returns (counted with m2 as uncovered, a rota covering both
    # would claim m2's weight as depth).
    problem, weight = one_seat_short(tmp_path)
    model = StaffingModel(problem)
    coverage_step = [t for t in TIERS if t.name == "coverage"]
    start = frozenset({("ana", "m1"), ("ben", "m2")})
    model._hold(coverage_step, solver_model._Run(None, "FEASIBLE", weight, None, 0.0, start))
    model._held["coverage"] = weight
    params = SolveParams(time_limit=5, race=False, by_day=False, deterministic=True)
    limit = solver_model._Limit(5.0, 5.0, 5.0, 0.0)
    depth_step = [t for t in TIERS if t.name == "depth"]
    with solver_model._CtrlC(None) as ctrl_c:
        run = model._solve_step(depth_step, params, limit, (0, 1, 0.0), ctrl_c, start)
    assert run.objective == depth_score(problem, run.chosen) == weight


def test_a_joint_step_cut_short_bounds_continuity_by_the_tiers_held(tmp_path: Path) -> None:
    # The joint step of fairness and continuity stopped with fairness not proven: the
    # step's bound says nothing of continuity, but coverage held at its limit does (two
    # issues, each with a meeting someone must sit in: two threads). It was reported as
    # 0, a gap of thousands of per cent; here the rota with two threads is proven.
    ws = two_issues_two_people(tmp_path)
    problem = build_problem(ws, [DAY])
    model = StaffingModel(problem)
    model._held = {"coverage": coverage_limit(problem), "depth": depth_limit(problem)}
    step = [t for t in TIERS if t.name in ("fairness", "continuity")]
    scale = 100

    def results(chosen: frozenset[tuple[str, str]]) -> dict[str, tuple[int | None, bool]]:
        value = fairness_score(problem, chosen) * scale + continuity_score(problem, chosen)
        run = solver_model._Run(0, "FEASIBLE", value, 100 * scale, 1.0, chosen, scale)
        return {r.name: (r.bound, r.optimal) for r in model._results(step, run, chosen)}

    split = frozenset({("ana", "p1"), ("ana", "a1"), ("ben", "p2"), ("ben", "a2")})
    assert results(split) == {"fairness": (100, False), "continuity": (2, False)}
    followed = frozenset({("ana", "p1"), ("ana", "p2"), ("ben", "a1"), ("ben", "a2")})
    assert results(followed) == {"fairness": (100, False), "continuity": (2, True)}


@settings(max_examples=60)
@given(tiny_workspaces(), st.data())
def test_no_rota_holding_coverage_and_depth_has_fewer_threads_than_their_bound(
    ws: Workspace, data: st.DataObject
) -> None:
    """Continuity's bound given the tiers held before it (the people each issue's meetings
    must seat at once, and those who already follow it): with coverage and depth held at
    any values in the model, as the later steps hold them, no rota the model allows has
    fewer threads, and every meeting has at least the attendees `least_attendees` says."""
    problem = build_problem(ws, ws.conference.days())
    model, held = held_at_random(problem, data)
    tiers = {tier.name: tier for tier in TIERS}
    continuity = tiers["continuity"].build(model.model, problem, model.variables)
    status, best = optimised(model.model, "min", continuity)
    if status == cp_model.INFEASIBLE:
        return  # no rota reaches those values (or keeps the pins)
    assert status == cp_model.OPTIMAL
    assert best >= continuity_given(problem, held)
    for meeting_id, fewest in least_attendees(problem, held).items():
        fewer = model.model.clone()
        var = fewer.get_bool_var_from_proto_index
        fewer.add(
            sum(var(v.index) for (_, m), v in model.variables.covers.items() if m == meeting_id)
            < fewest
        )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(fewer) == cp_model.INFEASIBLE, meeting_id


def test_a_plan_proven_from_its_limits_never_builds_the_model(tmp_path: Path) -> None:
    # Two meetings at different times, each with its own expert: every tier's warm value
    # is its limit (fairness: two hours shared by two; continuity: one thread per issue),
    # so no search is needed, and the CP-SAT model (142k pairs on the 200-person whole
    # conference, 3.5 s to build with its tiers) is never built.
    ws = workspace(
        tmp_path,
        [
            person("ana", expertise={"privacy": 3}),
            person("ben", expertise={"ai": 3}, leads=["ai"]),
        ],
        [meeting("p", "09:00", "10:00"), meeting("a", "11:00", "12:00", issues=["ai"])],
    )
    model = StaffingModel(build_problem(ws, [DAY]))
    solution = model.solve(SolveParams(time_limit=5))
    assert solution.optimal and all(t.seconds == 0.0 for t in solution.tiers)
    assert model._model is None


def test_a_model_built_when_first_searched_is_the_model_built_at_once(tmp_path: Path) -> None:
    # Coverage and depth are proven from their limits, expertise is searched (ana is the
    # best for both meetings at 09:00): the model built then, with coverage and depth held
    # as it is built, is the one built before the first step, and gives the same rota.
    ws = three_people_three_meetings(tmp_path)
    problem = build_problem(ws, [DAY])
    late, early = StaffingModel(problem), StaffingModel(problem)
    assert early.model is not None  # built at once
    solutions = [m.solve(SolveParams(time_limit=5, deterministic=True)) for m in (late, early)]
    seconds = {t.name: t.seconds for t in solutions[0].tiers}
    assert seconds["coverage"] == seconds["depth"] == 0.0 and seconds["expertise"] > 0
    assert solutions[0].assignments == solutions[1].assignments
    assert str(late.model.proto) == str(early.model.proto)  # (hints and objective too)


def test_expertise_at_its_limit_is_proven_without_a_search(tmp_path: Path) -> None:
    # Two meetings at different times, each with its own expert: each meeting's best
    # candidate in its one seat is the best expertise any rota can have.
    ws = workspace(
        tmp_path,
        [
            person("ana", expertise={"privacy": 3}),
            person("ben", expertise={"ai": 3}, leads=["ai"]),
        ],
        [meeting("p", "09:00", "10:00"), meeting("a", "11:00", "12:00", issues=["ai"])],
    )
    rota = plan(ws, [DAY], [], OPTIONS)
    expertise = rota.score("expertise")
    assert expertise is not None and expertise.optimal
    assert next(t for t in rota.tiers if t.name == "expertise").seconds == 0.0
    assert {(a["attendee"], a["meeting"]) for a in rota.to_dict()["assignments"]} == {
        ("ana", "p"),
        ("ben", "a"),
    }


def _fixed_to_one(model: StaffingModel) -> set[int]:
    """The variables the model sets to 1 by a constraint of their own."""
    fixed = set()
    for constraint in model.model.proto.constraints:
        linear = constraint.linear
        has = getattr(constraint, "has_linear", None)  # ortools 9.13 on; a protobuf before
        is_linear = has() if has else constraint.HasField("linear")
        alone = is_linear and len(linear.vars) == 1
        if alone and list(linear.coeffs) == [1] and list(linear.domain) == [1, 1]:
            fixed.add(linear.vars[0])
    return fixed


def test_coverage_at_its_limit_is_held_meeting_by_meeting(tmp_path: Path) -> None:
    # Three people for three meetings: every meeting is covered, so the later tiers search
    # with each meeting's `covered` set to 1 (the same rotas as holding the sum, measured
    # faster on a large day) rather than with the one weighted sum held at its limit.
    ws = three_people_three_meetings(tmp_path)
    problem = build_problem(ws, [DAY])
    model = StaffingModel(problem)
    solution = model.solve(SolveParams(time_limit=5, deterministic=True))
    assert solution.tiers[0].value == coverage_limit(problem)
    covered = {m: var.index for m, var in model.variables.covered.items()}
    assert set(covered) == {"p1", "p2", "p3"}
    assert set(covered.values()) <= _fixed_to_one(model)


def test_coverage_short_of_its_limit_is_held_as_a_sum(tmp_path: Path) -> None:
    # One person, two meetings at once: which one is covered is left to the later tiers.
    ws = workspace(
        tmp_path,
        [person("ana")],
        [meeting("p1", "09:00", "10:00"), meeting("p2", "09:00", "10:00")],
    )
    problem = build_problem(ws, [DAY])
    model = StaffingModel(problem)
    solution = model.solve(SolveParams(time_limit=5, deterministic=True))
    assert solution.tiers[0].value < coverage_limit(problem)
    covered = {var.index for var in model.variables.covered.values()}
    assert not covered & _fixed_to_one(model)


@settings(max_examples=30)
@given(tiny_workspaces())
def test_holding_coverage_meeting_by_meeting_keeps_every_tier_s_optimum(ws: Workspace) -> None:
    """Coverage held meeting by meeting says the same as its sum held at its limit: every
    tier reaches the same proven value either way."""
    problem = build_problem(ws, ws.conference.days())
    params = SolveParams(time_limit=5, deterministic=True)
    by_meeting = StaffingModel(problem).solve(params)
    as_sum = StaffingModel(problem)
    as_sum._hold_meetings = lambda tier, value: False  # type: ignore[method-assign]
    summed = as_sum.solve(params)
    assert by_meeting.optimal and summed.optimal
    assert [(t.name, t.value) for t in by_meeting.tiers] == [
        (t.name, t.value) for t in summed.tiers
    ]
