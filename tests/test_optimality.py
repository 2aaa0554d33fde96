"""The solver's rotas are valid (by the independent checker) and optimal (by brute force)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from bruteforce import best_scores
from checker import check_rota
from hypothesis import event, given, settings
from hypothesis.control import currently_in_test_context
from strategies import tiny_workspaces
from workspaces import in_memory_workspace, pairs_rota, plain_meeting, rule_problems

from coverage.domain import Workspace
from coverage.plan import FixedAssignment, PlanOptions, plan
from coverage.problem import build_problem
from coverage.solver.mip import CoverageMip
from coverage.solver.objective import coverage_score

SETTINGS = settings(max_examples=40)  # the rest: the shared profile (conftest.py)


def solve(
    ws: Workspace, days: Sequence[date], history: Sequence[FixedAssignment] = ()
) -> dict[str, Any]:
    options = PlanOptions(seed=0, workers=1, time_limit=10)
    return plan(ws, days=list(days), history=list(history), options=options).to_dict()


def score(rota: dict[str, Any], tier: str) -> dict[str, Any]:
    found = [s for s in rota["scores"] if s["tier"] == tier]
    assert len(found) == 1, rota["scores"]
    return found[0]


def as_dicts(history: Sequence[FixedAssignment]) -> list[dict[str, Any]]:
    return [
        {
            "meeting": f.meeting,
            "attendee": f.attendee,
            "day": f.day.isoformat(),
            "start": f.start.isoformat(),
            "end": f.end.isoformat(),
        }
        for f in history
    ]


def assert_valid_and_optimal(
    ws: Workspace, days: Sequence[date], history: Sequence[FixedAssignment] = ()
) -> dict[str, Any]:
    rota = solve(ws, days, history)
    assert check_rota(ws, rota) == []
    # Judge against the history we gave, whatever the rota chose to echo.
    assert check_rota(ws, {**rota, "fixed": as_dicts(history)}) == []
    coverage, depth = best_scores(ws, days, fixed=history)
    assert (score(rota, "coverage")["value"], score(rota, "depth")["value"]) == (coverage, depth)
    assert score(rota, "coverage")["optimal"] is True
    assert score(rota, "depth")["optimal"] is True
    if currently_in_test_context():  # what the examples exercise (--hypothesis-show-statistics)
        event("covered something" if coverage else "covered nothing")
        event("depth > 0" if depth else "depth 0")
        event("with history" if history else "no history")
    return rota


def history_of(rota: dict[str, Any]) -> list[FixedAssignment]:
    return [
        FixedAssignment(
            meeting=a["meeting"],
            attendee=a["attendee"],
            day=date.fromisoformat(a["day"]),
            start=datetime.fromisoformat(a["start"]),
            end=datetime.fromisoformat(a["end"]),
        )
        for a in rota["assignments"]
    ]


@SETTINGS
@given(tiny_workspaces(dst=False))
def test_plan_is_valid_and_optimal(ws: Workspace) -> None:
    assert_valid_and_optimal(ws, ws.conference.days())


@SETTINGS
@given(tiny_workspaces(dst=True))
def test_plan_is_valid_and_optimal_across_dst(ws: Workspace) -> None:
    assert_valid_and_optimal(ws, ws.conference.days())


@SETTINGS
@given(tiny_workspaces())
def test_day_by_day_with_published_history(ws: Workspace) -> None:
    """Plan the first day, publish it, then plan the second day with it as fixed history."""
    days = ws.conference.days()
    first = assert_valid_and_optimal(ws, days[:1])
    if len(days) > 1:
        assert_valid_and_optimal(ws, days[1:], history_of(first))


def test_hand_made_history_forces_rest_and_late_nights() -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("morning", "2018-11-06 08:00", "2018-11-06 09:00", priority=3),
            plain_meeting("night", "2018-11-06 22:00", "2018-11-07 00:30", priority=2),
            plain_meeting("noon", "2018-11-06 12:00", "2018-11-06 13:00"),
        ],
        [{"id": "ana"}, {"id": "ben"}],
        max_late_nights_in_a_row=1,
        min_rest_hours=7,
    )
    tz = ws.conference.tz
    history = [
        # Ana worked till 02:00 on conference day 5: no rest for an 08:00 start, and one
        # more late night would be two in a row.
        FixedAssignment(
            meeting="gone",
            attendee="ana",
            day=date(2018, 11, 5),
            start=datetime(2018, 11, 5, 23, 0, tzinfo=tz),
            end=datetime(2018, 11, 6, 2, 0, tzinfo=tz),
        ),
        # Ben too, but he stopped at 01:30: rest holds for 08:30 but not for 08:00.
        FixedAssignment(
            meeting="gone-too",
            attendee="ben",
            day=date(2018, 11, 5),
            start=datetime(2018, 11, 5, 22, 0, tzinfo=tz),
            end=datetime(2018, 11, 6, 1, 30, tzinfo=tz),
        ),
    ]
    days = [date(2018, 11, 6)]
    # Nobody may take 'morning' or 'night'; only 'noon' (weight 1) can be covered.
    assert best_scores(ws, days, fixed=history) == (1, 0)
    assert best_scores(ws, days) == (6, 0)
    rota = assert_valid_and_optimal(ws, days, history)
    assert {a["meeting"] for a in rota["assignments"]} == {"noon"}


@SETTINGS
@given(tiny_workspaces())
def test_the_coverage_mip_is_valid_and_optimal(ws: Workspace) -> None:
    """The MIP that races CP-SAT on the coverage tier (coverage.solver.mip), alone: its
    proven optimum is the brute force's, and its rota keeps every rule, on one day with
    the day before as history and on the whole conference."""
    days = ws.conference.days()
    first = solve(ws, days[:1])
    for planned, history in ((days, []), (days[1:], history_of(first))):
        if not planned:
            continue
        problem = build_problem(ws, planned, history)
        found = CoverageMip(problem).solve(10.0)
        assert found.proven and found.chosen is not None
        assert coverage_score(problem, found.chosen) == best_scores(ws, planned, history)[0]
        rota = pairs_rota(ws, planned, found.chosen, as_dicts(history))
        assert rule_problems(ws, rota) == []


def test_the_coverage_mip_keeps_the_rest_between_days() -> None:
    # One person: the late session and the next morning's are too close for the rest rule.
    ws = in_memory_workspace(
        [
            plain_meeting("night", "2018-11-06 22:00", "2018-11-07 01:00", priority=2),
            plain_meeting("morning", "2018-11-07 08:00", "2018-11-07 09:00", priority=3),
            plain_meeting("noon", "2018-11-07 12:00", "2018-11-07 13:00"),
        ],
        [{"id": "ana"}],
        min_rest_hours=9,
    )
    days = [date(2018, 11, 6), date(2018, 11, 7)]
    problem = build_problem(ws, days)
    assert problem.rest_pairs  # the rule binds here
    found = CoverageMip(problem).solve(10.0)
    assert found.proven and found.chosen is not None
    assert coverage_score(problem, found.chosen) == best_scores(ws, days)[0]
    assert {m for _, m in found.chosen} == {"morning", "noon"}
    assert rule_problems(ws, pairs_rota(ws, days, found.chosen)) == []
