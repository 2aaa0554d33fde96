"""The engine's floor and its shortcuts: the warm start keeps every rule, no time limit
or Ctrl-C ever returns less than the hand method, and a tier proven from its limit (no
search) has the optimum a full search proves."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from baseline import greedy_rota
from checker import check_rota
from hypothesis import HealthCheck, given, settings
from strategies import tiny_workspaces
from synthetic import conference

from coverage.domain import Workspace
from coverage.io import load_workspace
from coverage.plan import PlanOptions, plan
from coverage.problem import build_problem
from coverage.rules import Admission, eligibility
from coverage.solver import model as solver_model
from coverage.solver.objective import TIERS, coverage_score
from coverage.solver.warm import feasible, warm_start

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(tiny_workspaces())
def test_the_warm_start_keeps_every_rule(ws: Workspace) -> None:
    days = ws.conference.days()
    problem = build_problem(ws, days)
    pairs = warm_start(problem)
    assert feasible(problem, pairs)
    assignments = []
    for attendee, meeting_id in pairs:
        meeting = ws.meeting(meeting_id)
        assignments.append(
            {
                "meeting": meeting_id,
                "attendee": attendee,
                "day": ws.conference.day_of(meeting.start).isoformat(),
                "start": meeting.start.isoformat(),
                "end": meeting.end.isoformat(),
            }
        )
    rota = {"days": [d.isoformat() for d in days], "assignments": assignments, "fixed": []}
    problems = [p for p in check_rota(ws, rota) if not p.startswith(("scores", "meeting '"))]
    assert problems == []


def test_the_warm_start_is_never_below_the_hand_method(tmp_path: Path) -> None:
    for seed in (1, 2, 3):
        ws = load_workspace(conference(tmp_path / str(seed), 15, 100, 1, seed))
        problem = build_problem(ws, ws.conference.days())
        assert coverage_score(problem, warm_start(problem)) >= coverage_score(
            problem, greedy_rota(problem)
        )


@pytest.mark.parametrize("limit", [0.1, 0.5])
def test_a_short_time_limit_still_returns_at_least_the_hand_method(
    tmp_path: Path, limit: float
) -> None:
    ws = load_workspace(conference(tmp_path / "ws", 20, 136, 1, 2))
    days = ws.conference.days()
    problem = build_problem(ws, days)
    floor = coverage_score(problem, greedy_rota(problem))
    rota = plan(ws, days, [], PlanOptions(time_limit=limit))
    assert rota.score("coverage").value >= floor  # type: ignore[union-attr]
    assert check_rota(ws, rota.to_dict()) == []


def test_a_tier_proven_from_its_limit_has_the_optimum_a_search_proves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many people, few meetings: the warm start covers every meeting anyone may attend.
    ws = load_workspace(conference(tmp_path / "ws", 40, 30, 1, 5))
    days = ws.conference.days()
    options = PlanOptions(time_limit=20, tiers=("coverage", "depth"))
    shortcut = plan(ws, days, [], options)
    assert [t.seconds for t in shortcut.tiers] == [0.0, 0.0]  # no search at all
    assert all(t.optimal for t in shortcut.tiers)
    without = tuple(dataclasses.replace(t, limit=None) for t in TIERS)
    monkeypatch.setattr(solver_model, "TIERS", without)
    searched = plan(ws, days, [], options)
    assert all(t.optimal and t.seconds > 0 for t in searched.tiers)
    assert [t.value for t in searched.tiers] == [t.value for t in shortcut.tiers]
    assert check_rota(ws, shortcut.to_dict()) == []


@SETTINGS
@given(tiny_workspaces())
def test_admission_lets_in_exactly_whom_the_eligibility_rule_does(ws: Workspace) -> None:
    admission = Admission(ws.attendees, ws.conference)
    for meeting in ws.meetings:
        expected = [a.id for a in ws.attendees if eligibility(a, meeting, ws.conference) is None]
        assert [a.id for a in admission.candidates(meeting)] == expected
