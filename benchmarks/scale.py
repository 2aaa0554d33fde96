"""The engine at every scale (a separate command, never part of the tests).

    .venv/bin/python benchmarks/scale.py             # every case
    .venv/bin/python benchmarks/scale.py --quick     # one run each, shorter MIP limit
    .venv/bin/python benchmarks/scale.py --only scarce-20x136-s2 --only conference-200

For each generated case (`synthetic.conference`: meetings of 1-4 h from 08:00 to 03:00,
late sessions growing in later weeks, mixed access and expertise, some seats 2): `rota
plan` as a whole process (median of several runs when it is quick), each tier's value,
bound and proof, the hand method's coverage (`baseline.greedy_rota`), and HiGHS on the
coverage tier alone (a plain MIP with clique constraints, written separately; needs
`highspy`), side by side in one run. Then the growth of model building from 1x to 8x the
60-person conference.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from baseline import greedy_rota  # noqa: E402
from run import highs_coverage, machine, timed_plan  # noqa: E402
from synthetic import conference  # noqa: E402

from coverage.io import load_workspace  # noqa: E402
from coverage.problem import build_problem  # noqa: E402
from coverage.solver.model import StaffingModel  # noqa: E402
from coverage.solver.objective import coverage_score  # noqa: E402


@dataclass(frozen=True)
class Case:
    name: str
    people: int
    per_day: int
    days: int
    seed: int = 1
    time_limit: float = 60.0

    @property
    def size(self) -> str:
        return f"{self.people} x {self.per_day * self.days}"


CASES = [
    Case("scarce-10x70", 10, 70, 1),
    Case("scarce-15x100", 15, 100, 1),
    Case("scarce-20x136-s1", 20, 136, 1, 1),
    Case("scarce-20x136-s2", 20, 136, 1, 2),
    Case("scarce-25x180", 25, 180, 1),
    Case("scarce-30x200", 30, 200, 1),
    Case("frontier-40x224", 40, 224, 1),
    Case("large-day-200x224", 200, 224, 1),
    Case("conference-40-scarce", 40, 142, 19),
    Case("conference-60", 60, 45, 19),
    Case("conference-200", 200, 142, 19),
]


def plan_runs(folder: Path, case: Case, runs: int) -> tuple[list[float], dict]:  # type: ignore[type-arg]
    """`rota plan` of every day of the case as a whole process, `runs` times."""
    ws = load_workspace(folder)
    days = ws.conference.days()
    span = (
        ["--day", str(days[0])]
        if len(days) == 1
        else ["--from", str(days[0]), "--to", str(days[-1])]
    )
    args = [str(folder), *span, "--time-limit", str(case.time_limit), "--quiet"]
    return timed_plan(args, runs)


def tier_text(score: dict) -> str:  # type: ignore[type-arg]
    if score["optimal"]:
        return f"{score['value']} proven"
    bound = score["bound"]
    if bound is None:
        return f"{score['value']} (no bound)"
    gap = abs(bound - score["value"]) / max(1, abs(bound))
    return f"{score['value']} (bound {bound}, gap {100 * gap:.1f} %)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--mip-limit", type=float, default=300.0)
    parser.add_argument("--no-mip", action="store_true")
    args = parser.parse_args()
    mip_limit = 60.0 if args.quick else args.mip_limit
    print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}\n")
    print(
        "| case (people x meetings) | pairs | rota plan, whole process | coverage | depth | "
        "quality tiers | proven by | greedy coverage | HiGHS coverage tier (process; solve) |"
    )
    print("|---|---:|---:|---|---|---|---:|---:|---|")
    chosen = [c for c in CASES if not args.only or any(o in c.name for o in args.only)]
    with tempfile.TemporaryDirectory() as tmp:
        for case in chosen:
            folder = conference(
                Path(tmp) / case.name, case.people, case.per_day, case.days, case.seed
            )
            quick = case.days == 1 and case.people <= 25
            runs = 1 if args.quick else (3 if quick else 1)
            times, data = plan_runs(folder, case, runs)
            scores = {s["tier"]: s for s in data["scores"]}
            seconds = data["run"].get("tier_seconds", {})
            proven_at = sum(seconds.get(t, 0.0) for t in ("coverage", "depth"))
            quality = "; ".join(
                f"{t} {tier_text(scores[t])}"
                for t in ("expertise", "fairness", "continuity")
                if t in scores
            )
            ws = load_workspace(folder)
            problem = build_problem(ws, ws.conference.days())
            greedy = coverage_score(problem, greedy_rota(problem))
            mip = "not run"
            if not args.no_mip:
                started = time.perf_counter()
                found = highs_coverage(problem, mip_limit)
                if found is None:
                    mip = "n/a (pip install highspy)"
                else:
                    value, solve, status = found
                    process = time.perf_counter() - started
                    mip = f"{value} {status} ({process:.1f} s; {solve:.1f} s)"
            median = statistics.median(times)
            print(
                f"| {case.name} ({case.size}) | {data['solver']['eligible_pairs']} | "
                f"{median:.1f} s{f' (median of {runs})' if runs > 1 else ''} | "
                f"{tier_text(scores['coverage'])} | {tier_text(scores['depth'])} | {quality} | "
                f"{proven_at:.1f} s | {greedy} | {mip} |",
                flush=True,
            )
    if not args.only or any("conference-200" in o for o in args.only):
        anytime()
    scaling()


def anytime() -> None:
    """The floor at any time limit: the whole 200-person conference planned with a 2 s
    limit (whole process) against the hand method's coverage."""
    case = next(c for c in CASES if c.name == "conference-200")
    with tempfile.TemporaryDirectory() as tmp:
        folder = conference(Path(tmp) / case.name, case.people, case.per_day, case.days, 1)
        short = Case(case.name, case.people, case.per_day, case.days, 1, time_limit=2.0)
        times, data = plan_runs(folder, short, 1)
        ws = load_workspace(folder)
        problem = build_problem(ws, ws.conference.days())
        greedy = coverage_score(problem, greedy_rota(problem))
    value = next(s["value"] for s in data["scores"] if s["tier"] == "coverage")
    print(
        f"\nAnytime floor: conference-200 with --time-limit 2: coverage {value} "
        f"(hand method {greedy}), whole process {times[0]:.1f} s"
    )


def scaling() -> None:
    """Model building (the staffing problem and the CP-SAT model) from 1x to 8x the
    60-person conference (people and meetings both scaled), and the growth exponent."""
    print("\n## Model building, 1x to 8x the 60-person conference\n")
    print("| scale | people x meetings | pairs | build seconds |")
    print("|---:|---|---:|---:|")
    points = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (1, 2, 4, 8):
            folder = conference(Path(tmp) / f"x{factor}", 60 * factor, 45 * factor, 19, 1)
            ws = load_workspace(folder)
            started = time.perf_counter()
            problem = build_problem(ws, ws.conference.days())
            built = StaffingModel(problem).model  # (built when first used)
            assert built is not None
            took = time.perf_counter() - started
            points.append((len(problem.options), took))
            print(f"| {factor}x | {60 * factor} x {45 * factor * 19} | {len(problem.options)} | "
                  f"{took:.2f} |", flush=True)  # fmt: skip
    (p1, t1), (p8, t8) = points[0], points[-1]
    exponent = math.log(t8 / t1) / math.log(p8 / p1)
    print(f"\ngrowth exponent (time against eligible pairs, 1x to 8x): {exponent:.2f}")


if __name__ == "__main__":
    main()
