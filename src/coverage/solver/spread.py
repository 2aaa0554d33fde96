"""Sparing the most loaded person where no search of fairness can: seats passed on.

A plan too large for a search of its whole model (the 200-person whole conference: 142k
pairs) ends with the heaviest load its earlier tiers left, however unequal: there the
expertise pass sends the best people everywhere, and nothing looks at their load. This
pass hands seats of the most loaded person to someone as good there and less loaded:

- the meeting keeps as many attendees (coverage and depth unchanged);
- the new attendee is worth exactly as much there (the same expertise levels, lead bonus
  and delegation stance, so the same expertise) and wishes the same (the same
  preference);
- nothing a commitment or a pin puts there is moved, no seat goes to someone a
  commitment would put there (that would raise the commitments), and in a replan nothing
  is moved (every change would be a change to a published rota);
- the new attendee may take it on top of their own rota by every hard rule (all of them
  but seats concern one person's own meetings, and a seat passed on leaves the count
  as it was);
- it is taken only when it lowers the heaviest load, or the number of people who carry
  it: the new attendee ends below what the most loaded carried; and the pass is kept
  only when, in the end, the heaviest load is lower (fewer people carrying the same
  load is no better a fairness, and the seats passed on may cost continuity threads).

So every tier before fairness keeps its value exactly, and fairness is lower or the rota
is returned as it was. The moves are tried in a fixed order (the heaviest meetings of the
most loaded first, each to the least loaded who may take it), at most `moves` of them:
the same rota every run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from coverage.hard_rules import Keeper
from coverage.problem import StaffingProblem

Pair = tuple[str, str]


# The most seats passed on in one pass (measured 2026-12-04: 191 seats passed on from the
# 60-person conference's warm start in 0.11 s; the pass over the 200-person conference's
# rota, three seats, 0.1 s).
MOVES = 2000


def spread_load(
    problem: StaffingProblem, rota: Collection[Pair], moves: int = MOVES
) -> frozenset[Pair]:
    """`rota` with up to `moves` seats passed from the most loaded person to others (see
    the module's docstring): every earlier tier's score the same, the heaviest load no
    heavier. A replan's rota is returned as it is."""
    if problem.previous is not None:
        return frozenset(rota)
    load: dict[str, int] = defaultdict(int, problem.base.load)
    meetings_of: dict[str, set[str]] = defaultdict(set)
    attending: dict[str, set[str]] = defaultdict(set)
    for attendee, meeting in rota:
        load[attendee] += problem.slots[meeting].load
        meetings_of[attendee].add(meeting)
        attending[meeting].add(attendee)
    if not load:
        return frozenset(rota)
    candidates: dict[str, list[str]] = defaultdict(list)
    for attendee, meeting in problem.options:
        candidates[meeting].append(attendee)
    fixed = problem.required | problem.pinned
    rules = Keeper(problem)  # each person's starts from it, sharing each person's clashes
    keepers: dict[str, Keeper] = {}  # each person's own rota, until it changes

    def may_take(attendee: str, meeting: str) -> bool:
        keeper = keepers.get(attendee)
        if keeper is None:
            keeper = keepers[attendee] = rules.empty()
            for taken in sorted(meetings_of[attendee]):
                keeper.add(attendee, taken)
        return keeper.allows(attendee, meeting)

    def move() -> bool:
        """One seat passed on from someone carrying the heaviest load, if any can be."""
        peak = max(load.values())
        for heavy in sorted(a for a, n in load.items() if n == peak):
            for meeting in sorted(meetings_of[heavy], key=lambda m: (-problem.slots[m].load, m)):
                if (heavy, meeting) in fixed:
                    continue
                option = problem.options[heavy, meeting]
                cost = problem.slots[meeting].load
                for other in sorted(candidates[meeting], key=lambda a: (load[a], a)):
                    if load[other] + cost >= peak:
                        break  # (sorted by load: no one after is lighter)
                    if other in attending[meeting] or (other, meeting) in fixed:
                        continue  # (a commitment there: passing it would raise commitments)
                    alternative = problem.options[other, meeting]
                    if (alternative.quality_levels, alternative.preference) != (
                        option.quality_levels,
                        option.preference,
                    ):
                        continue
                    if not may_take(other, meeting):
                        continue
                    load[heavy] -= cost
                    load[other] += cost
                    keepers.pop(heavy, None)
                    keepers.pop(other, None)
                    meetings_of[heavy].discard(meeting)
                    meetings_of[other].add(meeting)
                    attending[meeting] = (attending[meeting] - {heavy}) | {other}
                    return True
        return False

    start = max(load.values())
    for _ in range(moves):
        if not move():
            break
    if max(load.values()) >= start:
        # Fewer people at the same heaviest load is no better a fairness, and the seats
        # passed on may have cost threads (continuity, the tier after it).
        return frozenset(rota)
    return frozenset((a, m) for a, taken in meetings_of.items() for m in taken)
