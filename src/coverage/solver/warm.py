"""A warm start for the search: a rota that keeps every hard rule, found by greedy passes.

It is the floor the solver never goes below: the search starts from it (as a hint), and a
solve stopped by its time limit or by Ctrl-C returns it when it found nothing better.
Commitments come first, then (in a replan) the published rota as far as it still keeps
the rules, then the best of a few greedy fills, the coordinator's hand method among them
(meetings by weight, each given the free eligible person with the best expertise and the
fewest other options, then spare seats the same way)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from coverage.hard_rules import Keeper
from coverage.problem import StaffingProblem

# How the greedy fill may order the meetings and, for each, the people (the first is the
# coordinator's hand method: meetings by value, the most expert free person first, the
# one with fewest other options breaking ties). The warm start keeps the best of them.
_ORDERS = ("value", "density", "scarcity")


def warm_start(
    problem: StaffingProblem, keep: Iterable[tuple[str, str]] = ()
) -> frozenset[tuple[str, str]]:
    """A rota (attendee, meeting pairs) that keeps every hard rule of `problem`: the
    commitments, then the pairs of `keep` (a published rota, in a replan), each as far as
    the rules allow, then the best of a few greedy fills (by commitments kept, then
    coverage, then depth): never less coverage than the hand method."""
    kept = list(keep)
    best: tuple[tuple[int, int, int], frozenset[tuple[str, str]]] | None = None
    rules = Keeper(problem)  # each fill starts empty from it, sharing each person's clashes
    for order in _ORDERS:
        pairs = _fill(problem, kept, order, rules.empty())
        covered = {m for _, m in pairs}
        coverage = sum(problem.slots[m].weight for m in covered)
        attending = sum(problem.slots[m].weight for _, m in pairs)
        score = (len(problem.pinned & pairs), coverage, attending - coverage)
        if best is None or score > best[0]:
            best = (score, pairs)
    assert best is not None
    return best[1]


def _fill(
    problem: StaffingProblem, keep: list[tuple[str, str]], order: str, keeper: Keeper
) -> frozenset[tuple[str, str]]:
    seated: dict[str, int] = defaultdict(int)

    def seat(attendee: str, meeting: str) -> bool:
        if not keeper.allows(attendee, meeting):
            return False
        keeper.add(attendee, meeting)
        seated[meeting] += 1
        return True

    def by_start(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        known = [p for p in pairs if p in problem.options]
        return sorted(known, key=lambda p: (problem.slots[p[1]].start, p[1], p[0]))

    for attendee, meeting in by_start(problem.required):  # checked to fit together
        seat(attendee, meeting)
    for attendee, meeting in by_start(problem.pinned):
        seat(attendee, meeting)
    for attendee, meeting in by_start(keep):
        seat(attendee, meeting)

    candidates: dict[str, list[str]] = defaultdict(list)
    options_count: dict[str, int] = defaultdict(int)
    for attendee, meeting in problem.options:
        candidates[meeting].append(attendee)
        options_count[attendee] += 1
    for meeting, people in candidates.items():
        if order == "scarcity":
            people.sort(key=lambda a: (options_count[a], -problem.options[a, meeting].level, a))
        else:
            people.sort(key=lambda a: (-problem.options[a, meeting].level, options_count[a], a))
    slots = list(problem.slots.values())
    if order == "density":
        slots.sort(key=lambda s: (-s.weight / max(1, s.minutes), s.start, s.id))
    elif order == "scarcity":
        slots.sort(key=lambda s: (-s.weight, len(candidates[s.id]), s.start, s.id))
    else:
        slots.sort(key=lambda s: (-s.weight, s.start, s.id))
    for fill in (False, True):
        for slot in slots:
            limit = slot.seats if fill else 1
            for attendee in candidates[slot.id]:
                if seated[slot.id] >= limit:
                    break
                seat(attendee, slot.id)
    return frozenset(keeper.taken)
