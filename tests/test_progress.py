"""Progress of a solve and Ctrl-C: the live line says where the solve is, and Ctrl-C keeps
the best rota found so far, clearly marked as not proven optimal (or, when nothing was
found yet, writes nothing). Ctrl-C is simulated by sending SIGINT to this process from the
progress callback, at a moment the test chooses."""

from __future__ import annotations

import io
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from baseline import greedy_rota
from checker import check_rota
from click.testing import CliRunner
from rich.console import Console
from workspaces import meeting, person, workspace, write_workspace

from coverage import cli
from coverage.export.terminal import SolveProgress
from coverage.plan import PlanOptions, plan
from coverage.problem import build_problem
from coverage.solver import Progress
from coverage.solver.objective import coverage_score

DAY = date(2018, 11, 5)

PEOPLE = [person(p) for p in ("ana", "bo", "cy")]
MEETINGS = [
    meeting("m1", "09:00", "11:00", seats=2),
    meeting("m2", "10:00", "12:00", seats=2, issues=["ai"]),
    meeting("m3", "13:00", "15:00", seats=2),
    meeting("m4", "14:00", "16:00", priority=3),
]


def ctrl_c_when(condition: Callable[[Progress], bool]) -> Callable[[Progress], None]:
    """A progress callback that presses Ctrl-C once, the first time `condition` holds."""
    pressed: list[Progress] = []

    def on_progress(news: Progress) -> None:
        if not pressed and condition(news):
            pressed.append(news)
            os.kill(os.getpid(), signal.SIGINT)

    return on_progress


def first_rota(news: Progress) -> bool:
    return news.tier == "coverage" and news.value is not None


def test_ctrl_c_keeps_the_best_rota_found_so_far(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", PEOPLE, MEETINGS)
    options = PlanOptions(time_limit=10, on_progress=ctrl_c_when(first_rota))
    rota = plan(ws, [DAY], options=options)
    assert rota.interrupted
    assert not rota.optimal
    assert rota.status == "INTERRUPTED"
    assert {"expertise", "fairness", "continuity"} <= set(rota.unsolved)
    data = rota.to_dict()
    assert data["solver"]["status"] == "INTERRUPTED"
    assert data["solver"]["interrupted"] is True
    assert check_rota(ws, data) == []
    assert rota.assignments  # the rota found before Ctrl-C, not an empty one


def test_ctrl_c_at_once_keeps_the_warm_start(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", PEOPLE, MEETINGS)
    options = PlanOptions(time_limit=10, on_progress=ctrl_c_when(lambda news: True))
    rota = plan(ws, [DAY], options=options)
    assert rota.interrupted and rota.status == "INTERRUPTED"
    data = rota.to_dict()
    assert check_rota(ws, data) == []
    problem = build_problem(ws, [DAY])
    floor = coverage_score(problem, greedy_rota(problem))  # the hand method
    assert rota.score("coverage") is not None and rota.score("coverage").value >= floor  # type: ignore[union-attr]


def test_the_ctrl_c_handler_is_put_back(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", PEOPLE, MEETINGS)
    before = signal.getsignal(signal.SIGINT)
    plan(ws, [DAY], options=PlanOptions(time_limit=10))
    assert signal.getsignal(signal.SIGINT) is before


def test_progress_does_not_change_the_rota(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", PEOPLE, MEETINGS)
    seen: list[Progress] = []
    quiet = plan(ws, [DAY], options=PlanOptions(time_limit=10))
    watched = plan(ws, [DAY], options=PlanOptions(time_limit=10, on_progress=seen.append))
    assert watched.assignments == quiet.assignments
    assert [t.value for t in watched.tiers] == [t.value for t in quiet.tiers]
    assert {news.tier for news in seen} >= {"coverage", "depth"}
    coverage = [n for n in seen if n.tier == "coverage" and n.value is not None]
    assert coverage[-1].value == quiet.score("coverage").value  # type: ignore[union-attr]


def test_the_progress_line_says_where_the_solve_is() -> None:
    display = SolveProgress(Console(file=io.StringIO()), delay=0)
    assert display.describe().startswith("building the model")
    display.update(Progress("coverage", 1, 4, "max", None, None, 0.5))
    assert display.describe().startswith("step 1/4, coverage: no rota yet")
    display.update(Progress("coverage", 1, 4, "max", 412, 430, 2.0))
    line = display.describe()
    assert "step 1/4, coverage: best 412, bound: at most 430" in line
    assert "Ctrl-C stops and keeps the best rota so far" in line
    display.update(Progress("stability", 3, 5, "min", 4, 2, 2.0))
    assert "best 4, bound: at least 2" in display.describe()


def test_the_progress_line_appears_on_a_terminal_and_goes_away() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=160)
    with SolveProgress(console, delay=0) as display:
        display.update(Progress("depth", 2, 4, "max", 7, 9, 1.0))
        time.sleep(0.6)
    assert "step 2/4, depth: best 7, bound: at most 9" in out.getvalue()


@contextmanager
def pressing(condition: Callable[[Progress], bool]) -> Iterator[Callable[[Progress], None]]:
    yield ctrl_c_when(condition)


def run_plan(folder: Path, out: Path) -> Any:
    args = ["plan", str(folder), "--day", DAY.isoformat(), "--out", str(out)]
    return CliRunner().invoke(cli.main, args)


def test_plan_interrupted_publishes_the_rota_marked_not_proven(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_workspace(tmp_path / "ws", PEOPLE, MEETINGS)
    monkeypatch.setattr(cli, "_progress", lambda quiet: pressing(first_rota))
    result = run_plan(folder, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "interrupted: kept the best rota found so far, NOT proven optimal" in result.stderr
    path = Path(result.stdout.strip().splitlines()[-1])
    data = json.loads(path.read_text())
    assert data["solver"]["status"] == "INTERRUPTED"
    assert "interrupted with Ctrl-C" in (path.parent / "rota.md").read_text()


def test_plan_interrupted_before_any_rota_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_workspace(tmp_path / "ws", PEOPLE, MEETINGS)

    def pressed(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt  # Ctrl-C while the model is being built

    monkeypatch.setattr("coverage.plan.build_problem", pressed)
    result = run_plan(folder, tmp_path / "out")
    assert result.exit_code == 130
    assert "interrupted before a rota was found: nothing written" in result.stderr
    assert not list((tmp_path / "out").glob("v*"))
