"""Seats passed on from the most loaded person where fairness gets no search
(`coverage.solver.spread`): every earlier tier keeps its value, every rule holds, and the
heaviest load is no heavier (README, "How a rota is found, and proven")."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from checker import check_rota
from hypothesis import given, settings
from strategies import tiny_workspaces
from synthetic import conference
from workspaces import meeting, person, workspace

from coverage.domain import Workspace
from coverage.hard_rules import keeps_the_rules
from coverage.io import load_workspace
from coverage.plan import PlanOptions, plan
from coverage.problem import build_problem
from coverage.solver import model as model_module
from coverage.solver.objective import TIERS
from coverage.solver.spread import spread_load
from coverage.solver.warm import warm_start

DAY = date(2018, 11, 5)
BEFORE_FAIRNESS = [t for t in TIERS[: [t.name for t in TIERS].index("fairness")]]


def scores(ws: Workspace, rota: frozenset[tuple[str, str]]) -> dict[str, int]:
    problem = build_problem(ws, [DAY])
    return {t.name: t.score(problem, rota) for t in TIERS if t.applies(problem)}


def earlier_tiers_kept(
    ws: Workspace, rota: frozenset[tuple[str, str]], spread: frozenset[tuple[str, str]]
) -> bool:
    """Whether every tier before fairness scores `spread` as it scores `rota`."""
    before, after = scores(ws, rota), scores(ws, spread)
    return all(before[t.name] == after[t.name] for t in BEFORE_FAIRNESS if t.name in before)


def test_a_seat_passes_to_someone_as_good_and_less_loaded(tmp_path: Path) -> None:
    # Ana carries both meetings; Ben is as good on privacy (level 2) and free; Cy is
    # better (level 3), so would change the expertise. Ben takes the heavier, p2 (two
    # hours): the heaviest load falls from 180 to 120 minutes, nothing else changes.
    people = [person("ana"), person("ben"), person("cy", expertise={"privacy": 3})]
    agenda = [meeting("p1", "09:00", "10:00"), meeting("p2", "11:00", "13:00")]
    ws = workspace(tmp_path, people, agenda)
    problem = build_problem(ws, [DAY])
    rota = frozenset({("ana", "p1"), ("ana", "p2")})
    spread = spread_load(problem, rota)
    assert spread == {("ana", "p1"), ("ben", "p2")}
    assert (scores(ws, rota)["fairness"], scores(ws, spread)["fairness"]) == (180, 120)
    assert earlier_tiers_kept(ws, rota, spread)


def test_no_seat_passes_that_a_commitment_puts_there_or_a_rule_forbids(tmp_path: Path) -> None:
    # Ana is committed to p2 (`assigned`): it stays with her, and p1 goes to Ben instead.
    # Ben in half an hour of AI that clashes with p2 instead: p2 would spare Ana most,
    # but the changeover rule forbids it, and p1 goes to him.
    people = [person("ana"), person("ben")]
    committed = [
        meeting("p1", "09:00", "10:00"),
        meeting("p2", "11:00", "13:00", assigned=["ana"]),
    ]
    ws = workspace(tmp_path / "committed", people, committed)
    problem = build_problem(ws, [DAY])
    assert spread_load(problem, {("ana", "p1"), ("ana", "p2")}) == {("ben", "p1"), ("ana", "p2")}
    busy = [
        meeting("p1", "09:00", "10:00"),
        meeting("p2", "11:00", "13:00"),
        meeting("a1", "11:30", "12:00", issues=["ai"]),
    ]
    ws = workspace(tmp_path / "busy", people, busy)
    problem = build_problem(ws, [DAY])
    rota = frozenset({("ana", "p1"), ("ana", "p2"), ("ben", "a1")})
    assert spread_load(problem, rota) == {("ben", "p1"), ("ana", "p2"), ("ben", "a1")}


def test_no_seat_passes_to_someone_a_commitment_would_put_there(tmp_path: Path) -> None:
    # Ben is committed to p1 (`assigned`) but Ana holds it, in a rota given as it is:
    # passing it to Ben would spare Ana and raise the commitments, a tier before fairness
    # that the pass must leave as it is. Only p2 may go to Ben.
    people = [person("ana"), person("ben")]
    agenda = [meeting("p1", "09:00", "11:00", assigned=["ben"]), meeting("p2", "12:00", "13:00")]
    ws = workspace(tmp_path, people, agenda)
    problem = build_problem(ws, [DAY])
    rota = frozenset({("ana", "p1"), ("ana", "p2")})
    spread = spread_load(problem, rota)
    assert spread == {("ana", "p1"), ("ben", "p2")}
    assert earlier_tiers_kept(ws, rota, spread)


def test_no_seat_passes_when_the_heaviest_load_stays(tmp_path: Path) -> None:
    # Ana (privacy) and Ben (AI) each carry two hours; Cy could take one hour from Ana,
    # but Ben would still carry two: the same fairness, one thread more. Kept as it was.
    people = [person("ana"), person("ben"), person("cy")]
    agenda = [
        meeting("p1", "09:00", "10:00"),
        meeting("p2", "11:00", "12:00"),
        meeting("a1", "09:00", "10:00", issues=["ai"]),
        meeting("a2", "11:00", "12:00", issues=["ai"]),
    ]
    ws = workspace(tmp_path, people, agenda)
    problem = build_problem(ws, [DAY])
    rota = frozenset({("ana", "p1"), ("ana", "p2"), ("ben", "a1"), ("ben", "a2")})
    assert spread_load(problem, rota) == rota


@settings(max_examples=60)
@given(tiny_workspaces())
def test_passing_seats_keeps_the_rules_and_every_tier_before_fairness(ws: Workspace) -> None:
    """From the warm start of random workspaces: the rota keeps every hard rule, every
    tier before fairness scores the same, and the heaviest load is no heavier."""
    problem = build_problem(ws, ws.conference.days())
    rota = warm_start(problem)
    spread = spread_load(problem, rota)
    assert keeps_the_rules(problem, spread)
    for tier in TIERS:
        if not tier.applies(problem):
            continue
        before, after = tier.score(problem, rota), tier.score(problem, spread)
        if tier.name == "fairness":
            assert after <= before
            break
        assert after == before, tier.name


def test_a_plan_too_large_to_search_fairness_passes_seats_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan of several days whose budget leaves fairness no search (a time limit of
    one second): its rota is that of the days with seats passed on, which the
    independent checker accepts, with the same earlier tiers and a lighter heaviest
    load than the same plan without the pass."""
    ws = load_workspace(conference(tmp_path / "ws", 30, 10, 3, 1))
    days = ws.conference.days()
    options = PlanOptions(seed=0, time_limit=1)
    spread = plan(ws, days, [], options).to_dict()
    assert check_rota(ws, spread) == []
    fairness = next(t for t in TIERS if t.name == "fairness")
    without = tuple(dataclasses.replace(t, unsearched=None) if t is fairness else t for t in TIERS)
    monkeypatch.setattr(model_module, "TIERS", without)
    plain = plan(ws, days, [], options).to_dict()
    values = {
        name: {s["tier"]: s["value"] for s in rota["scores"]}
        for name, rota in (("spread", spread), ("plain", plain))
    }
    for tier in BEFORE_FAIRNESS:
        assert values["spread"].get(tier.name) == values["plain"].get(tier.name), tier.name
    assert values["spread"]["fairness"] < values["plain"]["fairness"]
