"""The coordinator's hand method: take meetings by value, send the first free expert.

The baseline the solver must beat (benchmarks only). It keeps every hard rule, judged on
the staffing problem's own terms."""

from __future__ import annotations

from collections import defaultdict

from coverage.problem import StaffingProblem


class _Diary:
    """One person's rota so far, and whether one more meeting still keeps the rules."""

    def __init__(self, problem: StaffingProblem, attendee: str) -> None:
        self.problem = problem
        self.attendee = attendee
        self.meetings: set[str] = set()
        self.minutes: dict[int, int] = defaultdict(int)
        self.late_days: set[int] = set()
        self.clash: dict[str, set[str]] = defaultdict(set)
        for group in problem.overlap_groups.get(attendee, []):
            for meeting in group:
                self.clash[meeting].update(group)
        for first, second in problem.rest_pairs.get(attendee, []):
            self.clash[first].add(second)
            self.clash[second].add(first)

    def can_take(self, meeting: str) -> bool:
        slot = self.problem.slots[meeting]
        if (self.attendee, meeting) not in self.problem.options or meeting in self.meetings:
            return False
        if self.clash[meeting] & self.meetings:
            return False
        if self.minutes[slot.day] + slot.minutes > self.problem.duty_caps[self.attendee]:
            return False
        if slot.late and slot.day not in self.late_days:
            nights = self.late_days | {slot.day}
            for days, already in self.problem.late_windows.get(self.attendee, []):
                if slot.day in days and already + len(nights & set(days)) > self.problem.max_late:
                    return False
        return True

    def take(self, meeting: str) -> None:
        slot = self.problem.slots[meeting]
        self.meetings.add(meeting)
        self.minutes[slot.day] += slot.minutes
        if slot.late:
            self.late_days.add(slot.day)


def greedy_rota(problem: StaffingProblem) -> set[tuple[str, str]]:
    """Meetings by weight (then start), each given the free eligible person with the best
    expertise and the fewest other options; then spare seats filled the same way."""
    diaries = {a: _Diary(problem, a) for a in problem.attendees}
    candidates: dict[str, list[str]] = defaultdict(list)
    options_count: dict[str, int] = defaultdict(int)
    for attendee, meeting in problem.options:
        candidates[meeting].append(attendee)
        options_count[attendee] += 1
    order = sorted(problem.slots.values(), key=lambda s: (-s.weight, s.start, s.id))
    chosen: set[tuple[str, str]] = set()
    seated: dict[str, int] = defaultdict(int)
    for seats_round in (1, None):
        for slot in order:
            limit = slot.seats if seats_round is None else seats_round
            ranked = sorted(
                candidates[slot.id],
                key=lambda a: (-problem.options[a, slot.id].level, options_count[a], a),
            )
            for attendee in ranked:
                if seated[slot.id] >= limit:
                    break
                if diaries[attendee].can_take(slot.id):
                    diaries[attendee].take(slot.id)
                    chosen.add((attendee, slot.id))
                    seated[slot.id] += 1
    return chosen
