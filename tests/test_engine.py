"""The engine's floor and its shortcuts: the warm start keeps every rule, no time limit
or Ctrl-C ever returns less than the hand method, and a tier proven from its limit (no
search) has the optimum a full search proves."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from baseline import greedy_rota
from checker import check_rota
from hypothesis import given, settings
from ortools.sat.python import cp_model
from strategies import tiny_workspaces
from synthetic import conference
from workspaces import pairs_rota, rule_problems

from coverage.domain import Workspace
from coverage.hard_rules import keeps_the_rules
from coverage.io import load_workspace
from coverage.plan import PlanOptions, plan
from coverage.problem import StaffingProblem, build_problem
from coverage.rules import Admission, eligibility
from coverage.solver import model as solver_model
from coverage.solver.mip import CoverageMip, MipResult
from coverage.solver.model import SolveParams, StaffingModel
from coverage.solver.objective import TIERS, coverage_score
from coverage.solver.race import MipRace
from coverage.solver.warm import warm_start

SETTINGS = settings(max_examples=60)  # the rest: the shared profile (conftest.py)


@SETTINGS
@given(tiny_workspaces())
def test_the_warm_start_keeps_every_rule(ws: Workspace) -> None:
    days = ws.conference.days()
    problem = build_problem(ws, days)
    pairs = warm_start(problem)
    assert keeps_the_rules(problem, pairs)
    assert rule_problems(ws, pairs_rota(ws, days, pairs)) == []


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


def scarce_day(tmp_path: Path, seed: int = 1) -> tuple[Workspace, StaffingProblem]:
    ws = load_workspace(conference(tmp_path / f"scarce-{seed}", 15, 100, 1, seed))
    return ws, build_problem(ws, ws.conference.days())


class KnownOptimum:
    """A stand-in for the MIP racing CP-SAT that has proven `rota` optimal at once."""

    def __init__(self, rota: frozenset[tuple[str, str]], problem: StaffingProblem) -> None:
        self._rota, self._problem = rota, problem
        self.done = threading.Event()
        self.done.set()

    def __call__(self, *args: object) -> KnownOptimum:
        return self

    @staticmethod
    def available() -> bool:
        return True

    started = True

    def start(self, elapsed: float = 0.0) -> None:
        pass

    @property
    def optimum(self) -> int:
        return coverage_score(self._problem, self._rota)

    def stop(self) -> None:
        pass

    def result(self) -> MipResult:
        return MipResult(self._rota, True, 0.0)


def test_the_coverage_mip_proves_the_optimum_cp_sat_proves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ws, problem = scarce_day(tmp_path)
    found = CoverageMip(problem).solve(30.0)
    assert found.proven and found.chosen is not None and keeps_the_rules(problem, found.chosen)
    monkeypatch.setattr(MipRace, "available", staticmethod(lambda: False))
    alone = StaffingModel(problem).solve(SolveParams(time_limit=30, tiers=("coverage",)))
    assert alone.tiers[0].optimal
    assert coverage_score(problem, found.chosen) == alone.tiers[0].value
    assert coverage_score(problem, found.chosen) > coverage_score(problem, warm_start(problem))


def test_a_race_ends_with_the_rota_cp_sat_proves_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever proves first, the rota is the same: with the MIP's proof known before
    CP-SAT starts, CP-SAT stops at its first rota of that value, the one it ends with
    when it proves the optimum alone."""
    _ws, problem = scarce_day(tmp_path, 2)
    params = SolveParams(time_limit=30, tiers=("coverage",))
    searched: list[float] = []  # CP-SAT's own work per search, in deterministic seconds
    solve = cp_model.CpSolver.solve

    def counted(self: cp_model.CpSolver, *args: Any, **kwargs: Any) -> Any:
        status = solve(self, *args, **kwargs)
        searched.append(self.response_proto.deterministic_time)
        return status

    monkeypatch.setattr(cp_model.CpSolver, "solve", counted)
    monkeypatch.setattr(MipRace, "available", staticmethod(lambda: False))
    alone = StaffingModel(problem).solve(params)
    assert alone.tiers[0].optimal
    alone_work, searched[:] = sum(searched), []
    other = CoverageMip(problem).solve(30.0).chosen
    assert other is not None and other != alone.assignments
    monkeypatch.setattr(solver_model, "MipRace", KnownOptimum(other, problem))
    raced = StaffingModel(problem).solve(params)
    assert raced.tiers[0].optimal
    assert raced.assignments == alone.assignments
    # No proof left to search for: less of CP-SAT's work (its deterministic seconds, the
    # same on every run; the wall clock, compared here before, is not on a busy machine:
    # 2.65 s against 2.61 s once).
    assert sum(searched) < alone_work, (searched, alone_work)


def test_when_cp_sat_runs_out_of_time_the_mip_s_proven_rota_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ws, problem = scarce_day(tmp_path)
    best = CoverageMip(problem).solve(30.0).chosen
    assert best is not None
    monkeypatch.setattr(solver_model, "MipRace", KnownOptimum(best, problem))
    # Far too little time for CP-SAT to reach the optimum on its own.
    raced = StaffingModel(problem).solve(SolveParams(time_limit=0.01, tiers=("coverage",)))
    assert raced.tiers[0].optimal and raced.tiers[0].value == coverage_score(problem, best)
    assert raced.assignments == best


def test_the_real_race_finds_and_proves_the_optimum(tmp_path: Path) -> None:
    ws, _problem = scarce_day(tmp_path)
    first = plan(
        ws, ws.conference.days(), [], PlanOptions(time_limit=20, tiers=("coverage", "depth"))
    )
    again = plan(
        ws, ws.conference.days(), [], PlanOptions(time_limit=20, tiers=("coverage", "depth"))
    )
    assert first.score("coverage").optimal  # type: ignore[union-attr]
    assert first.assignments == again.assignments
    assert check_rota(ws, first.to_dict()) == []
    assert not racing(os.getpid())  # no MIP process left behind


def test_ctrl_c_during_a_race_stops_both_and_keeps_the_rota(tmp_path: Path) -> None:
    folder = conference(tmp_path / "ws", 20, 136, 1, 2)  # coverage takes CP-SAT ~50 s
    out = tmp_path / "out"
    rota = Path(sys.executable).with_name("rota")
    process = subprocess.Popen(
        [str(rota), "plan", str(folder), "--day", "2018-10-29", "--out", str(out), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not racing(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert racing(process.pid)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert (out / "v001-2018-10-29" / "rota.json").exists()
    assert not racing(process.pid)


def racing(pid: int) -> bool:
    """Whether process `pid` has a MIP process (`python -m coverage.solver.race`)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid and b"coverage.solver.race" in command:
            return True
    return False


def test_when_no_process_can_be_started_cp_sat_decides_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coverage.solver import race

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(race.subprocess, "Popen", refuse)
    ws, _ = scarce_day(tmp_path, 2)
    rota = plan(ws, ws.conference.days(), [], PlanOptions(time_limit=30, tiers=("coverage",)))
    assert rota.score("coverage").optimal  # type: ignore[union-attr]
    assert rota.tiers[0].seconds > 0.5  # searched past the moment the race would start


class LateOptimum(KnownOptimum):
    """A MIP that proves `rota` optimal only after CP-SAT's own time is up."""

    def __init__(self, rota: frozenset[tuple[str, str]], problem: StaffingProblem) -> None:
        super().__init__(rota, problem)
        self._asked = False

    @property
    def optimum(self) -> int | None:  # type: ignore[override]
        return coverage_score(self._problem, self._rota) if self._asked else None

    def result(self) -> MipResult:
        self._asked = True
        return super().result()


def test_cp_sat_reaching_the_optimum_in_its_time_keeps_its_rota_when_the_proof_comes_late(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race rule, when the MIP's proof arrives after CP-SAT's time ran out but CP-SAT
    had found a rota of that value: CP-SAT's rota, as when the proof comes during its
    search (before, the MIP's rota was taken, so the rota depended on which came first)."""
    _ws, problem = scarce_day(tmp_path, 2)
    monkeypatch.setattr(MipRace, "available", staticmethod(lambda: False))
    alone = StaffingModel(problem).solve(SolveParams(time_limit=30, tiers=("coverage",)))
    assert alone.tiers[0].optimal
    other = CoverageMip(problem).solve(30.0).chosen
    assert other is not None and other != alone.assignments
    # CP-SAT starts from its own optimum but has far too little time to prove it; the
    # floor is an empty rota, so that the optimum is better than where the step began.
    monkeypatch.setattr(solver_model, "warm_start", lambda problem, keep=(): frozenset())
    monkeypatch.setattr(solver_model, "MipRace", LateOptimum(other, problem))
    model = StaffingModel(problem)
    model.hint(alone.assignments)
    raced = model.solve(SolveParams(time_limit=0.3, tiers=("coverage",)))
    assert raced.tiers[0].optimal and raced.tiers[0].value == alone.tiers[0].value
    assert raced.assignments != other


@pytest.mark.parametrize("days", [1, 3])
def test_the_rota_does_not_depend_on_the_wall_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, days: int
) -> None:
    """Each search's budget is in CP-SAT's deterministic seconds, what is left of them, not
    of the wall clock: a clock that runs at half or a quarter of real speed (a faster or a
    slower machine between the searches) gives every search the same budget and the same
    rota. Both clocks are slower than real time, so the wall clock never stops a search."""
    ws = load_workspace(conference(tmp_path, 15, 70 if days > 1 else 100, days, 2))
    problem = build_problem(ws, ws.conference.days())
    real = time.monotonic
    origin = real()
    solve = solver_model.cp_model.CpSolver.solve

    def run(speed: float) -> tuple[frozenset[tuple[str, str]], list[float]]:
        budgets: list[float] = []

        def recorded(solver: Any, *args: Any, **kwargs: Any) -> Any:
            budgets.append(solver.parameters.max_deterministic_time)
            return solve(solver, *args, **kwargs)

        monkeypatch.setattr(
            solver_model.time, "monotonic", lambda: origin + (real() - origin) * speed
        )
        monkeypatch.setattr(solver_model.cp_model.CpSolver, "solve", recorded)
        try:
            solution = StaffingModel(problem).solve(SolveParams(time_limit=3, race=False))
        finally:
            monkeypatch.undo()
        return solution.assignments, sorted(budgets)

    half, quarter = run(0.5), run(0.25)
    assert len(half[1]) > 1  # several searches
    assert half == quarter
