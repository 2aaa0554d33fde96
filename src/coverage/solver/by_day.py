"""A plan of several days, solved day by day first: a bound and a rota for the whole.

Days are linked only by the rest rule (a late meeting and the next morning) and the
late-nights window; everything else a rule says is within one day. So:

- **A bound.** With those links relaxed, each day is a problem of its own, and a tier that
  is a sum over days (commitments, coverage, depth, expertise, preferences) can do no better
  over the whole plan than the sum of what each day can do alone. That holds for the first
  such tier always; for a later one only while every earlier one is held at exactly the sum
  of its days' proven optima (then every day of every rota that keeps them is at its own
  optimum there, and the day's later tiers were solved under that very condition).
- **A rota.** The days are solved again in order, each with the days before it as they
  were chosen (and every pin of every day) taken as given: an option those forbid is
  removed, and a day whose relaxed rota breaks no link is kept as it is. The result keeps
  every rule of the whole plan; when each day reaches its relaxed value, it is optimal.

Measured on the scarce whole conference of `benchmarks/synthetic` (40 people, 2,698
meetings over 19 days): every day's coverage is proven in about 0.3 s, and the sum of the
days is the optimum of the whole (README, "How a rota is found, and proven").
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

from coverage.hard_rules import keeps_the_rules
from coverage.problem import FrozenPart, Option, StaffingProblem
from coverage.solver.warm import warm_start

Pair = tuple[str, str]


@dataclass(frozen=True)
class PartSolved:
    """A part of the plan solved: its rota, each tier's (bound or None, proven), and the
    solver's deterministic seconds it took."""

    rota: frozenset[Pair]
    results: Mapping[str, tuple[int | None, bool]]
    work: float


# Solve a part of the plan over the given tiers within the given deterministic seconds,
# from a hint (which reaches the given bounds of the earlier tiers); None when Ctrl-C
# stopped it.
SolvePart = Callable[
    [StaffingProblem, tuple[str, ...], float, frozenset[Pair], Mapping[str, int]],
    PartSolved | None,
]


@dataclass(frozen=True)
class DayByDay:
    """What solving the days one by one gave for one tier: a rota of the whole plan that
    keeps every rule, and each day's bound on the tier alone, when every day has one."""

    rota: frozenset[Pair]
    bounds: Mapping[int, int] | None = None
    interrupted: bool = False
    work: float = 0.0  # the solver's deterministic seconds, the days solved at once counted once


# The parts of the time given to the days with their links relaxed (the bounds), to each
# day again with the others fixed, and (the rest, with what the others left) to three days
# at a time. Measured on the whole conferences of `benchmarks/scale.py`: the relaxed days
# prove most, and decide the bound and most of the value; more to each day again (as
# what the relaxed days left) ran the scarce conference into the wall clock.
RELAXED_SHARE = 0.8
AGAIN_SHARE = 0.15
# A day's search again is skipped only when its share is below what loading its model
# costs at the cheapest measured (2.4e-5 deterministic seconds per eligible pair, against
# the 5e-5 each search is charged, see `model.LOAD_WORK_PER_PAIR`).
FRUITLESS_SHARE = 0.48
# The most eligible pairs a window of three days may have to be solved. Measured on the
# whole conferences of `benchmarks/scale.py` (2026-12-04): on the 200-person one, windows
# of 22,500-23,700 pairs found nothing, each stopped in its presolve by its share (1.2-1.7
# deterministic seconds, 2 s of wall time; with the presolve pass that took 1.7 of it
# turned off, 4.5-5 s of wall time for 0.5-0.6 deterministic seconds of search, still
# nothing); on the scarce 40-person one, windows of 4,400 pairs raised depth by 20 and
# 120. Between the two.
LARGEST_WINDOW = 10_000
# The days with their links relaxed are independent: this many are solved at once, each in
# a thread of its own (CP-SAT releases the interpreter while it searches). Two cores: two.
PARALLEL = 2
# The work two days solved at once do in the wall time of one (measured on the days of the
# 200-person whole conference: each of two runs at about 0.33 deterministic seconds per
# wall second, where one alone runs at 0.5; model building holds the interpreter).
PARALLEL_WORK = 1.3


def applies(problem: StaffingProblem) -> bool:
    """Whether the plan has several days to solve one by one (a replan has one day)."""
    return len(problem.days) > 1 and problem.previous is None and problem.base == FrozenPart()


@dataclass(frozen=True)
class DayIndex:
    """A problem's options, clash groups and rest pairs by the days they touch, each
    attendee's groups and pairs as positions in the problem's lists: built once per plan,
    so that a part of a few days looks only at those days' (on the 200-person whole
    conference, a part that looked at every group of all 19 days took 0.1 s to build)."""

    options: Mapping[int, Mapping[Pair, Option]]
    groups: Mapping[int, Mapping[str, list[int]]]
    rest: Mapping[int, Mapping[str, list[int]]]

    @staticmethod
    def of(problem: StaffingProblem) -> DayIndex:
        options: dict[int, dict[Pair, Option]] = defaultdict(dict)
        for key, option in problem.options.items():
            options[problem.slots[key[1]].day][key] = option
        groups: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for attendee, listed in problem.overlap_groups.items():
            for position, group in enumerate(listed):
                for day in sorted({problem.slots[m].day for m in group}):
                    groups[day][attendee].append(position)
        rest: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for attendee, pairs in problem.rest_pairs.items():
            for position, (first, second) in enumerate(pairs):
                for day in sorted({problem.slots[first].day, problem.slots[second].day}):
                    rest[day][attendee].append(position)
        return DayIndex(options, groups, rest)

    def positions(
        self, of: Mapping[int, Mapping[str, list[int]]], days: Collection[int], attendee: str
    ) -> list[int]:
        """The positions of `attendee`'s groups or pairs (`of`) that touch `days`, in the
        problem's order."""
        found = [of[d].get(attendee, []) for d in days if d in of]
        if len(found) == 1:
            return found[0]
        return sorted({position for listed in found for position in listed})


def part_problem(
    problem: StaffingProblem,
    days: Collection[int],
    fixed: Collection[Pair] = (),
    index: DayIndex | None = None,
) -> StaffingProblem:
    """The days `days` of `problem` alone: the pairs of `fixed` on other days are taken as
    given (an option they forbid is gone, their late nights count in the window), and the
    links to the other days are relaxed. `index` is `DayIndex.of(problem)`."""
    days = frozenset(days)
    ordered = sorted(days)
    slots = {m: s for m, s in problem.slots.items() if s.day in days}
    if index is None:
        index = DayIndex.of(problem)
    outside: dict[str, set[str]] = defaultdict(set)
    for attendee, meeting in fixed:
        if problem.slots[meeting].day not in days:
            outside[attendee].add(meeting)
    # The attendee's groups and rest pairs that touch these days (no other can matter
    # here), in the problem's order.
    touching_groups = {
        a: [listed[i] for i in index.positions(index.groups, ordered, a)]
        for a, listed in problem.overlap_groups.items()
    }
    touching_rest = {
        a: [pairs[i] for i in index.positions(index.rest, ordered, a)]
        for a, pairs in problem.rest_pairs.items()
    }
    blocked: set[Pair] = set()
    for attendee, taken in outside.items():
        for first, second in touching_rest.get(attendee, []):
            if second in taken and first in slots:
                blocked.add((attendee, first))
            if first in taken and second in slots:
                blocked.add((attendee, second))
        for group in touching_groups.get(attendee, []):
            if any(m in taken for m in group):
                blocked.update((attendee, m) for m in group if m in slots)
    kept: dict[Pair, Option] = {
        key: option
        for day in ordered
        for key, option in index.options.get(day, {}).items()
        if key not in blocked or key in problem.required
    }
    groups: dict[str, list[tuple[str, ...]]] = {}
    for attendee, listed in touching_groups.items():
        inside = [tuple(m for m in group if (attendee, m) in kept) for group in listed]
        groups[attendee] = [g for g in inside if len(g) > 1]
    rest = {
        attendee: [(a, b) for a, b in pairs if (attendee, a) in kept and (attendee, b) in kept]
        for attendee, pairs in touching_rest.items()
    }
    windows: dict[str, list[tuple[tuple[int, ...], int]]] = {}
    for attendee, runs in problem.late_windows.items():
        late = {problem.slots[m].day for m in outside.get(attendee, ()) if problem.slots[m].late}
        windows[attendee] = [
            (
                tuple(n for n in within if n in days),
                already + len(late.difference(days) & set(within)),
            )
            for within, already in runs
            if days.intersection(within)
        ]
    return dataclasses.replace(
        problem,
        slots=slots,
        options=kept,
        overlap_groups=groups,
        rest_pairs=rest,
        late_windows=windows,
        days=tuple(sorted(days)),
        pinned=frozenset(k for k in problem.pinned if k in kept),
        required=frozenset(k for k in problem.required if k in kept),
        barriers={},
        blocked_by_history={},
    )


def solve_by_day(
    problem: StaffingProblem,
    tiers: tuple[str, ...],
    known: Mapping[int, Mapping[str, int]],
    rota: frozenset[Pair],
    work: float,
    seconds: float,
    solve_part: SolvePart,
    score: Callable[[StaffingProblem, frozenset[Pair]], list[int]],
    stopped: Callable[[], bool] = lambda: False,
    parallel: int = 1,
    parts_alone: Mapping[int, StaffingProblem] | None = None,
    index: DayIndex | None = None,
    load: float = 0.0,
) -> DayByDay:
    """Solve the last of `tiers` (sums over days) day by day, the earlier ones held at each
    day's proven optimum `known[day]` (which `rota`, a rota of the whole plan that keeps
    every rule, reaches), within `work` of the solver's deterministic seconds (`seconds` of
    wall time a safety net): `RELAXED_SHARE` for the days with their links relaxed (the
    bounds), the rest for a rota of the whole no worse than `rota` (each day again with the
    others as chosen, searched from its relaxed rota less what they forbid, then three days
    at a time around a day short of what it could do alone). What the relaxed days leave
    goes to the days after them, and what every day leaves to the windows of three days;
    a window whose model costs more to load (`load` per eligible pair, counted in each
    part's work) than its share would search, or of more eligible pairs than
    `LARGEST_WINDOW`, is not solved. `score` ranks a rota of a part
    over `tiers`.

    For the first tier (nothing known), each day is solved again with only the days before
    it (and every pin) as chosen: a greedy `rota` would hold the later days back.

    The relaxed days are solved `parallel` at a time, each in a thread of its own, each
    with a deterministic budget fixed before its batch starts (more than one at a time
    would get in the same wall time, `PARALLEL_WORK`): the rota and bounds depend on
    `parallel`, not on the machine or the order the threads finish in. `solve_part` must
    stop of itself once `stopped` has said so: `stopped` is asked here, in the calling
    thread, while the parts run.
    `parts_alone`, when given, is `days_alone(problem)`, and `index` `DayIndex.of(problem)`.
    The result's `work` counts the days solved at once as the wall time they share would
    have done one at a time."""
    started = time.monotonic()
    deadline = started + seconds
    days = sorted(problem.days)
    index = index or DayIndex.of(problem)
    first = len(tiers) == 1
    # Each solve's time is fixed before it starts, in the solver's deterministic seconds,
    # from the work the solves before it did, not from the wall clock: the same problem is
    # solved the same way each time, but for what the wall clock cuts short (the rest is
    # then kept as it is). Days solved several at a time do more work in the same wall time.
    gain = PARALLEL_WORK if parallel > 1 else 1.0
    # What a relaxed day leaves goes to the days after it (measured: a day of the
    # 200-person whole conference stopped a little short of its proof has far less
    # expertise, 125,748 for the 19 days relaxed at 0.41 deterministic seconds each
    # against 133,287 proven, while most days prove in less than that).
    pool = work * RELAXED_SHARE * gain  # the relaxed days' work, as the threads count it
    again_time = max(0.05, work * AGAIN_SHARE / len(days))

    def of_days(pairs: Collection[Pair], within: Collection[int]) -> frozenset[Pair]:
        return frozenset(p for p in pairs if problem.slots[p[1]].day in within)

    def value(pairs: Collection[Pair], day: int) -> list[int]:
        # Scored on the whole problem: each tier summed over days scores a day's pairs the
        # same there as on the day alone.
        return score(problem, of_days(pairs, [day]))

    relaxed: dict[int, frozenset[Pair]] = {}
    alone: dict[int, list[int]] = {}  # each day's value alone, tier by tier
    bounds: dict[int, int | None] = {}
    parts = parts_alone if parts_alone is not None else days_alone(problem, index)

    spent: list[float] = []  # each solve's work, in the order solved

    def cut(interrupted: bool = True) -> DayByDay:
        """Stopped early: the rota given, no bound."""
        return DayByDay(rota, interrupted=interrupted, work=math.fsum(spent))

    def relax(day: int, budget: float) -> PartSolved | None:
        hint = frozenset() if first else of_days(rota, [day])
        return solve_part(parts[day], tiers, budget, hint, known.get(day, {}))

    # A batch of `parallel` days at a time: the wall deadline is checked between batches.
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="day") as threads:
        for start in range(0, len(days), max(1, parallel)):
            batch = days[start : start + max(1, parallel)]
            if stopped():
                return cut()
            if time.monotonic() >= deadline:
                return cut(interrupted=False)  # out of time
            alone_time = max(0.05, pool / (len(days) - start))
            futures = [threads.submit(relax, day, alone_time) for day in batch]
            while wait(futures, timeout=0.1).not_done:
                stopped()  # progress, and Ctrl-C seen (the parts stop of themselves)
            for day, future in zip(batch, futures, strict=True):
                found = future.result()
                if found is None:
                    return cut()
                spent.append(found.work / gain)
                pool -= found.work
                relaxed[day] = found.rota
                alone[day] = score(parts[day], relaxed[day])
                bounds[day] = found.results[tiers[-1]][0]

    chosen = set(problem.required) if first else set(rota)
    for day in days:
        fixed = chosen if not first else chosen | of_days(problem.required, days)
        part = part_problem(problem, [day], fixed, index)
        current = of_days(chosen, [day])
        better = relaxed[day]
        if not keeps_the_rules(part, better):
            if stopped():
                return cut()
            # From the day's rota alone, less what the others now forbid: measured, far
            # better than from the day's current rota (the 200-person whole conference,
            # coverage, depth and expertise in the default minute: expertise 132,297
            # against 114,484, of a bound of 133,287); when it ends below the current
            # rota, the current one stays.
            hint = better & part.options.keys()
            if time.monotonic() >= deadline:
                better = hint  # out of time: what of the day's rota keeps the rules
            elif again_time < load * FRUITLESS_SHARE * len(part.options):
                # Its model costs more to load, even at the cheapest load measured, than
                # its share would search: the day's rota repaired as a search would start
                # from it (measured: on the 200-person whole conference, 18 such searches
                # of 0.12 deterministic seconds each found no rota at all, for 4-11 s of
                # wall time; on the scarce 40-person one, searches of 0.05 on days a
                # fifth that size still found better rotas: depth 5,088 against 4,973
                # when they were skipped at the full charge).
                better = warm_start(part, hint)
            else:
                found = solve_part(part, tiers, again_time, hint, known.get(day, {}))
                if found is None:
                    return cut()
                spent.append(found.work)
                better = found.rota
        if first or score(part, better) > score(part, current):
            chosen = (chosen - current) | better
    # Three days at a time around each day short of its value alone, the others fixed.
    # A window whose model costs more to load than its share of the work would search
    # is not solved (measured: on the 200-person whole conference each cost 1.1
    # deterministic seconds, 1.3 s of wall time, for a share of 0.24, and found nothing).
    short = [d for d in days if value(chosen, d) < alone[d]]
    for position, day in enumerate(short):
        if time.monotonic() >= deadline or value(chosen, day) >= alone[day]:
            continue
        if stopped():
            return cut()
        window = [d for d in days if abs(d - day) <= 1]
        window_time = max(0.05, (work - math.fsum(spent)) / (len(short) - position))
        pairs = sum(len(index.options.get(d, {})) for d in window)
        if pairs > LARGEST_WINDOW or window_time < load * pairs:
            continue
        part = part_problem(problem, window, chosen, index)
        current = of_days(chosen, window)
        held = {name: sum(known.get(d, {}).get(name, 0) for d in window) for name in tiers[:-1]}
        found = solve_part(part, tiers, window_time, current, held)
        if found is None:
            return cut()
        spent.append(found.work)
        if score(part, found.rota) > score(part, current):
            chosen = (chosen - current) | found.rota
    every_day = {day: b for day, b in bounds.items() if b is not None}
    return DayByDay(
        frozenset(chosen),
        every_day if len(every_day) == len(days) else None,
        work=math.fsum(spent),
    )


def days_alone(
    problem: StaffingProblem, index: DayIndex | None = None
) -> dict[int, StaffingProblem]:
    """Each day of `problem` alone, its links to the other days relaxed."""
    index = index or DayIndex.of(problem)
    return {day: part_problem(problem, [day], index=index) for day in sorted(problem.days)}
