"""The objective tiers, in lexicographic order: each is optimised with the earlier ones held
at their best values. Each tier also says how to score a finished rota, so that reported
values come from the assignments themselves."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from coverage.problem import LEAD_BONUS, StaffingProblem
from coverage.solver import spread
from coverage.solver.cpsat import cp_model
from coverage.solver.variables import Variables

Expression = cp_model.LinearExprT
Assignments = Collection[tuple[str, str]]  # (attendee, meeting)


@dataclass(frozen=True)
class Tier:
    """One level of the lexicographic objective: `build` adds what the tier needs to the
    model and returns its expression; `score` computes its value for a finished rota."""

    name: str
    sense: Literal["max", "min"]
    meaning: str
    build: Callable[[cp_model.CpModel, StaffingProblem, Variables], Expression]
    score: Callable[[StaffingProblem, Assignments], int]
    # Coverage tiers get the full presolve; for the quality tiers, probing costs more than
    # it saves (measured on the example's busiest day).
    thorough: bool = True
    # Optional constraints that keep this tier's optimum (but not the later tiers'), added
    # to a copy of the model for this tier's solve only.
    narrow: Callable[[cp_model.CpModel, StaffingProblem, Variables], None] | None = None
    # Solve this tier and the next in one run, as `this x (ceiling of next + 1) + next`:
    # still lexicographic, one presolve and one proof fewer.
    solve_with_next: bool = False
    # The largest value the tier can take (needed to be solved jointly after another).
    ceiling: Callable[[StaffingProblem], int] | None = None
    # Whether the tier means anything for this problem (stability needs a published rota).
    applies: Callable[[StaffingProblem], bool] = lambda problem: True
    # The best value the tier could take at all (an upper bound of a max tier, a lower
    # bound of a min tier), from the problem alone: a rota that reaches it is optimal in
    # this tier without a search.
    limit: Callable[[StaffingProblem], int] | None = None
    # The best value the tier could take in a rota that holds the earlier tiers at the
    # values given (tier name -> value), when that says more than `limit`.
    given: Callable[[StaffingProblem, Mapping[str, int]], int] | None = None
    # Whether a MIP of this tier (`coverage.solver.mip`) races CP-SAT on the other core.
    mip: bool = False
    # Whether the tier is a sum over days, so that a plan of several days is bounded by
    # the sum of its days solved alone (`coverage.solver.by_day`).
    by_day: bool = False
    # Whether a large model leaves part of this tier's search to neighbourhoods of the rota
    # found (`coverage.solver.neighbourhoods`). Measured on the 40 x 224 day (2026-12-02):
    # coverage 2,200 against 2,172 without; with every tier searching them, depth 35
    # against 36 with coverage's alone (its parts, holding coverage, found nothing better,
    # and CP-SAT's own search had half the time).
    neighbourhoods: bool = False
    # What improves a rota in this tier, keeping every earlier tier's value, when the step
    # gets no search (a plan too large to load for what is left): `coverage.solver.spread`.
    unsearched: (
        Callable[[StaffingProblem, frozenset[tuple[str, str]]], frozenset[tuple[str, str]]] | None
    ) = None


def improves(value: int, than: int, maximise: bool) -> bool:
    """Whether `value` is strictly better than `than` for a tier of that sense."""
    return value > than if maximise else value < than


def _weighted(pairs: list[tuple[cp_model.IntVar, int]]) -> Expression:
    return cp_model.LinearExpr.weighted_sum([v for v, _ in pairs], [c for _, c in pairs])


def coverage(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> Expression:
    """Sum of weight(m) over covered meetings."""
    terms = [(var, problem.slots[m].weight) for m, var in v.covered.items()]
    return _weighted(terms) + problem.base.coverage


def one_attendee_suffices(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> None:
    """For coverage alone a second attendee never helps: seat exactly one per covered
    meeting. Measured on scarce synthetic days: about 30 % less time to prove coverage."""
    var = model.get_bool_var_from_proto_index
    attending: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for (_, meeting), covers in v.covers.items():
        attending[meeting].append(var(covers.index))
    for meeting, covered in v.covered.items():
        model.add(sum(attending[meeting]) == var(covered.index))


def coverage_score(problem: StaffingProblem, chosen: Assignments) -> int:
    """Sum of weight(m) over meetings with at least one attendee."""
    return problem.base.coverage + sum(problem.slots[m].weight for m in {m for _, m in chosen})


def _candidates(problem: StaffingProblem) -> dict[str, int]:
    count: dict[str, int] = defaultdict(int)
    for _, meeting in problem.options:
        count[meeting] += 1
    return count


def coverage_limit(problem: StaffingProblem) -> int:
    """Every meeting someone may attend covered."""
    return problem.base.coverage + sum(problem.slots[m].weight for m in _candidates(problem))


def depth_limit(problem: StaffingProblem) -> int:
    """Every meeting with as many attendees as its seats and its candidates allow."""
    return problem.base.depth + sum(
        problem.slots[m].weight * (min(problem.slots[m].seats, n) - 1)
        for m, n in _candidates(problem).items()
    )


def commitments_limit(problem: StaffingProblem) -> int:
    """Every commitment honoured."""
    return len(problem.pinned)


def stability_limit(problem: StaffingProblem) -> int:
    """Only the published pairs the rules no longer allow are changed."""
    return sum(1 for pair in problem.previous or () if pair not in problem.options)


def messaged_limit(problem: StaffingProblem) -> int:
    """Only the people who must be told anyway."""
    released = {a for a, m in problem.previous or () if (a, m) not in problem.options}
    return len(released | set(problem.told))


def fairness_limit(problem: StaffingProblem) -> int:
    """No one's load below what they already sat in."""
    return max(problem.base.load.values(), default=0)


def fairness_given(problem: StaffingProblem, held: Mapping[str, int]) -> int:
    """No one's load below the average a rota holding coverage and depth at `held` must
    carry. Coverage plus depth is the weight of every seat taken (a meeting's weight for
    each of its attendees), and each seat costs the meeting's load; the least total load
    that reaches `held` coverage plus depth (a fractional knapsack: the cheapest load per
    unit of weight first, each meeting up to its seats and candidates) is shared out over
    everyone who could carry some, on top of what they already carry. (Held in the model,
    coverage and depth are sums whose total is exactly that weight, however `covered`
    splits it, so the bound holds for every rota the later steps may choose.)"""
    floor = fairness_limit(problem)
    target = (
        held.get("coverage", problem.base.coverage)
        - problem.base.coverage
        + held.get("depth", problem.base.depth)
        - problem.base.depth
    )
    carriers = {a for a, _ in problem.options} | {a for a, n in problem.base.load.items() if n}
    if target <= 0 or not carriers:
        return floor
    candidates = _candidates(problem)
    cheapest = sorted(
        (Fraction(problem.slots[m].load, problem.slots[m].weight), m)
        for m in candidates
        if problem.slots[m].weight > 0
    )
    load, reached = Fraction(0), 0
    for cost, meeting in cheapest:
        if reached >= target:
            break
        seats = min(problem.slots[meeting].seats, candidates[meeting])
        # The last meeting is taken in part: only the weight still missing is paid.
        paid = min(seats * problem.slots[meeting].weight, target - reached)
        load += cost * paid
        reached += paid
    average = (sum(problem.base.load.values()) + load) / len(carriers)
    return max(floor, math.ceil(average))


def continuity_limit(problem: StaffingProblem) -> int:
    """No thread beyond those already begun."""
    return len(problem.base.threads)


def least_attendees(problem: StaffingProblem, held: Mapping[str, int]) -> dict[str, int]:
    """The fewest attendees each meeting has in every rota that holds coverage (and depth,
    when given) at `held`, as the model holds them; meetings that may have none are left
    out. Coverage is the weight of the covered meetings: a meeting weighing more than
    coverage may fall short of its limit is covered. Coverage plus depth is the weight of
    every seat taken, each meeting up to `k` seats (its seats or its candidates, whichever
    are fewer): a meeting with `n` attendees leaves `weight x (k - n)` untaken, which
    cannot exceed what the two may fall short of their limits together."""
    if "coverage" not in held:
        return {}
    short = coverage_limit(problem) - held["coverage"]
    seats_short = None if "depth" not in held else short + depth_limit(problem) - held["depth"]
    least: dict[str, int] = {}
    for meeting, candidates in _candidates(problem).items():
        slot = problem.slots[meeting]
        if slot.weight <= 0:
            continue
        fewest = 1 if slot.weight > short else 0
        if seats_short is not None:
            fewest = max(fewest, min(slot.seats, candidates) - seats_short // slot.weight)
        if fewest > 0:
            least[meeting] = fewest
    return least


def continuity_given(problem: StaffingProblem, held: Mapping[str, int]) -> int:
    """No fewer threads than a rota holding the earlier tiers at `held` must have. Each
    (day, issue) has a thread for every person in one of its meetings, so at least as
    many as the meetings on it that clash for everyone (closer than the changeover, one
    sweep over their times: an interval graph) must seat at once (`least_attendees`),
    and at least one for each person who already follows it (a thread begun, a pin)."""
    followers: dict[tuple[int, str], set[str]] = defaultdict(set)
    for attendee, day, issue in problem.base.threads:
        followers[day, issue].add(attendee)
    for attendee, meeting in problem.required & problem.options.keys():
        slot = problem.slots[meeting]
        for issue in slot.issues:
            followers[slot.day, issue].add(attendee)
    # Times as (minute, +/- attendees): a meeting holds its people until the changeover
    # after its end, and one that leaves is gone before one that arrives at that minute.
    events: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for meeting, fewest in least_attendees(problem, held).items():
        slot = problem.slots[meeting]
        for issue in dict.fromkeys(slot.issues):  # (once each, however often it is named)
            events[slot.day, issue] += [
                (slot.start, fewest),
                (slot.end + problem.changeover, -fewest),
            ]
    total = 0
    for key in followers.keys() | events.keys():
        at_once = peak = 0
        for _, change in sorted(events.get(key, [])):
            at_once += change
            peak = max(peak, at_once)
        total += max(peak, len(followers.get(key, ())))
    return max(total, continuity_limit(problem))


def depth(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> Expression:
    """Sum of weight(m) x (attendees - 1) over covered meetings (seats cap attendees)."""
    attending = [(var, problem.slots[m].weight) for (_, m), var in v.covers.items()]
    counted = [(var, -problem.slots[m].weight) for m, var in v.covered.items()]
    return _weighted(attending + counted) + problem.base.depth


def counted_when_attended(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> None:
    """For depth, a meeting with an attendee counts as covered (so `covered` is exact and
    the relaxation tighter). Measured on scarce synthetic days: proves depth faster. Kept
    for the later steps too, it slowed their searches (the 40 x 224 day: expertise at
    0.59 deterministic seconds per wall second against 0.82, and the last step then cut
    by the wall clock; measured 2026-12-04)."""
    var = model.get_bool_var_from_proto_index
    for (_, meeting), covers in v.covers.items():
        model.add_implication(var(covers.index), var(v.covered[meeting].index))


def depth_score(problem: StaffingProblem, chosen: Assignments) -> int:
    """Sum over covered meetings of weight(m) x (attendees - 1)."""
    attending = sum(problem.slots[m].weight for _, m in chosen)
    covered = sum(problem.slots[m].weight for m in {m for _, m in chosen})
    return problem.base.depth + attending - covered


def _has_commitments(problem: StaffingProblem) -> bool:
    return bool(problem.pinned)


def commitments(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> Expression:
    """Attendees seated where a meeting's `assigned` commits them."""
    return cp_model.LinearExpr.sum([v.covers[pair] for pair in sorted(problem.pinned)])


def commitments_score(problem: StaffingProblem, chosen: Assignments) -> int:
    """Committed pairs honoured."""
    return len(problem.pinned & set(chosen))


def _replanning(problem: StaffingProblem) -> bool:
    return problem.previous is not None


def stability(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> Expression:
    """Pairs (attendee, meeting) added or removed compared with the published rota."""
    previous = problem.previous or frozenset()
    released = sum(1 for pair in previous if pair not in v.covers)
    kept = [var for pair, var in v.covers.items() if pair in previous]
    added = [var for pair, var in v.covers.items() if pair not in previous]
    return cp_model.LinearExpr.weighted_sum(
        [*kept, *added], [-1] * len(kept) + [1] * len(added)
    ) + (len(kept) + released)


def stability_score(problem: StaffingProblem, chosen: Assignments) -> int:
    """Size of the symmetric difference with the published pairs."""
    return len(set(chosen) ^ (problem.previous or frozenset()))


def messaged(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> Expression:
    """People whose rota changes (each gets a message)."""
    previous = problem.previous or frozenset()
    # Changed for certain: a published pair the rules no longer allow, or a meeting that
    # moved (or changed room, title or status) under someone.
    released = {a for a, m in previous if (a, m) not in v.covers} | set(problem.told)
    involved = {a for a, _ in v.covers} | {a for a, _ in previous}
    for attendee in sorted(involved - released):
        v.changed[attendee] = model.new_bool_var(f"changed[{attendee}]")
    for (attendee, meeting), var in v.covers.items():
        if attendee in v.changed:
            if (attendee, meeting) in previous:
                model.add_implication(var.Not(), v.changed[attendee])
            else:
                model.add_implication(var, v.changed[attendee])
    return cp_model.LinearExpr.sum(list(v.changed.values())) + len(released)


def messaged_score(problem: StaffingProblem, chosen: Assignments) -> int:
    """Number of people whose pairs differ from the published ones, and those told of a
    change to a meeting they are on."""
    changed = {a for a, _ in set(chosen) ^ (problem.previous or frozenset())}
    return len(changed | set(problem.told))


def messaged_ceiling(problem: StaffingProblem) -> int:
    """At most everyone."""
    return len(problem.attendees)


def _quality(problem: StaffingProblem, attendee: str, meeting: str) -> int:
    return problem.slots[meeting].weight * problem.options[attendee, meeting].quality_levels


def expertise(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> Expression:
    """Sum over attendances of weight(m) x expertise level, a lead of one of the meeting's
    issues counting LEAD_BONUS levels more."""
    terms = [(var, _quality(problem, a, m)) for (a, m), var in v.covers.items()]
    return _weighted(terms) + problem.base.quality


def expertise_score(problem: StaffingProblem, chosen: Assignments) -> int:
    """Sum over attendances of weight(m) x (expertise level, + LEAD_BONUS for a lead)."""
    return problem.base.quality + sum(_quality(problem, a, m) for a, m in chosen)


def expertise_limit(problem: StaffingProblem) -> int:
    """Every meeting with its best candidates in every seat (each seat taken by one of the
    `seats` best, whatever else they could be doing)."""
    candidates: dict[str, list[int]] = defaultdict(list)
    for a, m in problem.options:
        candidates[m].append(_quality(problem, a, m))
    return problem.base.quality + sum(
        sum(sorted(found, reverse=True)[: problem.slots[m].seats])
        for m, found in candidates.items()
    )


def _has_preferences(problem: StaffingProblem) -> bool:
    return problem.base.preference != 0 or any(o.preference for o in problem.options.values())


def preferences(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> Expression:
    """Sum over attendances of +1 (an issue the person prefers) or -1 (an issue or kind
    they avoid)."""
    terms = [(var, problem.options[p].preference) for p, var in v.covers.items()]
    return _weighted([(var, c) for var, c in terms if c]) + problem.base.preference


def preferences_score(problem: StaffingProblem, chosen: Assignments) -> int:
    """Sum over attendances of the person's preference for the meeting."""
    return problem.base.preference + sum(
        problem.options[p].preference for p in chosen if p in problem.options
    )


def preferences_limit(problem: StaffingProblem) -> int:
    """Every preferred meeting attended and none avoided."""
    return problem.base.preference + sum(max(0, o.preference) for o in problem.options.values())


def fairness(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> Expression:
    """The heaviest load of anyone: minutes in meetings, night minutes counted twice."""
    by_attendee: dict[str, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
    for (a, m), var in v.covers.items():
        by_attendee[a].append((var, problem.slots[m].load))
    already = problem.base.load
    floor = max(already.values(), default=0)
    ceiling = max(
        [floor] + [already.get(a, 0) + sum(c for _, c in terms) for a, terms in by_attendee.items()]
    )
    v.peak_load = model.new_int_var(floor, ceiling, "peak_load")
    for attendee, terms in by_attendee.items():
        model.add(_weighted(terms) + already.get(attendee, 0) <= v.peak_load)
    return v.peak_load


def fairness_score(problem: StaffingProblem, chosen: Assignments) -> int:
    """The heaviest load of anyone."""
    load: dict[str, int] = defaultdict(int, problem.base.load)
    for a, m in chosen:
        load[a] += problem.slots[m].load
    return max(load.values(), default=0)


def continuity(model: cp_model.CpModel, problem: StaffingProblem, v: Variables) -> Expression:
    """Number of (person, day, issue) threads: fewer means the same people follow an issue
    through the day."""
    started = problem.base.threads  # threads begun in meetings that already happened
    for (a, m), var in v.covers.items():
        slot = problem.slots[m]
        for issue in slot.issues:
            key = (a, slot.day, issue)
            if key in started:
                continue
            if key not in v.threads:
                v.threads[key] = model.new_bool_var(f"threads[{a},{slot.day},{issue}]")
            model.add_implication(var, v.threads[key])
    return cp_model.LinearExpr.sum(list(v.threads.values())) + len(started)


def continuity_ceiling(problem: StaffingProblem) -> int:
    """Every thread a rota could have: one per (person, day, issue) of an option not begun
    (as many as `continuity` makes helpers), and those already begun."""
    started = problem.base.threads
    could = {
        (a, problem.slots[m].day, issue)
        for a, m in problem.options
        for issue in problem.slots[m].issues
    }
    return len(could - started) + len(started)


def continuity_score(problem: StaffingProblem, chosen: Assignments) -> int:
    """Number of distinct (person, day, issue) threads."""
    return len(threads_of(problem, chosen) | problem.base.threads)


def threads_of(problem: StaffingProblem, chosen: Assignments) -> set[tuple[str, int, str]]:
    """The (person, day, issue) threads a rota has."""
    return {(a, problem.slots[m].day, i) for a, m in chosen for i in problem.slots[m].issues}


TIERS: tuple[Tier, ...] = (
    # Bilaterals the group arranged come first: people were promised there.
    Tier(
        "commitments",
        "max",
        "attendees seated where a meeting's `assigned` commits them",
        commitments,
        commitments_score,
        applies=_has_commitments,
        limit=commitments_limit,
        by_day=True,
    ),
    Tier(
        "coverage",
        "max",
        "sum of weight over covered meetings",
        coverage,
        coverage_score,
        narrow=one_attendee_suffices,
        limit=coverage_limit,
        mip=True,
        by_day=True,
        neighbourhoods=True,
    ),
    Tier(
        "depth",
        "max",
        "sum of weight x (attendees - 1) over covered meetings",
        depth,
        depth_score,
        narrow=counted_when_attended,
        limit=depth_limit,
        by_day=True,
    ),
    # Replanning only: change as little as possible of what was sent, then bother as few
    # people as possible (solved together, lexicographically).
    Tier(
        "stability",
        "min",
        "(attendee, meeting) pairs added or removed compared with the published rota",
        stability,
        stability_score,
        thorough=False,
        solve_with_next=True,
        applies=_replanning,
        limit=stability_limit,
    ),
    Tier(
        "messaged",
        "min",
        "people whose rota changes",
        messaged,
        messaged_score,
        thorough=False,
        ceiling=messaged_ceiling,
        applies=_replanning,
        limit=messaged_limit,
    ),
    # Leads and expertise in one tier: a lead reporting on their own issue is worth three
    # levels more. Measured: one tier instead of two halves the time of the quality tiers.
    Tier(
        "expertise",
        "max",
        f"sum of weight x (expertise level, +{LEAD_BONUS} for an issue lead, +2 for a "
        "supporting delegation, +1 for a leaning one) over attendances",
        expertise,
        expertise_score,
        thorough=False,
        limit=expertise_limit,
        by_day=True,
    ),
    # People's own preferences, after the group's needs (coverage, depth, expertise).
    Tier(
        "preferences",
        "max",
        "preferences met over attendances: +1 on an issue the person prefers, -1 on an issue "
        "or kind they avoid",
        preferences,
        preferences_score,
        thorough=False,
        applies=_has_preferences,
        limit=preferences_limit,
        by_day=True,
    ),
    # Fairness before continuity: sparing the most loaded person matters more than having
    # one person follow an issue, and proving it in this order is also much faster.
    Tier(
        "fairness",
        "min",
        "heaviest load in minutes, night minutes counted twice",
        fairness,
        fairness_score,
        thorough=False,
        solve_with_next=True,
        limit=fairness_limit,
        given=fairness_given,
        unsearched=spread.spread_load,
    ),
    Tier(
        "continuity",
        "min",
        "number of (person, day, issue) threads",
        continuity,
        continuity_score,
        thorough=False,
        ceiling=continuity_ceiling,
        limit=continuity_limit,
        given=continuity_given,
    ),
)
