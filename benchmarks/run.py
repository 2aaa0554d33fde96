"""Speed and quality benchmarks for `rota plan` (a separate command, never part of the tests).

    .venv/bin/python benchmarks/run.py            # everything, 5 runs each
    .venv/bin/python benchmarks/run.py --quick    # fewer runs and instances

1. The busiest day of the example, `rota plan` as a whole process (median wall time).
2. The whole example conference planned jointly (median wall time).
3. Scarce synthetic days (fewer people than meetings can use): time to prove tiers 1-2,
   the quality tiers, and how far the hand method (greedy) falls short of the optimum.
   With `highspy` installed, the same coverage tier solved by HiGHS for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "examples" / "plenipot2018"
sys.path.insert(0, str(HERE))
# Each `rota` run here runs as an installed one does, its compiled bytecode cached after
# the first run (an environment that sets PYTHONDONTWRITEBYTECODE, as the development
# machine's does, would have every run compile the package again: 0.1-0.2 s).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

from baseline import greedy_rota  # noqa: E402
from synthetic import generate  # noqa: E402

from coverage.io import load_workspace  # noqa: E402
from coverage.plan import PlanOptions, plan  # noqa: E402
from coverage.problem import build_problem  # noqa: E402
from coverage.solver.objective import coverage_score  # noqa: E402


def rota_command() -> list[str]:
    found = Path(sys.executable).with_name("rota")
    # (`python -m coverage.cli` would import the module and run nothing: it has no main)
    runner = "from coverage.cli import main; main()"
    return [str(found)] if found.exists() else [sys.executable, "-c", runner]


def timed_rota(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """One `rota` command as a whole process: its wall seconds and what it printed."""
    start = time.perf_counter()
    done = subprocess.run([*rota_command(), *args], check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done


def timed(args: list[str]) -> float:
    """The wall seconds of one `rota` command as a whole process."""
    return timed_rota(args)[0]


def timed_plan(args: list[str], runs: int) -> tuple[list[float], dict]:
    """Run `rota plan` `runs` times as a whole process, printing its table as a user sees
    it (to a pipe); wall times and the last rota."""
    times, data = [], {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            done = subprocess.run(
                [*rota_command(), "plan", *args, "--out", out],
                capture_output=True,
                text=True,
                check=True,
            )
            times.append(time.perf_counter() - start)
            data = json.loads(Path(done.stdout.strip().splitlines()[-1]).read_text())
    return times, data


def tiers_line(data: dict) -> str:
    parts = []
    for score in data["scores"]:
        bound = "" if score["optimal"] else f" (bound {score['bound']})"
        parts.append(f"{score['tier']} {score['value']}{bound}")
    return ", ".join(parts)


def busiest_day() -> date:
    ws = load_workspace(EXAMPLE)
    counts = Counter(ws.conference.day_of(m.start) for m in ws.meetings)
    return max(counts, key=lambda d: (counts[d], d))


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import ortools

    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"OR-Tools {ortools.__version__}"
    )


def highs_coverage(problem, limit: float = 300.0) -> tuple[int, float, str] | None:  # type: ignore[no-untyped-def]
    """The coverage tier as a plain MIP in HiGHS (if installed), written here independently
    of the solver: a Boolean per eligible pair and per meeting, one clique constraint per
    overlap group, one per rest pair, a knapsack per person and day, a late-night column
    per person and day with the window sums. Returns the value
    found, the seconds of the solve alone, and whether it is proven."""
    try:
        import highspy
        import numpy as np
    except ImportError:
        return None
    from collections import defaultdict

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(limit))
    keys = list(problem.options)
    index = {k: i for i, k in enumerate(keys)}
    meetings = sorted({m for _, m in keys})
    column = {m: len(keys) + i for i, m in enumerate(meetings)}
    n = len(keys) + len(meetings)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsIntegrality(n, np.arange(n), np.array([highspy.HighsVarType.kInteger] * n))
    cost = np.zeros(n)
    for m in meetings:
        cost[column[m]] = problem.slots[m].weight
    h.changeColsCost(n, np.arange(n), cost)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    inf = highspy.kHighsInf

    def row(hi: float, cols: list[int], vals: list[float]) -> None:
        h.addRow(-inf, hi, len(cols), np.array(cols, dtype=np.int32), np.array(vals, dtype=float))

    by_meeting = defaultdict(list)
    for k in keys:
        by_meeting[k[1]].append(index[k])
    for m in meetings:
        row(0, [column[m], *by_meeting[m]], [1] + [-1] * len(by_meeting[m]))
    for a, groups in problem.overlap_groups.items():
        for g in groups:
            row(1, [index[a, m] for m in g], [1] * len(g))
    for a, pairs in problem.rest_pairs.items():
        for x, y in pairs:
            row(1, [index[a, x], index[a, y]], [1, 1])
    by_day = defaultdict(list)
    for a, m in keys:
        by_day[a, problem.slots[m].day].append(m)
    for (a, d), ms in by_day.items():
        row(
            problem.duty_left(a, d),
            [index[a, m] for m in ms],
            [problem.slots[m].minutes for m in ms],
        )
    # Late nights in a row: a column per (person, day) with a late meeting, at least each
    # of that day's late attendances, and each window's sum within what history leaves.
    nights: dict = {}
    for a, m in keys:
        if problem.slots[m].late:
            key = (a, problem.slots[m].day)
            if key not in nights:
                nights[key] = h.getNumCol()
                h.addVar(0, 1)
                h.changeColIntegrality(nights[key], highspy.HighsVarType.kInteger)
            row(0, [index[a, m], nights[key]], [1, -1])
    for a, windows in problem.late_windows.items():
        for days, already in windows:
            cols = [nights[a, d] for d in days if (a, d) in nights]
            if cols and len(cols) + already > problem.max_late:
                row(max(0, problem.max_late - already), cols, [1] * len(cols))
    start = time.perf_counter()
    h.run()
    solve = time.perf_counter() - start
    proven = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    value = round(h.getInfo().objective_function_value)
    return value, solve, "proven" if proven else "NOT proven"


def replan_benchmark(day: date, runs: int) -> None:
    """Plan the busiest day, add a meeting late in the afternoon, and time `rota replan
    --now 14:00` as a whole process; check that nobody more is messaged than needed."""
    import shutil

    from coverage.plan import replan
    from coverage.store import RotaStore, assignments_of

    with tempfile.TemporaryDirectory() as tmp:
        ws_dir = Path(tmp) / "plenipot2018"
        shutil.copytree(EXAMPLE, ws_dir)
        published = Path(tmp) / "published"
        subprocess.run(
            [
                *rota_command(),
                "plan",
                str(ws_dir),
                "--day",
                day.isoformat(),
                "--out",
                str(published),
                "--quiet",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *rota_command(),
                "add-meeting",
                str(ws_dir),
                "--title",
                "Informal consultation on Res. 206 (OTT), called at an hour's notice",
                "--start",
                f"{day} 16:30",
                "--end",
                f"{day} 18:00",
                "--issues",
                "ott",
                "--room",
                "Room D1",
                "--priority",
                "4",
            ],
            check=True,
            capture_output=True,
        )
        times, data = [], {}
        for n in range(runs):
            out = Path(tmp) / f"out{n}"
            shutil.copytree(published, out)
            start = time.perf_counter()
            done = subprocess.run(
                [
                    *rota_command(),
                    "replan",
                    str(ws_dir),
                    "--day",
                    day.isoformat(),
                    "--now",
                    "14:00",
                    "--out",
                    str(out),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            times.append(time.perf_counter() - start)
            data = json.loads(Path(done.stdout.strip().splitlines()[-1]).read_text())
        # Independently: the fewest people any coverage- and depth-optimal replan must touch.
        ws = load_workspace(ws_dir)
        store = RotaStore.open(ws_dir, ws.name, published, create=False)
        version = store.latest_for(day)
        assert version is not None
        from datetime import datetime

        now = datetime.fromisoformat(f"{day}T14:00").replace(tzinfo=ws.conference.tz)
        fewest = replan(
            ws,
            day,
            assignments_of(version.rota, day),
            now,
            store.history([day]),
            PlanOptions(tiers=("coverage", "depth", "messaged")),
        )
    block = data["replan"]
    scores = {s["tier"]: s for s in data["scores"]}
    print(f"## Replan of the busiest day after one added meeting ({day}, --now 14:00)")
    print(
        f"rota replan: median {statistics.median(times):.2f} s wall over {runs} runs "
        f"(min {min(times):.2f}, max {max(times):.2f})"
    )
    print(
        f"disruption {block['disruption']} pair(s), {block['people_affected']} person(s) "
        f"messaged; fewest people any optimal replan needs: "
        f"{fewest.score('messaged').value if fewest.score('messaged') else '?'}; "
        f"coverage {scores['coverage']['value']} proven: {scores['coverage']['optimal']}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs

    print(f"Machine: {machine()}\n")
    day = busiest_day()
    times, data = timed_plan([str(EXAMPLE), "--day", day.isoformat()], runs)
    meetings = sum(1 for m in data["meetings"] if m["day"] == day.isoformat())
    print(
        f"## Busiest example day ({day}, {meetings} meetings, "
        f"{data['solver']['eligible_pairs']} eligible pairs)"
    )
    print(
        f"rota plan examples/plenipot2018 --day {day}: median {statistics.median(times):.2f} s "
        f"wall over {runs} runs (min {min(times):.2f}, max {max(times):.2f})"
    )
    print(f"tiers: {tiers_line(data)}; all proven: {data['solver']['status'] == 'OPTIMAL'}\n")

    ws = load_workspace(EXAMPLE)
    first, last = ws.conference.days()[0], ws.conference.days()[-1]
    times, data = timed_plan(
        [str(EXAMPLE), "--from", first.isoformat(), "--to", last.isoformat()], min(runs, 3)
    )
    print(
        f"## Whole example conference ({first} to {last}, {len(data['meetings'])} meetings, "
        f"{data['solver']['eligible_pairs']} eligible pairs)"
    )
    print(
        f"rota plan --from {first} --to {last}: median {statistics.median(times):.2f} s wall "
        f"over {len(times)} runs"
    )
    print(f"tiers: {tiers_line(data)}; all proven: {data['solver']['status'] == 'OPTIMAL'}\n")

    replan_benchmark(day, runs)

    sizes = [(10, 70), (15, 120), (20, 140)]
    seeds = [1, 2] if args.quick else [1, 2, 3]
    print("## Scarce synthetic days (one worker, seed 0, 60 s limit)")
    print(
        "| people x meetings | seed | pairs | tiers 1-2 proven in | all tiers | greedy / optimum"
        " | HiGHS coverage tier |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for people, count in sizes:
            for seed in seeds:
                folder = generate(Path(tmp) / f"s{people}-{count}-{seed}", people, count, 1, seed)
                syn = load_workspace(folder)
                days = syn.conference.days()
                problem = build_problem(syn, days)
                rota = plan(syn, days, [], PlanOptions(time_limit=60))
                first_two = rota.tiers[:2]
                proven = all(t.optimal for t in first_two)
                two = sum(t.seconds for t in first_two)
                coverage = rota.tiers[0].value
                greedy = coverage_score(problem, greedy_rota(problem))
                highs = highs_coverage(problem)
                highs_text = f"{highs[1]:.2f} s ({highs[2]})" if highs else "n/a"
                if highs and highs[0] != coverage and proven:
                    highs_text += f" (value {highs[0]}: differs)"
                all_text = f"{rota.seconds:.2f} s" + ("" if rota.optimal else " (not all proven)")
                print(
                    f"| {people} x {count} | {seed} | {len(problem.options)} | "
                    f"{two:.2f} s{'' if proven else ' (NOT proven)'} | {all_text} | "
                    f"{100 * greedy / coverage:.1f} % | {highs_text} |"
                )


if __name__ == "__main__":
    main()
