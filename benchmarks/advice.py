"""The coordinator's advisor, timed on the example's busiest day (a separate command,
never part of the tests): `rota recruit` (top 5), `rota critical` (everyone) and `rota
what-if` with one change, whole processes, median of 5 runs.

    .venv/bin/python benchmarks/advice.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import EXAMPLE, busiest_day, machine, timed_rota  # noqa: E402


def timed(args: list[str]) -> tuple[float, dict[str, object]]:
    seconds, done = timed_rota([*args, "--json"])
    return seconds, json.loads(done.stdout)


def main() -> None:
    runs = 5
    day = busiest_day().isoformat()
    where = [str(EXAMPLE), "--day", day]
    print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}; busiest day {day}\n")
    print("| command | median wall (whole process) | result |")
    print("|---|---:|---|")
    recruit = [timed(["recruit", *where]) for _ in range(runs)]
    found = recruit[0][1]
    top = found["suggestions"]  # type: ignore[index]
    print(
        f"| `rota recruit --day {day}` (top 5) | {statistics.median(t for t, _ in recruit):.2f} s "
        f"| {found['candidates']} profiles, {found['solved']} optima solved, {found['pruned']} "
        f"left out by their bound; best gain +{top[0]['gain']}, 5th +{top[4]['gain']}, all "
        f"proven: {all(s['proven'] for s in top)} |"  # type: ignore[index]
    )
    critical = [timed(["critical", *where]) for _ in range(runs)]
    people = critical[0][1]["people"]  # type: ignore[index]
    costly = [p for p in people if p["lost"] > 0]
    print(
        f"| `rota critical --day {day}` ({len(people)} people) | "
        f"{statistics.median(t for t, _ in critical):.2f} s | {len(costly)} people cost "
        f"coverage if lost (worst -{costly[0]['lost'] if costly else 0}), "
        f"{sum(p['solved'] for p in people)} solves; all proven: "
        f"{all(p['proven'] for p in people)} |"
    )
    worst = costly[0]["attendee"] if costly else people[0]["attendee"]
    what_if = [timed(["what-if", *where, "--without", worst]) for _ in range(runs)]
    scenario = what_if[0][1]["scenario"]  # type: ignore[index]
    print(
        f"| `rota what-if --day {day} --without {worst}` | "
        f"{statistics.median(t for t, _ in what_if):.2f} s | coverage "
        f"{what_if[0][1]['baseline']['coverage']} -> {scenario['coverage']}, proven: "  # type: ignore[index]
        f"{scenario['proven']} |"
    )


if __name__ == "__main__":
    main()
