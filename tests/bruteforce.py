"""The lexicographic optimum (coverage, then depth) by exhaustive search, for tiny instances.

Feasibility is judged with the checker's rule logic. Every rule is monotone (dropping an
assignment never breaks one), so a partial rota that breaks a rule can be pruned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import combinations
from typing import Any

from checker import (
    Duty,
    conference_day,
    fixed_duties,
    ineligibility,
    max_duty_hours,
    person_violations,
    utc,
    weight,
)

from coverage.domain import Workspace


def best_scores(
    workspace: Workspace, days: Iterable[date | str], fixed: Sequence[Any] = ()
) -> tuple[int, int]:
    """The best (coverage, depth) over all feasible rotas of `days`, given fixed history."""
    conference = workspace.conference
    wanted = {date.fromisoformat(d) if isinstance(d, str) else d for d in days}
    history = fixed_duties(fixed)
    attendees = {a.id: a for a in workspace.attendees}
    hours = {a.id: max_duty_hours(conference, a) for a in workspace.attendees}

    schedules: dict[str, list[Duty]] = {a.id: [] for a in workspace.attendees}
    for duty in history:
        schedules.setdefault(duty.attendee, []).append(duty)

    def ok(person: str, extra: Duty) -> bool:
        items = [*schedules[person], extra]
        return not person_violations(conference, person, hours[person], items)

    # Each meeting with the people who may attend it alone (with the history).
    options: list[tuple[int, int, list[tuple[str, Duty]]]] = []
    for meeting in workspace.meetings:
        day = conference_day(conference, meeting.start)
        if day not in wanted:
            continue
        people = []
        for person, attendee in attendees.items():
            if ineligibility(conference, attendee, meeting) is not None:
                continue
            duty = Duty(meeting.id, person, day, utc(meeting.start), utc(meeting.end))
            if ok(person, duty):
                people.append((person, duty))
        if people:
            options.append((weight(conference, meeting), meeting.seats, people))
    options.sort(key=lambda o: -o[0])

    # Upper bounds of what the meetings from index i on can still add.
    n = len(options)
    cov_left = [0] * (n + 1)
    depth_left = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        w, seats, people = options[i]
        cov_left[i] = cov_left[i + 1] + w
        depth_left[i] = depth_left[i + 1] + w * (min(seats, len(people)) - 1)

    best = (0, 0)

    def search(i: int, cov: int, depth: int) -> None:
        nonlocal best
        if (cov, depth) > best:
            best = (cov, depth)
        if i == n or (cov + cov_left[i], depth + depth_left[i]) <= best:
            return
        w, seats, people = options[i]
        for size in range(min(seats, len(people)), 0, -1):
            for group in combinations(people, size):
                added: list[str] = []
                feasible = True
                for person, duty in group:
                    if not ok(person, duty):
                        feasible = False
                        break
                    schedules[person].append(duty)
                    added.append(person)
                if feasible:
                    search(i + 1, cov + w, depth + w * (size - 1))
                for person in added:
                    schedules[person].pop()
        search(i + 1, cov, depth)

    search(0, 0, 0)
    return best
